"""The option forms of the job kinds: each turns its cleaned data into the job's options (JSON)."""

from django import forms
from django.core.exceptions import ValidationError

from contacts.bulk.link import DEFAULT_MIN_PROBABILITY, DEFAULT_REVIEW_MIN
from crm import csv_io
from partners import kinds as partner_kinds

MAX_UPLOAD = 50 * 1024 * 1024


def _partner_choices():
    return [(kind.key, kind.plural_title) for kind in partner_kinds.KINDS.values()]


class JobForm(forms.Form):
    def options(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "file"}


class CreateContactsForm(JobForm):
    partner_kind = forms.ChoiceField(label="Create contacts from", choices=_partner_choices)
    from_no = forms.CharField(label="From no.", required=False, max_length=20)
    to_no = forms.CharField(label="To no.", required=False, max_length=20)
    search_name = forms.CharField(required=False, max_length=100, help_text="Part of the search name.")
    currency = forms.CharField(label="Currency code", required=False, max_length=3)
    posting_group = forms.CharField(required=False, max_length=20)

    def clean(self):
        data = super().clean()
        if data.get("from_no") and data.get("to_no") and data["from_no"] > data["to_no"]:
            raise ValidationError("“From no.” comes after “To no.”: no partner is in that range.")
        return data


class LinkContactsForm(JobForm):
    partner_kind = forms.ChoiceField(label="Link", choices=_partner_choices)
    min_score = forms.FloatField(label="Link pairs with a match probability of at least", min_value=0.01,
                                 max_value=1, initial=DEFAULT_MIN_PROBABILITY, widget=forms.NumberInput({"step": "0.01"}))
    review_min = forms.FloatField(label="List for review from a match probability of", min_value=0.01, max_value=1,
                                  required=False,
                                  initial=DEFAULT_REVIEW_MIN, widget=forms.NumberInput({"step": "0.01"}),
                                  help_text="Pairs between this and the link threshold are not linked but listed on "
                                            "the review page.")
    master = forms.ChoiceField(label="Where a linked pair differs", initial="contact",
                               choices=[("contact", "the contact's values win"), ("partner", "the partner's win")])
    dry_run = forms.BooleanField(label="Dry run: report the pairs only, link nothing", required=False, initial=True)

    def clean(self):
        data = super().clean()
        if data.get("review_min") is not None and data.get("min_score") is not None \
                and data["review_min"] > data["min_score"]:
            self.add_error("review_min", "The review band starts at or below the link threshold.")
        return data


class SyncCheckForm(JobForm):
    repair = forms.ChoiceField(label="Repair", required=False, choices=[
        ("", "no: list the differing pairs only"), ("contact", "yes, the contact's values win"),
        ("partner", "yes, the partner's values win")])


class FindDuplicatesForm(JobForm):
    pass


class ImportCsvForm(JobForm):
    spec = forms.ChoiceField(label="Import into", choices=lambda: [(spec.name, str(spec.label).capitalize())
                                                                   for spec in csv_io.SPECS.values()])
    file = forms.FileField(label="CSV file", help_text="UTF-8, first row: column names; up to 50 MB.")
    exclude_bad_rows = forms.BooleanField(label="Leave out the rows with errors (they are listed in the report)",
                                          required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError("The file is larger than 50 MB: split it into several imports.")
        return upload.name, csv_io.read_text(upload)


class ImportStartForm(JobForm):
    """The second step of an import: the previewed file (stored) is named by its id."""

    spec = forms.CharField()
    upload = forms.IntegerField(widget=forms.HiddenInput)
    exclude_bad_rows = forms.BooleanField(required=False)

    def options(self):
        return {"spec": self.cleaned_data["spec"], "exclude_bad_rows": self.cleaned_data["exclude_bad_rows"]}


FORMS = {
    "create_contacts": CreateContactsForm,
    "link_contacts": LinkContactsForm,
    "sync_check": SyncCheckForm,
    "find_duplicates": FindDuplicatesForm,
    "import_csv": ImportCsvForm,
}
