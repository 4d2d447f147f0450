"""The synchronization dialogs: Create as, Link with existing and Unlink on the contact card; Create contact,
Link with contact and Unlink on the customer, vendor and bank account cards.

The rules live in ``contacts.services``; these views only collect the user's choices and show the outcome
(or the service's refusal in plain words). Both link dialogs — "Link with existing" from a contact and
"Link with contact" from a partner — end in the same confirm step, ``confirm_link``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from contacts import selectors, services
from contacts.forms import CreateAsForm, LinkChoiceForm, LinkSearchForm
from contacts.models import Contact
from contacts.views.merged import follows_merges
from crm.htmx import render_page
from crm.pagination import paginate
from crm.permissions import require
from partners import kinds
from partners.selectors import partner_by_pk

LINK_REGIONS = ("link-results", "link-preview")
WINNERS = ("contact", "partner")


def confirm_link(data, contact, partner, kind):
    """The confirm step of both link dialogs: the per-field choice → ``services.link_contact``.

    Returns ``(link, [])``, or ``(None, messages)`` for a bad choice or a refusal of the service.
    """
    choice = LinkChoiceForm(data, fields=selectors.link_fields(kind))
    if not choice.is_valid():
        return None, [e for errs in choice.errors.values() for e in errs]
    try:
        link = services.link_contact(contact, partner, master=choice.cleaned_data["master"], fields=choice.choices())
    except ValidationError as exc:
        return None, exc.messages
    return link, []



def _linked(request, card, message):
    """After a link from either side: say so and return to the card the dialog was opened from (htmx asks
    the browser to go there, a plain form post is redirected)."""
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(card.get_absolute_url())
    return redirect(card)

def link_preview_rows(contact, partner, *, default="contact"):
    """The service's preview of the differing fields as table rows, with the preselected winner."""
    return [{"field": item["field"], "label": str(item["label"]).capitalize(),
             "contact_value": "" if item["contact_value"] is None else str(item["contact_value"]),
             "partner_value": "" if item["partner_value"] is None else str(item["partner_value"]),
             "winner": default} for item in selectors.link_preview(contact, partner)]


def all_wins(data):
    """The "… wins all" shortcut of the link preview: ``contact`` (the default) or ``partner``."""
    return data.get("all") if data.get("all") in WINNERS else "contact"


def _contact_and_kind(request, pk, key, action):
    """The contact of a contact-card dialog and the partner kind it names, after the permission checks."""
    try:
        kind = kinds.get(key)
    except KeyError:
        raise Http404("No such partner type.") from None
    if not (request.user.has_perm(kind.perm(action)) and request.user.has_perm("contacts.change_contact")):
        raise PermissionDenied
    try:
        return selectors.contact_for_card(pk, user=request.user), kind
    except Contact.DoesNotExist:
        raise Http404("No such contact.") from None


@require_http_methods(["GET", "POST"])
@require("contacts.view_contact")
@follows_merges
def contact_create_as(request, pk, kind):
    """Create as Customer / Vendor / Bank Account: pick a template when several fit, then create and go there."""
    contact, kind = _contact_and_kind(request, pk, kind, "add")
    errors = []
    try:
        target = selectors.partner_contact(contact, kind.key)  # a person's company
    except ValidationError as exc:
        target, errors = None, exc.messages
    templates = selectors.templates_for(kind.key, (target or contact).type)
    form = CreateAsForm(request.POST if request.method == "POST" else None, templates=templates)
    if request.method == "POST" and target is not None and form.is_valid():
        try:
            partner = services.create_partner_from_contact(contact, kind.key,
                                                           template=form.cleaned_data.get("template"))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"{kind.title} {partner.no} {partner.name} created from contact {contact.no}.")
            return redirect(partner)
    return render_page(request, "contacts/contact_create_as.html", {
        "contact": contact, "target": target, "kind": kind, "form": form, "errors": errors,
        "uses_template": kind.template_model is not None,
    })


@require_http_methods(["GET", "POST"])
@require("contacts.view_contact")
@follows_merges
def contact_link(request, pk, kind):
    """Link with existing: search partners (#link-results), preview the differing fields (#link-preview),
    choose the winner per field, confirm (POST)."""
    contact, kind = _contact_and_kind(request, pk, kind, "change")
    data = request.POST if request.method == "POST" else request.GET
    partner = selectors.partner_for_link(kind, data.get("partner"))
    errors = []
    if request.method == "POST":
        if partner is None:
            errors = [f"Choose a {kind.label} to link with."]
        else:
            link, errors = confirm_link(request.POST, contact, partner, kind)
            if link is not None:
                return _linked(request, contact, f"Contact {contact.no} is now linked with {kind.label} "
                                                 f"{partner.no} {partner.name}.")
    # a person with a company links through its company: look for partners named like the company
    search = LinkSearchForm.first_open(request.GET, contact.company_name if contact.company_id else contact.name)
    wins = all_wins(data)
    results = None
    if partner is None or request.GET.get("q") is not None:
        results = paginate(selectors.partners_for_link(kind, search.cleaned_data.get("q")), request.GET.get("page"),
                           per_page=10)
    return render_page(request, "contacts/contact_link.html", {
        "contact": contact, "kind": kind, "search": search, "results": results, "partner": partner,
        "preview": link_preview_rows(contact, partner, default=wins) if partner else None, "errors": errors,
        "all_wins": wins,
    }, regions=LINK_REGIONS)


