"""The one registry of partner kinds: customer, vendor, bank account.

Everything that differs between the three kinds is named here once — the model, the words used for it
in sentences, URLs and command arguments, where its number series and its Marketing Setup business
relation code are set, its template — and every other module asks this registry instead of keeping a
table of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from partners.models import BankAccount, Customer, CustomerTemplate, Vendor, VendorTemplate


@dataclass(frozen=True)
class PartnerKind:
    key: str  # "customer" | "vendor" | "bank_account": ContactBusinessRelation.link_to_table and its FK
    model: type
    label: str  # in a sentence: "bank account"
    plural: str  # "bank accounts"
    slug: str  # URL names: "partners:bank-account-list"
    word: str  # URL paths and command arguments: "bank-accounts"
    setup_code_field: str  # Marketing Setup: the business relation code of this kind
    number_setup_field: str  # Partner Setup: the number series of this kind
    template_model: type | None  # the "Create as" template, None for bank accounts
    related: tuple  # select_related for lists and cards
    posting_fields: tuple  # invoicing and posting details a template would fill
    standalone_person: bool  # a person without a company may be linked to / made into one
    contact_text_person: bool  # the partner's ``contact`` text becomes a person under its company contact

    @property
    def title(self) -> str:
        """``Bank Account``: at the start of a sentence, on buttons and headings."""
        return self.label.title()

    @property
    def plural_title(self) -> str:
        """``Bank accounts``: list headings and navigation."""
        return self.plural[:1].upper() + self.plural[1:]

    def perm(self, action: str) -> str:
        """The permission to ``action`` (view, add, change, delete) partners of this kind."""
        return f"partners.{action}_{self.model._meta.model_name}"

    def describe(self, partner) -> str:
        """``customer C00010`` for messages."""
        return f"{self.label} {partner.no}"

    def __str__(self):
        return self.label


KINDS: dict[str, PartnerKind] = {
    kind.key: kind for kind in (
        PartnerKind("customer", Customer, "customer", "customers", "customer", "customers",
                    "bus_rel_code_for_customers", "customer_nos", CustomerTemplate, ("salesperson", "territory"),
                    ("payment_terms_code", "customer_posting_group", "gen_bus_posting_group",
                     "vat_bus_posting_group"), standalone_person=True, contact_text_person=True),
        PartnerKind("vendor", Vendor, "vendor", "vendors", "vendor", "vendors",
                    "bus_rel_code_for_vendors", "vendor_nos", VendorTemplate, ("purchaser", "territory"),
                    ("payment_terms_code", "vendor_posting_group", "gen_bus_posting_group",
                     "vat_bus_posting_group"), standalone_person=False, contact_text_person=True),
        PartnerKind("bank_account", BankAccount, "bank account", "bank accounts", "bank-account", "bank-accounts",
                    "bus_rel_code_for_bank_accounts", "bank_account_nos", None, ("our_contact", "territory"),
                    ("bank_acc_posting_group",), standalone_person=False, contact_text_person=False),
    )
}
_BY_MODEL = {kind.model: kind for kind in KINDS.values()}
_BY_WORD = {kind.word: kind for kind in KINDS.values()}


def get(key: str) -> PartnerKind:
    """The kind named ``key`` ("customer", "vendor", "bank_account"); KeyError for any other."""
    return KINDS[key]


def of(partner_or_model) -> PartnerKind:
    """The kind of a partner instance or model class."""
    model = partner_or_model if isinstance(partner_or_model, type) else type(partner_or_model)
    return _BY_MODEL[model]


def is_partner(obj) -> bool:
    return type(obj) in _BY_MODEL


def from_word(word: str) -> PartnerKind:
    """The kind a URL path or command argument names ("customers", "bank-accounts"); KeyError otherwise."""
    return _BY_WORD[word]


def words() -> list[str]:
    return list(_BY_WORD)
