"""Form building blocks shared by the contact and partner screens."""

import functools

import pycountry
from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from crm import concurrency

COUNTRY_CHOICES = [("", "—")] + sorted(((c.alpha_2, f"{c.name} ({c.alpha_2})") for c in pycountry.countries),
                                       key=lambda choice: choice[1])


class LongSelect(forms.Select):
    """A select of many options (the 250 countries) written in Python: the same HTML as ``forms.Select``,
    without a template rendered per option (that made the country select most of a card's rendering time;
    bench/load.py). Plain choices only (no groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))  # (not get_context: it would build every option's dict)
        options = "".join(f'{opening} selected>{rest}' if v in selected else f"{opening}>{rest}"
                          for v, opening, rest in _escaped_options(tuple(self.choices)))
        return format_html("<select name=\"{}\"{}>{}</select>", name, flatatt(self.build_attrs(self.attrs, attrs)),
                           mark_safe(options))  # noqa: S308 - every value and label escaped by _escaped_options


@functools.lru_cache(maxsize=16)
def _escaped_options(choices) -> list[tuple[str, str, str]]:
    """(value, '<option value="…"', 'label</option>') of each choice, escaped once."""
    return [(str(v), f'<option value="{escape(str(v))}"', f"{escape(str(label))}</option>") for v, label in choices]


class PlainChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a model select read with one plain query. Django's iterator reads them with
    ``QuerySet.iterator()``, a server-side cursor on PostgreSQL: outside a transaction a cursor WITH HOLD,
    three round trips and a materialized result per select, the largest part of a list screen's database
    time (bench/load.py). Select choices are short lists (codes, salespeople, territories)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


def plain_model_choices(form):
    """Every model select of ``form`` reads its choices with one plain query (``PlainChoiceIterator``)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.iterator = PlainChoiceIterator
            field.widget.choices = field.choices  # the widget holds the iterator made at the field's creation


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
                label="Country", choices=COUNTRY_CHOICES, required=False, widget=LongSelect)
            self.fields["country_code"].initial = getattr(self.instance, "country_code", "")
        plain_model_choices(self)

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
