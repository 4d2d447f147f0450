"""The Duplicates page: review possible duplicate contacts, mark a pair "not a duplicate", or merge them.

Thin views: the rules (index, detection, merge) live in contacts.duplicates (index, merge).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts import selectors
from contacts.duplicates import index as duplicates
from contacts.duplicates import merge
from contacts.models import Contact, ContactDuplicate
from crm.htmx import render_page
from crm.pagination import paginate
from crm.permissions import require


@require_GET
@require("contacts.view_contact")
def duplicate_list(request):
    """The pairs to review; ``?contact=<pk>`` shows only that contact's (where "possible duplicate" notes link)."""
    contact_pk = request.GET.get("contact")
    page = paginate(selectors.duplicate_pairs(user=request.user, contact_pk=contact_pk), request.GET.get("page"))
    can_merge = request.user.has_perms(["contacts.change_contact", "contacts.delete_contact"])
    contact = selectors.contact_or_none(contact_pk, user=request.user) if contact_pk else None
    return render_page(request, "contacts/duplicate_list.html",
                       {"page": page, "can_merge": can_merge, "contact": contact, "filtered": bool(contact_pk)},
                       regions=("pairs",))


def _pair(request, pk, related=()):
    """The pair ``pk`` if the user sees both its contacts; 404 otherwise."""
    try:
        return selectors.duplicate_pair(pk, user=request.user, related=related)
    except ContactDuplicate.DoesNotExist:
        raise Http404("No such pair of contacts.") from None


@require_POST
@require("contacts.change_contact")
def duplicate_separate(request, pk):
    pair = _pair(request, pk)
    duplicates.mark_separate(pair)
    messages.success(request, f"Contacts {pair.contact.no} and {pair.duplicate.no} are marked as not duplicates.")
    return redirect("contacts:duplicates")


class MergeForm(forms.Form):
    """Which contact survives, and for each differing field whose value it keeps (unanswered: the survivor's)."""

    survivor = forms.ChoiceField(widget=forms.RadioSelect, label="Keep contact")

    def __init__(self, *args, first: Contact, second: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.first, self.second = first, second
        self.fields["survivor"].choices = [("first", f"{first.no} {first.name}"),
                                           ("second", f"{second.no} {second.name}")]
        self.fields["survivor"].initial = "first"
        self.differing = merge.differing_fields(first, second)
        for name in self.differing:
            label = Contact._meta.get_field(name).verbose_name
            self.fields[f"field_{name}"] = forms.ChoiceField(
                label=label[:1].upper() + label[1:], widget=forms.RadioSelect, initial="first", required=False,
                choices=[("first", _shown(first, name)), ("second", _shown(second, name))])

    def rows(self):
        return [self[f"field_{name}"] for name in self.differing]

    def merge_arguments(self):
        keep_first = self.cleaned_data["survivor"] == "first"
        survivor, other = (self.first, self.second) if keep_first else (self.second, self.first)
        other_side = "second" if keep_first else "first"
        take = [name for name in self.differing if self.cleaned_data[f"field_{name}"] == other_side]
        return survivor, other, take


def _shown(contact, name):
    value = getattr(contact, name)
    return str(value) if value not in (None, "") else "(blank)"


@require_http_methods(["GET", "POST"])
@require("contacts.change_contact", "contacts.delete_contact")
def duplicate_merge(request, pk):
    pair = _pair(request, pk, related=("contact", "duplicate"))
    form = MergeForm(request.POST or None, first=pair.contact, second=pair.duplicate)
    errors = []
    if request.method == "POST" and form.is_valid():
        survivor, other, take = form.merge_arguments()
        other_label = f"{other.no} {other.name}"
        try:
            survivor = merge.merge_contacts(survivor, other, take_from_other=take, user=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Contact {other_label} was merged into {survivor.no} {survivor.name}.")
            return redirect(survivor)
    return render_page(request, "contacts/duplicate_merge.html", {"pair": pair, "form": form, "errors": errors})
