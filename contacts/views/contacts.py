"""Contact screens: the list, the card (view + edit), a new contact, delete."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from contacts import selectors, services
from contacts.forms import ContactFilterForm, ContactForm
from contacts.models import Contact
from contacts.views.merged import follows_merges
from crm.concurrency import save_or_merge
from crm.forms import disable_all
from crm.htmx import render_page
from crm.pagination import paginate
from crm.permissions import require
from crm.sorting import sort_columns
from partners import kinds
from partners.models import ContactType


@require_GET
@require("contacts.view_contact")
def contact_list(request):
    filter_form = ContactFilterForm(request.GET)
    sort, contacts = selectors.contact_list(filters=filter_form.filters(), user=request.user,
                                            sort=request.GET.get("sort"))
    context = {"filter_form": filter_form, "page": paginate(contacts, request.GET.get("page")), "sort": sort,
               "columns": sort_columns(sort, selectors.CONTACT_COLUMNS)}
    return render_page(request, "contacts/contact_list.html", context, regions=("results",))


def _card_context(request, contact, form):
    user = request.user
    owner = contact.company if contact.company_id else contact  # a person's partners belong to its company
    relations = selectors.relations_of(owner)
    linked = {rel.link_to_table: rel for rel in relations if rel.link_to_table}
    refusals = selectors.relation_refusals(contact)
    unlinked = [kind for kind in kinds.KINDS.values() if kind.key not in linked]
    return {
        "contact": contact,
        "owner": owner,
        "form": form,
        "persons": selectors.persons_of(contact) if contact.is_company else [],
        "relations": relations,
        "kinds": [{"kind": kind, "relation": linked.get(kind.key), "can_link": user.has_perm(kind.perm("change"))}
                  for kind in kinds.KINDS.values()],
        # The Create as / Link with existing menus: only the kinds the user may make or link and that are not
        # linked yet, each with the reason it cannot be done now (blank when it can); empty: no menu.
        "create_menu": [{"kind": kind, "reason": refusals[kind.key]} for kind in unlinked
                        if user.has_perm(kind.perm("add"))],
        "link_menu": [{"kind": kind, "reason": refusals[kind.key]} for kind in unlinked
                      if user.has_perm(kind.perm("change"))],
        "can_change": user.has_perm("contacts.change_contact"),
        "can_delete": user.has_perm("contacts.delete_contact"),
        "can_add": user.has_perm("contacts.add_contact"),
        "history": selectors.change_history(contact, limit=15),
        "merged_contacts": selectors.merged_contacts(contact),
    }


def _say_possible_duplicates(request, contact):
    """Tell the user at once when creating or saving ``contact`` found possible duplicates of it."""
    for pair in selectors.duplicates_found_by_last_save(contact, user=request.user):
        other = pair.duplicate if pair.contact_id == contact.pk else pair.contact
        messages.warning(request, format_html(
            'Contact {} may be a duplicate of <a href="{}">{} {}</a> ({}%: {}). '
            '<a href="{}">Review the pair on the Duplicates page</a>.',
            contact.no, other.get_absolute_url(), other.no, other.name, pair.score, pair.reasons,
            f"{reverse('contacts:duplicates')}?contact={contact.pk}#pair-{pair.pk}"))


def _render_card(request, contact, form):
    return render_page(request, "contacts/contact_detail.html", _card_context(request, contact, form),
                       regions=("contact-form", "relations-panel", "history-panel"))


@require_http_methods(["GET", "POST"])
@require("contacts.view_contact")
@follows_merges
def contact_detail(request, pk):
    """The contact card. POST saves the edit form; over a newer version of the contact it merges the user's
    changes with it, or asks about the fields both changed (``crm.concurrency.save_or_merge``)."""
    try:
        contact = selectors.contact_for_card(pk, user=request.user)
    except Contact.DoesNotExist:
        raise Http404("No such contact.") from None
    can_change = request.user.has_perm("contacts.change_contact")
    if request.method == "GET":
        form = ContactForm(instance=contact, user=request.user)
        if not can_change:
            disable_all(form)
        return _render_card(request, contact, form)
    if not can_change:
        raise PermissionDenied
    form = ContactForm(request.POST, instance=contact, user=request.user)
    if form.is_valid():
        outcome = save_or_merge(form, make_form=lambda data, current: ContactForm(data, instance=current,
                                                                                  user=request.user),
                                reload=lambda: selectors.contact_for_card(pk, user=request.user),
                                record=f"contact {contact.no}")
        if outcome.saved:
            messages.success(request, f"Contact {contact.no} saved.")
            if outcome.message:
                messages.info(request, outcome.message)
            _say_possible_duplicates(request, contact)
            return redirect(contact)
        if outcome.form is None:  # deleted meanwhile
            messages.error(request, outcome.message)
            return redirect("contacts:list")
        form = outcome.form
        contact = form.instance
    return _render_card(request, contact, form)


@require_http_methods(["GET", "POST"])
@require("contacts.add_contact")
def contact_create(request):
    """A new company or person; ``?type=person&company=CT000001`` starts a person of that company."""
    if request.method == "POST":
        posted_type = request.POST.get("type") if request.POST.get("type") in ContactType.values else "company"
        form = ContactForm(request.POST, instance=Contact(type=posted_type), user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    contact = form.save()
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Contact {contact.no} {contact.name} created.")
                if not (selectors.sees_every_contact(request.user)
                        or selectors.visible_contacts(request.user).filter(pk=contact.pk).exists()):
                    messages.info(request, f"Contact {contact.no} is not among the contacts of banks you work "
                                           "with: link it with a bank account (from the bank account's card).")
                    return redirect("contacts:list")
                _say_possible_duplicates(request, contact)
                return redirect(contact)
    else:
        initial = {"type": request.GET.get("type") if request.GET.get("type") in ContactType.values else "company"}
        if request.GET.get("company"):
            initial["company"] = request.GET["company"]
        form = ContactForm(initial=initial, instance=Contact(type=initial["type"]), user=request.user)
    return render_page(request, "contacts/contact_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require("contacts.delete_contact")
@follows_merges
def contact_delete(request, pk):
    """Confirm (saying what will happen), then delete: a company takes its persons with it; linked partners
    stay; the service refuses while open documents would lose their contact."""
    try:
        contact = selectors.contact_by_pk(pk, user=request.user)
    except Contact.DoesNotExist:
        raise Http404("No such contact.") from None
    errors = []
    if request.method == "POST":
        label = str(contact)
        try:
            deleted = services.delete_contact(contact)
        except ValidationError as exc:
            errors = exc.messages
        else:
            extra = f" and {deleted - 1} person(s)" if deleted > 1 else ""
            messages.success(request, f"Contact {label}{extra} deleted. Linked customers, vendors and bank "
                                      "accounts were kept.")
            return redirect("contacts:list")
    return render_page(request, "contacts/contact_delete.html",
                       {"contact": contact, "errors": errors, **selectors.delete_preview(contact)})
