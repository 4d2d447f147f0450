"""CSV columns of customers, vendors and bank accounts (crm.csv_io does the export and import; the CSV
screens name each by its kind's key and return to its list, and export what that list shows: the same search
form and selector). Registered by ``PartnersConfig.ready``."""

from crm.csv_io import CsvSpec, register
from partners import kinds, selectors
from partners.forms import PartnerSearchForm
from partners.models import BankAccount, Customer, Vendor


def listed_partners(kind, query):
    """The partners of ``kind`` the list shows for ``query`` (its search and sort)."""
    search = PartnerSearchForm(query)
    search.is_valid()
    return selectors.partner_list(kind, q=search.cleaned_data.get("q"), sort=query.get("sort"))[1]


def _screens(model):
    """The CSV screens' name, list and list rows of ``model``'s kind: ``bank_account``,
    ``partners:bank-account-list``, the bank accounts that list shows for a query."""
    kind = kinds.of(model)
    return {"name": kind.key, "list_url": f"partners:{kind.slug}-list",
            "list_rows": lambda query, user: listed_partners(kind, query)}


PARTY_COLUMNS = ("name", "name_2", "search_name", "address", "address_2", "city", "post_code", "county",
                 "country_code", "phone_no", "mobile_phone_no", "fax_no", "email", "home_page", "territory",
                 "language_code", "currency_code")

CUSTOMER_CSV = register(CsvSpec(
    Customer,
    columns=("no", *PARTY_COLUMNS, "vat_registration_no", "contact", "contact_type", "salesperson", "blocked",
             "payment_terms_code", "customer_posting_group", "gen_bus_posting_group", "vat_bus_posting_group",
             "credit_limit", "privacy_blocked"),
    lookups={"territory": "code", "salesperson": "code"},
    **_screens(Customer),
))
VENDOR_CSV = register(CsvSpec(
    Vendor,
    columns=("no", *PARTY_COLUMNS, "vat_registration_no", "contact", "purchaser", "blocked", "payment_terms_code",
             "vendor_posting_group", "gen_bus_posting_group", "vat_bus_posting_group", "privacy_blocked"),
    lookups={"territory": "code", "purchaser": "code"},
    **_screens(Vendor),
))
BANK_ACCOUNT_CSV = register(CsvSpec(
    BankAccount,
    columns=("no", *PARTY_COLUMNS, "contact", "our_contact", "bank_account_no", "iban", "swift_code",
             "bank_branch_no", "bank_acc_posting_group"),
    lookups={"territory": "code", "our_contact": "code"},
    **_screens(BankAccount),
))
