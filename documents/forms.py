"""Input validation for the documents screens (no writes here: views hand cleaned data to services)."""

from django import forms

from contacts.models import Contact, InteractionTemplate
from contacts.selectors import contact_lookup
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


class VersionedDocumentForm(forms.ModelForm):
    """Carries the ``version`` of the document header or line it was shown with, so a save over someone
    else's is refused (the services compare it: ``expected_version``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def _versioned(self, data: dict) -> dict:
        data["expected_version"] = data.pop("version")
        return data


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
        fields = ["order_date", "external_document_no", "email", "phone_no", "contact_name", "customer_template"]
        widgets = {"order_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        header = self.instance
        self.fields["customer_no"].initial = header.sell_to_customer.no if header.sell_to_customer_id else ""
        self.fields["contact_no"].initial = header.sell_to_contact.no if header.sell_to_contact_id else ""
        self.order_fields(["customer_no", "contact_no"])
        if header.document_type != SalesHeader.DocumentType.QUOTE or header.sell_to_customer_id:
            del self.fields["customer_template"]
        else:
            self.fields["customer_template"].queryset = CustomerTemplate.objects.order_by("code")

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
        fields = ["order_date", "external_document_no", "email", "phone_no", "contact_name"]
        widgets = {"order_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        header = self.instance
        self.fields["vendor_no"].initial = header.buy_from_vendor.no if header.buy_from_vendor_id else ""
        self.fields["contact_no"].initial = header.buy_from_contact.no if header.buy_from_contact_id else ""
        self.order_fields(["vendor_no", "contact_no"])

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


class ContactEmailForm(forms.Form):
    subject = forms.CharField(max_length=150)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 4}))


class InteractionForm(forms.Form):
    template = forms.ModelChoiceField(label="Kind", queryset=InteractionTemplate.objects.order_by("code"),
                                      empty_label="Choose…")
    description = forms.CharField(max_length=100, required=False)