@require_POST
@require("contacts.view_contact")
@follows_merges
def contact_unlink(request, pk, kind):
    contact, kind = _contact_and_kind(request, pk, kind, "change")
    try:
        services.unlink(contact, kind.key)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Contact {contact.no} is no longer linked with a {kind.label}. "
                                  "Both records were kept.")
    return redirect(contact)


# ---------------------------------------------------------------------------------------------
# From the customer, vendor and bank account cards (their "linked contact" panel: partner_panel.py)
# ---------------------------------------------------------------------------------------------


def may_link(user, kind):
    """Link / unlink from the partner side: the same rights as from the contact side."""
    return user.has_perm(kind.perm("change")) and user.has_perm("contacts.change_contact")


def may_create_contact(user, kind):
    return user.has_perm("contacts.add_contact") and user.has_perm(kind.perm("change"))


def _partner(request, kind, pk, allowed):
    """The partner of a partner-card dialog, after the permission check ``allowed(user, kind)``."""
    if not allowed(request.user, kind):
        raise PermissionDenied
    try:
        return partner_by_pk(kind, pk)
    except kind.model.DoesNotExist:
        raise Http404(f"No such {kind.label}.") from None


@require_http_methods(["GET", "POST"])
def partner_link(request, kind, pk):
    """"Link with contact" on a card without one: search contacts (#link-results), preview the differing
    fields (#link-preview), choose the winner per field, confirm (POST) → the same confirm step."""
    if not (request.user.has_perm(kind.perm("view")) and may_link(request.user, kind)):
        raise PermissionDenied
    partner = selectors.partner_for_link(kind, pk)
    if partner is None:
        raise Http404(f"No such {kind.label}.")
    data = request.POST if request.method == "POST" else request.GET
    contact = selectors.contact_for_link(kind, data.get("contact"), user=request.user)
    errors = []
    if request.method == "POST":
        if contact is None:
            errors = ["Choose a contact to link with."]
        else:
            link, errors = confirm_link(request.POST, contact, partner, kind)
            if link is not None:
                return _linked(request, partner, f"{kind.title} {partner.no} is now linked with contact "
                                                 f"{link.contact.no} {link.contact.name}.")
    search = LinkSearchForm.first_open(request.GET, partner.name)
    wins = all_wins(data)
    results = None
    if contact is None or request.GET.get("q") is not None:
        results = paginate(selectors.contacts_for_link(kind, search.cleaned_data.get("q"), user=request.user),
                           request.GET.get("page"), per_page=10)
    return render_page(request, "contacts/partner_link.html", {
        "kind": kind, "partner": partner, "contact": contact, "search": search, "results": results,
        "preview": link_preview_rows(contact, partner, default=wins) if contact else None, "errors": errors,
        "all_wins": wins, "persons_need_company": not kind.standalone_person,
    }, regions=LINK_REGIONS)


@require_POST
def partner_create_contact(request, kind, pk):
    """"Create contact" on a card without one: the sync engine makes and links a company contact.

    When the new contact would look like existing ones (the duplicate index; Marketing Setup's autosearch
    decides), the user is asked first: link with one of them instead, or create anyway (``anyway``).
    """
    partner = _partner(request, kind, pk, may_create_contact)
    if not request.POST.get("anyway") and selectors.partner_link(partner, kind) is None:
        candidates = selectors.duplicates_of_contact_from(kind, partner, user=request.user)
        if candidates:
            return render_page(request, "contacts/partner_create_contact.html",
                               {"kind": kind, "partner": partner, "candidates": candidates})
    try:
        contact = services.create_contact_from_partner(partner)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(partner)
    messages.success(request, f"Contact {contact.no} {contact.name} created and linked with {kind.describe(partner)}.")
    return redirect(contact)


@require_POST
def partner_unlink(request, kind, pk):
    """Unlink the card's contact; both records stay."""
    partner = _partner(request, kind, pk, may_link)
    link = selectors.partner_link(partner, kind)
    if link is None:
        messages.error(request, f"{kind.title} {partner.no} is not linked to a contact.")
        return redirect(partner)
    try:
        services.unlink(link.contact, kind.key)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{kind.title} {partner.no} is no longer linked with contact {link.contact.no} "
                                  f"{link.contact.name}. Both records were kept.")
    return redirect(partner)
