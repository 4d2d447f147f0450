"""Form building blocks shared by the contact and partner screens."""

import pycountry
from django import forms

from crm import concurrency

COUNTRY_CHOICES = [("", "—")] + sorted(((c.alpha_2, f"{c.name} ({c.alpha_2})") for c in pycountry.countries),
                                       key=lambda choice: choice[1])


class VersionedBoundField(forms.BoundField):
    @property
    def conflict(self):
        """The ``crm.concurrency.Conflict`` of this field after a stale save, else None (templates show it)."""
        return self.form.conflicts.get(self.name)


class VersionedForm(forms.ModelForm):
    """A ModelForm for a versioned record that carries the ``version`` it was rendered with and the values it
    started from (hidden ``original``: the base of the three-way merge, see ``crm.concurrency``).

    The view saves through ``crm.concurrency.save_or_merge``: a save over someone else's newer save is merged
    with it, or the conflicting fields are shown with a choice (``resolve-<field>``: keep mine / take theirs).
    """

    bound_field_class = VersionedBoundField
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    original = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts = {}
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        if self.instance.pk is None:
            del self.fields[concurrency.ORIGINAL]  # a new record has nothing to merge with
        else:  # evaluated when rendered, after subclasses have set their fields up
            self.fields[concurrency.ORIGINAL].initial = lambda: concurrency.encode(concurrency.posted_values(self))
        if self.is_bound:
            self.data = self._resolved(self.data)
        if "country_code" in self.fields:
            self.fields["country_code"] = forms.ChoiceField(
                label="Country", choices=COUNTRY_CHOICES, required=False)
            self.fields["country_code"].initial = getattr(self.instance, "country_code", "")

    def _resolved(self, data):
        """Apply the user's choices on conflicting fields: "take theirs" puts back the value the form was
        shown with (the current value, after a conflict), "keep mine" keeps what is in the field."""
        chosen = [key[len(concurrency.RESOLVE):] for key, value in data.items()
                  if key.startswith(concurrency.RESOLVE) and value == concurrency.THEIRS]
        base = concurrency.decode(data.get(self.add_prefix(concurrency.ORIGINAL))) if chosen else None
        if not base:
            return data
        data = concurrency.as_querydict(data)
        for name in chosen:
            if name in base and name in self.fields:
                data.setlist(self.add_prefix(name), base[name])
        return data

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
