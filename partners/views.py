"""Customer, vendor and bank account screens: list, card (view + edit), new, delete.

One set of views for the three kinds: the URL names the kind (``partners.kinds``), the views ask it for the
model, words, permissions and joins. What other apps show on these pages (the linked contact, say) comes
through ``partners.cards``: the partners app knows nothing behind it (DESIGN §2). URL namespace: ``partners``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from crm.change_history import change_history
from crm.concurrency import save_or_merge
from crm.forms import disable_all
from crm.htmx import render_page
from crm.search import lookup_query
from crm.pagination import paginate
from crm.sorting import sort_columns
from partners import cards, selectors
from partners.forms import PartnerSearchForm, edit_form_class


ACTIONS = ("list", "create", "detail", "delete")


def url_names(kind):
    """The URL names of ``kind``'s screens, by action: ``{"list": "partners:bank-account-list", …}``
    (partners/urls.py names them ``<slug>-<action>``)."""
    return {action: f"partners:{kind.slug}-{action}" for action in ACTIONS}


def _check(request, kind, action):
    if not request.user.has_perm(kind.perm(action)):
        raise PermissionDenied


def _found(kind, lookup, pk):
    try:
        return lookup(kind, pk)
    except kind.model.DoesNotExist:
        raise Http404(f"No such {kind.label}.") from None


@require_GET
def partner_list(request, kind):
    _check(request, kind, "view")
    search = PartnerSearchForm(request.GET)
    search.is_valid()
    sort, rows = selectors.partner_list(kind, q=search.cleaned_data.get("q"), sort=request.GET.get("sort"))
    context = {"kind": kind, "urls": url_names(kind), "search": search, "sort": sort,
               "page": paginate(rows, request.GET.get("page")), "columns": sort_columns(sort, selectors.COLUMNS),
               "can_add": request.user.has_perm(kind.perm("add")),
               "can_import": request.user.has_perms([kind.perm("add"), kind.perm("change")])}
    return render_page(request, "partners/partner_list.html", context, regions=("results",))


def _edit_form(kind, partner, data=None):
    form = edit_form_class(kind.model)(data, instance=partner)
    form.fields["no"].disabled = True
    return form


def _render_card(request, kind, partner, form):
    user = request.user
    return render_page(request, "partners/partner_detail.html", {
        "kind": kind, "urls": url_names(kind), "partner": partner, "form": form,
        "can_change": user.has_perm(kind.perm("change")),
        "can_delete": user.has_perm(kind.perm("delete")),
        "panels": cards.card_panels.collect(request, kind, partner),
        "history": change_history(partner, limit=15),
        "missing_details": [str(kind.model._meta.get_field(f).verbose_name) for f in kind.posting_fields
                            if not getattr(partner, f)],
    })


@require_http_methods(["GET", "POST"])
def partner_detail(request, kind, pk):
    """The card; POST saves the edit form, merged with someone else's save made in between (or asking about
    the fields both changed: ``crm.concurrency.save_or_merge``)."""
    _check(request, kind, "view")
    partner = _found(kind, selectors.partner_for_card, pk)
    if request.method == "GET":
        form = _edit_form(kind, partner)
        if not request.user.has_perm(kind.perm("change")):
            disable_all(form)
        return _render_card(request, kind, partner, form)
    _check(request, kind, "change")
    form = _edit_form(kind, partner, request.POST)
    if form.is_valid():
        outcome = save_or_merge(form, make_form=lambda data, current: _edit_form(kind, current, data),
                                reload=lambda: selectors.partner_for_card(kind, pk),
                                record=kind.describe(partner))
        if outcome.saved:
            messages.success(request, f"{kind.title} {partner.no} saved.")
            if outcome.message:
                messages.info(request, outcome.message)
            return redirect(partner)
        if outcome.form is None:  # deleted meanwhile
            messages.error(request, outcome.message)
            return redirect(url_names(kind)["list"])
        form = outcome.form
        partner = form.instance
    return _render_card(request, kind, partner, form)


@require_http_methods(["GET", "POST"])
def partner_create(request, kind):
    _check(request, kind, "add")
    form = edit_form_class(kind.model)(request.POST if request.method == "POST" else None, instance=kind.model())
    form.fields["no"].help_text = "Leave blank to take the next number of the series."
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                partner = form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{kind.title} {partner.no} {partner.name} created.")
            return redirect(partner)
    return render_page(request, "partners/partner_form.html", {"kind": kind, "urls": url_names(kind), "form": form})


@require_http_methods(["GET", "POST"])
def partner_delete(request, kind, pk):
    """Confirm, then delete: only the partner goes. Other apps say what else happens (``cards.delete_notes``:
    e.g. its linked contact stays). Documents that reference the partner keep it from being deleted."""
    _check(request, kind, "delete")
    partner = _found(kind, selectors.partner_by_pk, pk)
    notes = cards.delete_notes.collect(request, kind, partner)
    error = None
    if request.method == "POST":
        label = f"{partner.no} {partner.name}"
        try:
            with transaction.atomic():
                partner.delete()
        except (ProtectedError, RestrictedError) as exc:
            count = len(exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects)
            error = (f"{kind.title} {label} cannot be deleted: {count} document{'s' if count != 1 else ''} "
                     f"still refer{'' if count != 1 else 's'} to it. Delete or change those documents first.")
        else:
            messages.success(request, " ".join([f"{kind.title} {label} deleted.",
                                                *(note.after_delete for note in notes if note.after_delete)]))
            return redirect(url_names(kind)["list"])
    return render_page(request, "partners/partner_delete.html",
                       {"kind": kind, "urls": url_names(kind), "partner": partner, "notes": notes, "error": error})


@require_GET
def partner_lookup(request, kind):
    """The lookup behind a number field of ``kind`` (a document's customer or vendor): ``<option>`` rows for
    an htmx request, a small search page without JavaScript (crm.search.LookupInput)."""
    _check(request, kind, "view")
    q = lookup_query(request)
    return render_page(request, "crm/lookup.html", {
        "what": f"a {kind.label}", "q": q, "rows": selectors.partner_lookup(kind, q), "keep": [],
    }, regions=("options",), default_region="options")
