"""Customer, vendor and bank account screens: lists and cards with their linked contact.

They live on the CRM side because the card shows the linked contact and offers "Create contact";
the partners app itself imports nothing from contacts (DESIGN §2). URL namespace: ``partners``.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from contacts import queries, services
from contacts.forms import PartnerSearchForm
from contacts.selectors import change_history
from contacts.views import confirm_link
from crm.concurrency import StaleEdit, save_if_unchanged
from crm.forms import disable_all
from crm.pagination import paginate
from partners.forms import edit_form_class
from partners.models import BankAccount, Customer, Vendor


@dataclass(frozen=True)
class Kind:
    kind: str
    model: type
    label: str
    plural: str
    url_prefix: str
    related: tuple  # select_related for the list and card

    def perm(self, action):
        return f"partners.{action}_{self.model._meta.model_name}"

    @property
    def url_list(self):
        return f"partners:{self.url_prefix}-list"

    @property
    def url_create(self):
        return f"partners:{self.url_prefix}-create"

    @property
    def url_create_contact(self):
        return f"partners:{self.url_prefix}-create-contact"

    @property
    def url_link(self):
        return f"partners:{self.url_prefix}-link"

    @property
    def url_unlink(self):
        return f"partners:{self.url_prefix}-unlink"

    @property
    def url_delete(self):
        return f"partners:{self.url_prefix}-delete"

    @property
    def posting_fields(self):
        """Invoicing and posting details a template would fill; the card names the blank ones."""
        return {"customer": ("payment_terms_code", "customer_posting_group", "gen_bus_posting_group",
                             "vat_bus_posting_group"),
                "vendor": ("payment_terms_code", "vendor_posting_group", "gen_bus_posting_group",
                           "vat_bus_posting_group"),
                "bank_account": ("bank_acc_posting_group",)}[self.kind]


KINDS = {
    "customer": Kind("customer", Customer, "Customer", "Customers", "customer", ("salesperson", "territory")),
    "vendor": Kind("vendor", Vendor, "Vendor", "Vendors", "vendor", ("purchaser", "territory")),
    "bank_account": Kind("bank_account", BankAccount, "Bank Account", "Bank accounts", "bank-account",
                         ("our_contact", "territory")),
}
PARTNER_SORTS = {"no": "no", "name": "name", "city": "city", "country": "country_code"}


def _can_link(user, info):
    """Link / unlink from the partner side: the same rights as from the contact side."""
    return user.has_perm(info.perm("change")) and user.has_perm("contacts.change_contact")


def _get(info, pk):
    try:
        return info.model.objects.get(pk=pk)
    except info.model.DoesNotExist:
        raise Http404(f"No such {info.label.lower()}.") from None


def _check(request, info, action):
    if not request.user.has_perm(info.perm(action)):
        raise PermissionDenied


@require_GET
@vary_on_headers("HX-Request")
def partner_list(request, kind):
    info = KINDS[kind]
    _check(request, info, "view")
    search = PartnerSearchForm(request.GET)
    search.is_valid()
    sort, order_by = queries.sort_key(request.GET.get("sort"), PARTNER_SORTS, "no")
    rows = queries.partner_search(info.model, search.cleaned_data.get("q")).select_related(*info.related).order_by(*order_by)
    page = paginate(rows, request.GET.get("page"))
    context = {"info": info, "search": search, "page": page, "sort": sort,
               "columns": queries.sort_columns(sort, queries.PARTNER_COLUMNS),
               "can_add": request.user.has_perm(info.perm("add"))}
    template = "partners/partner_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def _card_context(request, info, partner, form):
    link = (partner.contact_links.select_related("contact", "primary_contact", "business_relation").first())
    return {
        "info": info, "partner": partner, "form": form, "link": link,
        "can_change": request.user.has_perm(info.perm("change")),
        "can_create_contact": request.user.has_perm("contacts.add_contact")
        and request.user.has_perm(info.perm("change")),
        "can_link": _can_link(request.user, info),
        "can_delete": request.user.has_perm(info.perm("delete")),
        "history": change_history(partner, limit=15),
        "missing_details": [str(info.model._meta.get_field(f).verbose_name) for f in info.posting_fields
                            if not getattr(partner, f)],
    }


@require_http_methods(["GET", "POST"])
def partner_detail(request, kind, pk):
    """The card; POST saves the edit form unless someone else saved the record in between."""
    info = KINDS[kind]
    _check(request, info, "view")
    try:
        partner = info.model.objects.select_related(*info.related).get(pk=pk)
    except info.model.DoesNotExist:
        raise Http404(f"No such {info.label.lower()}.") from None
    form_class = edit_form_class(info.model)
    if request.method == "POST":
        _check(request, info, "change")
        form = form_class(request.POST, instance=partner)
        form.fields["no"].disabled = True
        if form.is_valid():
            try:
                save_if_unchanged(form, form.cleaned_data["version"])
            except StaleEdit as stale:
                form = form_class(instance=stale.current)
                form.fields["no"].disabled = True
                form.stale_message = (
                    f"Someone else saved {info.label.lower()} {stale.current.no} while you were editing it. "
                    "Your changes were not saved: the form now shows the current values. Make your changes "
                    "again and save.")
                return render(request, "partners/partner_detail.html",
                              _card_context(request, info, stale.current, form))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"{info.label} {partner.no} saved.")
                return redirect(partner)
    else:
        form = form_class(instance=partner)
        form.fields["no"].disabled = True
        if not request.user.has_perm(info.perm("change")):
            disable_all(form)
    return render(request, "partners/partner_detail.html", _card_context(request, info, partner, form))


@require_http_methods(["GET", "POST"])
def partner_create(request, kind):
    info = KINDS[kind]
    _check(request, info, "add")
    form_class = edit_form_class(info.model)
    form = form_class(request.POST if request.method == "POST" else None, instance=info.model())
    form.fields["no"].help_text = "Leave blank to take the next number of the series."
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                partner = form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{info.label} {partner.no} {partner.name} created.")
            return redirect(partner)
    return render(request, "partners/partner_form.html", {"info": info, "form": form})


@require_POST
def partner_create_contact(request, kind, pk):
    """"Create contact" on a card without one: the sync engine makes and links a company contact."""
    info = KINDS[kind]
    _check(request, info, "change")
    if not request.user.has_perm("contacts.add_contact"):
        raise PermissionDenied
    try:
        partner = info.model.objects.get(pk=pk)
    except info.model.DoesNotExist:
        raise Http404 from None
    try:
        contact = services.create_contact_from_partner(partner)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(partner)
    messages.success(request, f"Contact {contact.no} {contact.name} created and linked with {info.label.lower()} "
                              f"{partner.no}.")
    return redirect(contact)



@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def partner_link(request, kind, pk):
    """"Link with contact" on a card without one: search contacts (#link-results), preview the differing
    fields (#link-preview), choose the winner per field, confirm (POST) → ``services.link_contact``."""
    info = KINDS[kind]
    _check(request, info, "view")
    if not _can_link(request.user, info):
        raise PermissionDenied
    partner = queries.partner_for_link(kind, pk)
    if partner is None:
        raise Http404(f"No such {info.label.lower()}.")
    search = PartnerSearchForm(request.GET)
    search.is_valid()
    data = request.POST if request.method == "POST" else request.GET
    contact = queries.contact_for_link(kind, data.get("contact"))
    errors = []
    if request.method == "POST":
        if contact is None:
            errors = ["Choose a contact to link with."]
        else:
            link, errors = confirm_link(request.POST, contact, partner, kind)
            if link is not None:
                messages.success(request, f"{info.label} {partner.no} is now linked with contact "
                                          f"{link.contact.no} {link.contact.name}.")
                if request.htmx:
                    return HttpResponseClientRedirect(partner.get_absolute_url())
                return redirect(partner)
    all_wins = data.get("all") if data.get("all") in ("contact", "partner") else "contact"
    preview = queries.link_preview_rows(contact, partner, default=all_wins) if contact else None
    results = None
    if contact is None or request.GET.get("q") is not None:
        results = paginate(queries.contacts_for_link(kind, search.cleaned_data.get("q")), request.GET.get("page"),
                           per_page=10)
    context = {
        "info": info, "kind": kind, "label": info.label, "partner": partner, "contact": contact,
        "search": search, "results": results, "preview": preview, "errors": errors, "all_wins": all_wins,
        "persons_need_company": kind != "customer",
    }
    template = "partners/partner_link.html"
    if request.htmx and request.htmx.target in ("link-results", "link-preview"):
        template += "#" + request.htmx.target
    return render(request, template, context)


@require_POST
def partner_unlink(request, kind, pk):
    """Unlink the card's contact; both records stay."""
    info = KINDS[kind]
    if not _can_link(request.user, info):
        raise PermissionDenied
    partner = _get(info, pk)
    link = partner.contact_links.select_related("contact").first()
    if link is None:
        messages.error(request, f"{info.label} {partner.no} is not linked to a contact.")
        return redirect(partner)
    try:
        services.unlink(link.contact, kind)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{info.label} {partner.no} is no longer linked with contact {link.contact.no} "
                                  f"{link.contact.name}. Both records were kept.")
    return redirect(partner)


@require_http_methods(["GET", "POST"])
def partner_delete(request, kind, pk):
    """Confirm, then delete: only the partner goes; its linked contact stays (its relation summary is
    recomputed by the sync engine). Documents that reference the partner keep it from being deleted."""
    info = KINDS[kind]
    _check(request, info, "delete")
    partner = _get(info, pk)
    link = partner.contact_links.select_related("contact").first()
    error = None
    if request.method == "POST":
        label = f"{partner.no} {partner.name}"
        try:
            with transaction.atomic():
                partner.delete()
        except (ProtectedError, RestrictedError) as exc:
            count = len(exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects)
            error = (f"{info.label} {label} cannot be deleted: {count} document{'s' if count != 1 else ''} "
                     f"still refer{'' if count != 1 else 's'} to it. Delete or change those documents first.")
        else:
            kept = f" Contact {link.contact.no} {link.contact.name} was kept." if link else ""
            messages.success(request, f"{info.label} {label} deleted.{kept}")
            return redirect(info.url_list)
    return render(request, "partners/partner_delete.html",
                  {"info": info, "partner": partner, "link": link, "error": error})
