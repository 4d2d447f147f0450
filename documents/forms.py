"""Input validation for the documents screens (no writes here: views hand cleaned data to services)."""

from django import forms

from contacts.models import Contact, InteractionTemplate
from contacts.selectors import contact_lookup
from crm.concurrency import ORIGINAL
from crm.forms import VersionedForm
from crm.search import LookupInput, offer_suggestions
from partners import kinds
from partners.models import Customer, CustomerTemplate, Vendor
from partners.selectors import partner_lookup

from .models import PurchaseHeader, PurchaseLine, SalesHeader, SalesLine


def _lookup(model, no: str, label: str):
    if not no:
        return None
    try:
        return model.objects.get(no=no.strip())
    except model.DoesNotExist:
        raise forms.ValidationError(f"No {label} {no.strip()} exists.") from None


def _number_input(url_name, placeholder):
    return LookupInput(url_name, attrs={"placeholder": placeholder})


class VersionedDocumentForm(VersionedForm):
    """Carries the ``version`` of the document header or line it was shown with and the values it started
    from (``crm.forms.VersionedForm``): the services compare the version (``expected_version``) and the views
    merge a save over someone else's with ``crm.concurrency.save_or_merge``."""

    def clean_version(self):
        return self.cleaned_data.get("version")  # optional here: without it the services do not compare

    def _versioned(self, data: dict) -> dict:
        data.pop(ORIGINAL, None)
        data["expected_version"] = data.pop("version")
        return data


def _quote_validity(form) -> None:
    """Only a quote has a validity date: the field is dropped from the form of any other document."""
    if form.instance.document_type != "quote":
        del form.fields["quote_valid_until"]


def _clean_quote_valid_until(form):
    valid_until, order_date = form.cleaned_data["quote_valid_until"], form.cleaned_data.get("order_date")
    if valid_until and order_date and valid_until < order_date:
        raise forms.ValidationError("A quote cannot expire before its date: choose this date or a later one.")
    return valid_until


def _changed(record, initial_no: str):
    return record if record is not None and record.no != initial_no else None


