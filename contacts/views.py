"""Contact screens: list, card (view + edit), new contact, delete, and the synchronization actions.

Thin views: read (contacts.queries) → validate (contacts.forms) → one service call → render or redirect.
htmx requests get the swapped region of the same template ("page.html#region"); every page also works
as a plain HTML form/link without JavaScript. Re-rendered forms with errors answer 200 so htmx swaps them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from contacts import queries, services
from contacts.forms import ContactFilterForm, ContactForm, CreateAsForm, LinkChoiceForm, PartnerSearchForm
from contacts.models import Contact
from contacts.selectors import change_history
from crm.concurrency import StaleEdit, save_if_unchanged
from crm.forms import disable_all
from crm.pagination import paginate
from crm.permissions import require
from partners.models import ContactType

PARTNER_KINDS = {
    "customer": {"label": "Customer", "perm": "partners.{action}_customer"},
    "vendor": {"label": "Vendor", "perm": "partners.{action}_vendor"},
    "bank_account": {"label": "Bank Account", "perm": "partners.{action}_bankaccount"},
}


def validation_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def confirm_link(data, contact, partner, kind):
    """The confirm step of both link dialogs: the per-field choice → ``services.link_contact``.

    Returns ``(link, [])``, or ``(None, messages)`` for a bad choice or a refusal of the service.
    """
    choice = LinkChoiceForm(data, fields=queries.link_fields(kind))
    if not choice.is_valid():
        return None, [e for errs in choice.errors.values() for e in errs]
    try:
        link = services.link_contact(contact, partner, master=choice.cleaned_data["master"], fields=choice.choices())
    except ValidationError as exc:
        return None, validation_messages(exc)
    return link, []


@require_GET
@vary_on_headers("HX-Request")
@require("contacts.view_contact")
def contact_list(request):
    filter_form = ContactFilterForm(request.GET)
    sort, contacts = queries.contact_list(filters=filter_form.filters(), sort=request.GET.get("sort"))
    page = paginate(contacts, request.GET.get("page"))
    context = {"filter_form": filter_form, "page": page, "sort": sort,
               "columns": queries.sort_columns(sort, queries.CONTACT_COLUMNS)}
    template = "contacts/contact_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def _card_context(request, contact, form):
    user = request.user
    owner = contact.company if contact.company_id else contact  # a person's partners belong to its company
    relations = queries.relations_of(owner)
    linked = {rel.link_to_table: rel for rel in relations if rel.link_to_table}
    kinds = []
    for kind, info in PARTNER_KINDS.items():
        kinds.append({
            "kind": kind, "label": info["label"], "relation": linked.get(kind),
            "can_create": user.has_perm(info["perm"].format(action="add")),
            "can_link": user.has_perm(info["perm"].format(action="change")),
        })
    return {
        "contact": contact,
        "owner": owner,
        "form": form,
        "persons": queries.persons_of(contact) if contact.is_company else [],
        "relations": relations,
        "kinds": kinds,
        "can_change": user.has_perm("contacts.change_contact"),
        "can_delete": user.has_perm("contacts.delete_contact"),
        "can_add": user.has_perm("contacts.add_contact"),
        "history": change_history(contact, limit=15),
    }


@require_http_methods(["GET", "POST"])
@require("contacts.view_contact")
def contact_detail(request, pk):
    """The contact card. POST saves the edit form, refusing a save over a newer version of the contact."""
    try:
        contact = queries.contact_for_card(pk)
    except Contact.DoesNotExist:
        raise Http404("No such contact.") from None
    can_change = request.user.has_perm("contacts.change_contact")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = ContactForm(request.POST, instance=contact)
        if form.is_valid():
            try:
                save_if_unchanged(form, form.cleaned_data["version"])
            except StaleEdit:
                current = queries.contact_for_card(pk)
                form = ContactForm(instance=current)
                form.stale_message = (
                    f"Someone else saved contact {current.no} while you were editing it. Your changes were not "
                    "saved: the form now shows the current values. Make your changes again and save.")
                return render(request, "contacts/contact_detail.html", _card_context(request, current, form))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Contact {contact.no} saved.")
                return redirect(contact)
    else:
        form = ContactForm(instance=contact)
        if not can_change:
            disable_all(form)
    return render(request, "contacts/contact_detail.html", _card_context(request, contact, form))


@require_http_methods(["GET", "POST"])
@require("contacts.add_contact")
def contact_create(request):
    """A new company or person; ``?type=person&company=CT000001`` starts a person of that company."""
    initial = {"type": request.GET.get("type") if request.GET.get("type") in ContactType.values else "company"}
    if request.GET.get("company"):
        initial["company"] = request.GET["company"]
    if request.method == "POST":
        posted_type = request.POST.get("type") if request.POST.get("type") in ContactType.values else "company"
        form = ContactForm(request.POST, instance=Contact(type=posted_type))
        if form.is_valid():
            try:
                with transaction.atomic():
                    contact = form.save()
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Contact {contact.no} {contact.name} created.")
                return redirect(contact)
    else:
        form = ContactForm(initial=initial, instance=Contact(type=initial["type"]))
    return render(request, "contacts/contact_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require("contacts.delete_contact")
def contact_delete(request, pk):
    """Confirm, then delete: a company takes its persons with it; linked partners stay."""
    contact = get_object_or_404(Contact, pk=pk)
    persons = queries.persons_of(contact) if contact.is_company else []
    relations = queries.relations_of(contact)
    if request.method == "POST":
        label = str(contact)
        with transaction.atomic():
            contact.delete()
        extra = f" and {len(persons)} person(s)" if persons else ""
        messages.success(request, f"Contact {label}{extra} deleted. Linked customers, vendors and bank accounts "
                                  "were kept.")
        return redirect("contacts:list")
    return render(request, "contacts/contact_delete.html",
                  {"contact": contact, "persons": persons, "relations": relations})


# ---------------------------------------------------------------------------------------------
# Synchronization actions: Create as, Link with existing, Unlink. The rules live in contacts.services;
# these views only collect the user's choices and show the outcome (or the service's refusal).
# ---------------------------------------------------------------------------------------------


def _contact_and_kind(request, pk, kind, action):
    if kind not in PARTNER_KINDS:
        raise Http404("No such partner type.")
    if not (request.user.has_perm(PARTNER_KINDS[kind]["perm"].format(action=action))
            and request.user.has_perm("contacts.change_contact")):
        raise PermissionDenied
    return get_object_or_404(Contact.objects.select_related("company", "territory", "salesperson"), pk=pk), kind


@require_http_methods(["GET", "POST"])
@require("contacts.view_contact")
def contact_create_as(request, pk, kind):
    """Create as Customer / Vendor / Bank Account: pick a template when several fit, then create and go there."""
    contact, kind = _contact_and_kind(request, pk, kind, "add")
    errors = []
    try:
        target = services.partner_contact(contact, kind)  # a person's company
    except ValidationError as exc:
        target, errors = None, validation_messages(exc)
    templates = services.templates_for(kind, target.type) if target else services.templates_for(kind, contact.type)
    form = CreateAsForm(request.POST if request.method == "POST" else None, templates=templates)
    if request.method == "POST" and target is not None and form.is_valid():
        try:
            partner = services.create_partner_from_contact(contact, kind, template=form.cleaned_data.get("template"))
        except ValidationError as exc:
            errors = validation_messages(exc)
        else:
            label = PARTNER_KINDS[kind]["label"]
            messages.success(request, f"{label} {partner.no} {partner.name} created from contact {contact.no}.")
            return redirect(partner)
    return render(request, "contacts/contact_create_as.html", {
        "contact": contact, "target": target, "kind": kind, "label": PARTNER_KINDS[kind]["label"], "form": form,
        "errors": errors,
    })


@require_http_methods(["GET", "POST"])
@require("contacts.view_contact")
def contact_link(request, pk, kind):
    """Link with existing: search partners (#link-results), preview the differing fields (#link-preview),
    choose the winner per field, confirm (POST)."""
    contact, kind = _contact_and_kind(request, pk, kind, "change")
    label = PARTNER_KINDS[kind]["label"]
    search = PartnerSearchForm(request.GET)
    search.is_valid()
    data = request.POST if request.method == "POST" else request.GET
    partner = queries.partner_for_link(kind, data.get("partner"))
    errors = []
    if request.method == "POST":
        if partner is None:
            errors = [f"Choose a {label.lower()} to link with."]
        else:
            link, errors = confirm_link(request.POST, contact, partner, kind)
            if link is not None:
                messages.success(request, f"Contact {contact.no} is now linked with {label.lower()} "
                                          f"{partner.no} {partner.name}.")
                if request.htmx:
                    return HttpResponseClientRedirect(contact.get_absolute_url())
                return redirect(contact)
    all_wins = data.get("all") if data.get("all") in ("contact", "partner") else "contact"
    preview = queries.link_preview_rows(contact, partner, default=all_wins) if partner else None
    results = None
    if partner is None or request.GET.get("q") is not None:
        results = paginate(queries.partners_for_link(kind, search.cleaned_data.get("q")), request.GET.get("page"),
                           per_page=10)
    context = {
        "contact": contact, "kind": kind, "label": label, "search": search, "results": results,
        "partner": partner, "preview": preview, "errors": errors, "all_wins": all_wins,
    }
    template = "contacts/contact_link.html"
    if request.htmx and request.htmx.target in ("link-results", "link-preview"):
        template += "#" + request.htmx.target
    return render(request, template, context)


@require_POST
@require("contacts.view_contact")
def contact_unlink(request, pk, kind):
    contact, kind = _contact_and_kind(request, pk, kind, "change")
    try:
        services.unlink(contact, kind)
    except ValidationError as exc:
        for message in validation_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, f"Contact {contact.no} is no longer linked with a "
                                  f"{PARTNER_KINDS[kind]['label'].lower()}. Both records were kept.")
    return redirect(contact)
