"""Synchronization of contacts with customers, vendors and bank accounts.

Every rule that keeps a contact and its partners in step lives in this module (DESIGN §4).
This first part is the explicit field map: which contact field corresponds to which partner
field, and in which direction it flows. Nothing is coupled by position or by accident of naming.
"""

from partners.models import BankAccount, Customer, Vendor

PARTNER_MODELS = {"customer": Customer, "vendor": Vendor, "bank_account": BankAccount}
PARTNER_KINDS = {model: kind for kind, model in PARTNER_MODELS.items()}

# Fields that contact and every partner share, flowing both ways.
PARTY_FIELDS = (
    "name", "name_2", "search_name", "address", "address_2", "city", "post_code", "county", "country_code",
    "phone_no", "mobile_phone_no", "fax_no", "email", "home_page", "territory", "language_code",
    "currency_code",
)

# contact field → partner field, flowing both ways, per partner kind.
BOTH_WAYS = {
    "customer": {**{f: f for f in PARTY_FIELDS}, "vat_registration_no": "vat_registration_no",
                 "salesperson": "salesperson"},
    "vendor": {**{f: f for f in PARTY_FIELDS}, "vat_registration_no": "vat_registration_no"},
    "bank_account": {f: f for f in PARTY_FIELDS},
}

# contact field → partner field, flowing from the contact to the partner only.
CONTACT_TO_PARTNER_ONLY = {
    "customer": {"type": "contact_type"},
    "vendor": {},
    "bank_account": {},
}


def contact_to_partner_map(kind: str) -> dict[str, str]:
    """Every contact field that is copied onto a partner of ``kind``, with the partner field it fills."""
    return {**BOTH_WAYS[kind], **CONTACT_TO_PARTNER_ONLY[kind]}


def partner_to_contact_map(kind: str) -> dict[str, str]:
    """Every partner field of ``kind`` that is copied onto the contact, with the contact field it fills."""
    return {partner_field: contact_field for contact_field, partner_field in BOTH_WAYS[kind].items()}


def attname(model, field_name: str) -> str:
    """The attribute holding a field's value: ``territory_id`` for a foreign key, else the name itself."""
    return model._meta.get_field(field_name).attname
