"""Form building blocks shared by the contact and partner screens."""

import pycountry
from django import forms

COUNTRY_CHOICES = [("", "—")] + sorted(((c.alpha_2, f"{c.name} ({c.alpha_2})") for c in pycountry.countries),
                                       key=lambda choice: choice[1])


class VersionedForm(forms.ModelForm):
    """A ModelForm for a Party model that carries the record's ``version`` it was rendered with.

    The view saves through ``crm.concurrency.save_if_unchanged(form, form.cleaned_data["version"])``,
    so a save over someone else's newer save is refused instead of overwriting it.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        if "country_code" in self.fields:
            self.fields["country_code"] = forms.ChoiceField(
                label="Country", choices=COUNTRY_CHOICES, required=False)
            self.fields["country_code"].initial = getattr(self.instance, "country_code", "")

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise forms.ValidationError("The form is missing its version; reload the page and try again.")
        return version


def disable_all(form):
    """Show a form read-only (for users who may view but not change)."""
    for field in form.fields.values():
        field.disabled = True
    return form
