"""Edit forms of customers, vendors and bank accounts (IBAN and SWIFT/BIC are validated by the model)."""

from django import forms

from crm.forms import VersionedForm as _VersionedForm
from partners.models import BankAccount, Customer, Vendor


class VersionedForm(_VersionedForm):
    def _get_validation_exclusions(self):
        # A blank number is taken from the series on save: the "no is set" constraint is checked then.
        exclusions = super()._get_validation_exclusions()
        if not self.cleaned_data.get("no"):
            exclusions.add("no")
        return exclusions


PARTY = ["name", "name_2", "search_name", "address", "address_2", "post_code", "city", "county", "country_code",
         "phone_no", "mobile_phone_no", "fax_no", "email", "home_page", "territory", "language_code",
         "currency_code"]


class CustomerForm(VersionedForm):
    class Meta:
        model = Customer
        fields = ["no", *PARTY, "vat_registration_no", "contact", "contact_type", "salesperson", "blocked",
                  "payment_terms_code", "customer_posting_group", "gen_bus_posting_group",
                  "vat_bus_posting_group", "credit_limit", "privacy_blocked"]


class VendorForm(VersionedForm):
    class Meta:
        model = Vendor
        fields = ["no", *PARTY, "vat_registration_no", "contact", "purchaser", "blocked", "payment_terms_code",
                  "vendor_posting_group", "gen_bus_posting_group", "vat_bus_posting_group", "privacy_blocked"]


class BankAccountForm(VersionedForm):
    class Meta:
        model = BankAccount
        fields = ["no", *PARTY, "contact", "our_contact", "bank_account_no", "iban", "swift_code",
                  "bank_branch_no", "bank_acc_posting_group"]
        widgets = {"iban": forms.TextInput(attrs={"placeholder": "e.g. DE89 3704 0044 0532 0130 00"}),
                   "swift_code": forms.TextInput(attrs={"placeholder": "e.g. COBADEFFXXX"})}

    def clean_iban(self):
        return self.cleaned_data["iban"].replace(" ", "").upper()

    def clean_swift_code(self):
        return self.cleaned_data["swift_code"].replace(" ", "").upper()


def edit_form_class(model):
    return {Customer: CustomerForm, Vendor: VendorForm, BankAccount: BankAccountForm}[model]


class PartnerSearchForm(forms.Form):
    """The search box of the customer, vendor and bank account lists."""

    q = forms.CharField(required=False, max_length=100, label="Search")