class SalesHeaderForm(VersionedDocumentForm):
    customer_no = forms.CharField(
        label="Customer no.", max_length=20, required=False,
        widget=_number_input("partners:customer-lookup", "Type the customer's name or number"))
    contact_no = forms.CharField(label="Contact no.", max_length=20, required=False,
                                 widget=_number_input("contacts:lookup", "Type the contact's name or number"))

    class Meta:
        model = SalesHeader
        fields = ["order_date", "quote_valid_until", "external_document_no", "email", "phone_no", "contact_name",
                  "customer_template"]
        widgets = {"order_date": forms.DateInput(attrs={"type": "date"}),
                   "quote_valid_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        header = self.instance
        self.fields["customer_no"].initial = header.sell_to_customer.no if header.sell_to_customer_id else ""
        self.fields["contact_no"].initial = header.sell_to_contact.no if header.sell_to_contact_id else ""
        self.order_fields(["customer_no", "contact_no"])
        _quote_validity(self)
        if header.document_type != SalesHeader.DocumentType.QUOTE or header.sell_to_customer_id:
            del self.fields["customer_template"]
        else:
            self.fields["customer_template"].queryset = CustomerTemplate.objects.order_by("code")

    def clean_quote_valid_until(self):
        return _clean_quote_valid_until(self)

    def clean_customer_no(self):
        return _lookup(Customer, self.cleaned_data["customer_no"], "customer")

    def clean_contact_no(self):
        return _lookup(Contact, self.cleaned_data["contact_no"], "contact")

    def clean(self):
        cleaned = super().clean()
        offer_suggestions(self, "customer_no", lambda text: partner_lookup(kinds.get("customer"), text))
        offer_suggestions(self, "contact_no", contact_lookup)
        return cleaned

    def service_kwargs(self) -> dict:
        """Keyword arguments for ``sales_document_update``: customer/contact only when the user changed them."""
        data = self._versioned(dict(self.cleaned_data))
        return {"customer": _changed(data.pop("customer_no"), self.fields["customer_no"].initial),
                "contact": _changed(data.pop("contact_no"), self.fields["contact_no"].initial), **data}


class PurchaseHeaderForm(VersionedDocumentForm):
    vendor_no = forms.CharField(label="Vendor no.", max_length=20, required=False,
                                widget=_number_input("partners:vendor-lookup", "Type the vendor's name or number"))
    contact_no = forms.CharField(label="Contact no.", max_length=20, required=False,
                                 widget=_number_input("contacts:lookup", "Type the contact's name or number"))

    class Meta:
        model = PurchaseHeader
        fields = ["order_date", "quote_valid_until", "external_document_no", "email", "phone_no", "contact_name"]
        widgets = {"order_date": forms.DateInput(attrs={"type": "date"}),
                   "quote_valid_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        header = self.instance
        self.fields["vendor_no"].initial = header.buy_from_vendor.no if header.buy_from_vendor_id else ""
        self.fields["contact_no"].initial = header.buy_from_contact.no if header.buy_from_contact_id else ""
        self.order_fields(["vendor_no", "contact_no"])
        _quote_validity(self)

    def clean_quote_valid_until(self):
        return _clean_quote_valid_until(self)

    def clean_vendor_no(self):
        return _lookup(Vendor, self.cleaned_data["vendor_no"], "vendor")

    def clean_contact_no(self):
        return _lookup(Contact, self.cleaned_data["contact_no"], "contact")

    def clean(self):
        cleaned = super().clean()
        offer_suggestions(self, "vendor_no", lambda text: partner_lookup(kinds.get("vendor"), text))
        offer_suggestions(self, "contact_no", contact_lookup)
        return cleaned

    def service_kwargs(self) -> dict:
        """Keyword arguments for ``purchase_document_update``: vendor/contact only when the user changed them."""
        data = self._versioned(dict(self.cleaned_data))
        return {"vendor": _changed(data.pop("vendor_no"), self.fields["vendor_no"].initial),
                "contact": _changed(data.pop("contact_no"), self.fields["contact_no"].initial), **data}


class SalesLineForm(VersionedDocumentForm):
    """A line edited in place (carrying its version) or added (a new line has no version to compare)."""

    class Meta:
        model = SalesLine
        fields = ["description", "quantity", "unit_price", "line_discount_pct"]
        widgets = {field: forms.NumberInput(attrs={"step": "any", "min": "0"})
                   for field in ("quantity", "unit_price", "line_discount_pct")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]

    def service_kwargs(self) -> dict:
        """Keyword arguments for ``document_line_update`` (with ``expected_version``) or ``document_line_add``."""
        data = dict(self.cleaned_data)
        return self._versioned(data) if "version" in data else data


class PurchaseLineForm(SalesLineForm):
    class Meta(SalesLineForm.Meta):
        model = PurchaseLine


class DocumentEmailForm(forms.Form):
    """"Send by e-mail" of a document: what ``services.email_draft`` proposes, changed by the user before
    sending. Addresses are checked by ``services.email_document`` (its errors come back on these fields)."""

    to = forms.CharField(label="To", max_length=500, help_text="Separate several addresses with commas.")
    cc = forms.CharField(label="Cc", max_length=500, required=False,
                         help_text="Separate several addresses with commas.")
    subject = forms.CharField(max_length=150)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 8}))

    def clean_body(self):
        return self.cleaned_data["body"].replace("\r\n", "\n")  # browsers send a textarea's lines with CRLF


class ContactEmailForm(forms.Form):
    subject = forms.CharField(max_length=150)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 4}))


class InteractionForm(forms.Form):
    template = forms.ModelChoiceField(label="Kind", queryset=InteractionTemplate.objects.order_by("code"),
                                      empty_label="Choose…")
    description = forms.CharField(max_length=100, error_messages={
        "required": "Say in a few words what the interaction was about."})
