"""CSV columns of contacts (registered with crm.csv_io; the generic CSV screens find it by name)."""

from contacts.models import Contact
from crm.csv_io import CsvSpec, register
from partners.csv_specs import PARTY_COLUMNS

CONTACT_CSV = register(CsvSpec(
    Contact,
    columns=("no", "type", "company", *PARTY_COLUMNS, "vat_registration_no", "first_name", "middle_name", "surname",
             "job_title", "initials", "salesperson", "privacy_blocked", "minor", "parental_consent_received"),
    lookups={"company": "no", "territory": "code", "salesperson": "code"},
    list_url="contacts:list",
))
