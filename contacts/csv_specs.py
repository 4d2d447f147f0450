"""CSV columns of contacts (registered with crm.csv_io; the generic CSV screens find it by name).

The export writes what the contact list shows: the same filter form and selector as the list screen."""

from contacts.forms import ContactFilterForm
from contacts.models import Contact
from contacts.selectors import contact_list, visible_contacts
from crm.csv_io import CsvSpec, register
from partners.csv_specs import PARTY_COLUMNS


def listed_contacts(query, user):
    """The contacts the list shows ``user`` for ``query`` (its search, filters and sort)."""
    return contact_list(filters=ContactFilterForm(query).filters(), user=user, sort=query.get("sort"))[1]


CONTACT_CSV = register(CsvSpec(
    Contact,
    columns=("no", "type", "company", *PARTY_COLUMNS, "vat_registration_no", "first_name", "middle_name", "surname",
             "job_title", "initials", "salesperson", "privacy_blocked", "minor", "parental_consent_received"),
    lookups={"company": "no", "territory": "code", "salesperson": "code"},
    list_url="contacts:list",
    list_rows=listed_contacts,
    visible_rows=visible_contacts,
))
