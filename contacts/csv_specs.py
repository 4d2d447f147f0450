"""CSV columns of contacts, and every CSV spec by the name the screens use."""

from contacts.models import Contact
from crm.csv_io import CsvSpec, register
from partners.csv_specs import BANK_ACCOUNT_CSV, CUSTOMER_CSV, PARTY_COLUMNS, VENDOR_CSV

CONTACT_CSV = register(CsvSpec(
    Contact,
    columns=("no", "type", "company", *PARTY_COLUMNS, "vat_registration_no", "first_name", "middle_name", "surname",
             "job_title", "initials", "salesperson", "privacy_blocked", "minor", "parental_consent_received"),
    lookups={"company": "no", "territory": "code", "salesperson": "code"},
))

# kind (as in URLs and list screens) → (spec, permission "app.model", list URL name)
CSV_KINDS = {
    "contact": (CONTACT_CSV, "contacts.contact", "contacts:list"),
    "customer": (CUSTOMER_CSV, "partners.customer", "partners:customer-list"),
    "vendor": (VENDOR_CSV, "partners.vendor", "partners:vendor-list"),
    "bank_account": (BANK_ACCOUNT_CSV, "partners.bankaccount", "partners:bank-account-list"),
}
