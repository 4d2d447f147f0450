"""Forms of the contact screens. No database writes here: views call services (or save a ModelForm)."""

from django import forms

from contacts.models import BusinessRelation, Contact
from contacts.selectors import contact_lookup, visible_contacts
from crm.forms import COUNTRY_CHOICES, LongSelect, VersionedForm, plain_model_choices
from crm.search import LookupInput, offer_suggestions
from partners.models import ContactType, SalespersonPurchaser, Territory

PARTY_FIELDS = [
    "name_2", "search_name", "address", "address_2", "post_code", "city", "county", "country_code",
    "phone_no", "mobile_phone_no", "fax_no", "email", "home_page", "territory", "language_code",
    "currency_code", "vat_registration_no",
]


class ContactForm(VersionedForm):
    """Create or edit a contact. A person's name is composed from its parts; its company is given by number."""

    company = forms.ModelChoiceField(
        queryset=Contact.objects.filter(type=ContactType.COMPANY), to_field_name="no", required=False,
        widget=LookupInput("contacts:lookup", params={"type": "company"},
                           attrs={"placeholder": "Type the company's name or number"}),
        label="Company no.",
        error_messages={"invalid_choice": "No company contact %(value)s exists."},
    )

    class Meta:
        model = Contact
        fields = ["type", "name", "first_name", "middle_name", "surname", "initials", "job_title", "company",
                  *PARTY_FIELDS, "salesperson", "privacy_blocked", "minor", "parental_consent_received"]

    PERSON_ONLY = ("first_name", "middle_name", "surname", "initials", "job_title", "company")

    def __init__(self, *args, user=None, **kwargs):
        """``user``: whose contacts the company number and its suggestions may name (``visible_contacts``)."""
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and "company" in self.fields:
            self.fields["company"].queryset = visible_contacts(user).filter(type=ContactType.COMPANY)
        if self.instance.pk and self.instance.company_id and not self.is_bound:
            self.initial["company"] = self.instance.company.no
        if self.instance.type == ContactType.COMPANY:
            for name in self.PERSON_ONLY:  # a company's card shows only what a company has
                del self.fields[name]
        else:
            self.fields["name"].required = False
            self.fields["name"].help_text = "Made from first, middle and surname."

    def clean(self):
        cleaned = super().clean()
        contact_type = cleaned.get("type")
        if contact_type == ContactType.COMPANY:
            if cleaned.get("company") and "company" in self.fields:
                self.add_error("company", "A company contact cannot belong to another company.")
            if not cleaned.get("name"):
                self.add_error("name", "A company needs a name.")
        elif contact_type == ContactType.PERSON:
            parts = [cleaned.get(f, "") for f in ("first_name", "middle_name", "surname")]
            composed = " ".join(p for p in parts if p)
            if composed and (not cleaned.get("name") or self._parts_changed()):
                cleaned["name"] = composed
            if not cleaned.get("name"):
                self.add_error("surname" if "surname" in self.fields else "name",
                               "A person needs a first name or a surname.")
            company = cleaned.get("company")
            if company is not None and self.instance.pk and company.pk == self.instance.pk:
                self.add_error("company", "A contact cannot be its own company.")
        offer_suggestions(self, "company", lambda text: contact_lookup(text, user=self.user, company_only=True))
        return cleaned

    def _parts_changed(self):
        return any(f in self.changed_data for f in ("first_name", "middle_name", "surname"))


class ContactFilterForm(forms.Form):
    """The contact list's search box and filters (every field optional; invalid values are ignored)."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    type = forms.ChoiceField(required=False, choices=[("", "Any type"), *ContactType.choices])
    relation = forms.ModelChoiceField(queryset=BusinessRelation.objects.all(), to_field_name="code",
                                      required=False, empty_label="Any relation", label="Business relation")
    salesperson = forms.ModelChoiceField(queryset=SalespersonPurchaser.objects.all(), to_field_name="code",
                                         required=False, empty_label="Any salesperson")
    territory = forms.ModelChoiceField(queryset=Territory.objects.all(), to_field_name="code", required=False,
                                       empty_label="Any territory")
    country = forms.ChoiceField(required=False, choices=[("", "Any country"), *COUNTRY_CHOICES[1:]], widget=LongSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_model_choices(self)

    def filters(self):
        """The valid filters only: a bad value in one field does not stop the others from applying."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class LinkSearchForm(forms.Form):
    """The search box of the link dialogs (partners from the contact card, contacts from the partner card)."""

    q = forms.CharField(required=False, max_length=100, label="Search")

    @classmethod
    def first_open(cls, query, name):
        """The bound (and validated) search of a link dialog; on first open (no search yet, nothing chosen)
        it searches for ``name``, the name of the record on whose card the dialog was opened."""
        if "q" not in query and not ({"partner", "contact", "page"} & set(query)):
            query = {"q": name[:100]}
        search = cls(query)
        search.is_valid()
        return search


class CreateAsForm(forms.Form):
    """Pick the template for "Create as" among those that fit the contact's type (preselected if only one)."""

    template = forms.ModelChoiceField(queryset=None, required=False, widget=forms.RadioSelect, empty_label=None,
                                      error_messages={"required": "Choose a template: several fit this contact.",
                                                      "invalid_choice": "That template does not fit this contact."})

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        field.queryset = templates
        self.template_count = len(templates)
        field.required = self.template_count > 1
        if self.template_count == 1:
            field.initial = templates[0].pk


class LinkChoiceForm(forms.Form):
    """Whose value wins, per mapped field (``win_<field>`` = contact | partner), plus the default winner."""

    master = forms.ChoiceField(choices=[("contact", "Contact"), ("partner", "Partner")], required=False)

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.link_fields = list(fields)
        for name in self.link_fields:
            self.fields[f"win_{name}"] = forms.ChoiceField(choices=[("contact", "Contact"), ("partner", "Partner")],
                                                           required=False)

    def clean_master(self):
        return self.cleaned_data.get("master") or "contact"

    def choices(self):
        """The per-field choices the user made (fields not in the form follow ``master``)."""
        return {name: self.cleaned_data[f"win_{name}"] for name in self.link_fields
                if self.cleaned_data.get(f"win_{name}")}
