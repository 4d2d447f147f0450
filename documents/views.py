"""Documents screens: lists and cards of sales and purchase documents, lines edited in place, preview,
print (PDF), e-mail, quote → order; the contact card's "New … " actions and its interaction forms.

Every view is thin: check the permission, validate a form, call one service, then redirect (or, for an
htmx request, render the changed region of the same template). Rule violations come back from the
services as ValidationError and are shown in plain words; nothing is half-written.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.models import Contact
from crm.concurrency import save_or_merge
from crm.htmx import render_page

from . import selectors, services
from .forms import (
    ContactEmailForm,
    DocumentEmailForm,
    InteractionForm,
    PurchaseHeaderForm,
    PurchaseLineForm,
    SalesHeaderForm,
    SalesLineForm,
)
from .models import PurchaseHeader, PurchaseLine, SalesHeader, SalesLine
from .templatetags.documents import interactions_panel_context

PER_PAGE = 25
EDIT_IDS = "id_edit_%s"  # the line being edited sits beside the add-line form: distinct ids


@dataclass(frozen=True)
class Side:
    """What differs between the sales and the purchase screens."""

    name: str
    model: type
    line_model: type
    header_form: type
    line_form: type
    title: str
    partner_label: str
    partner_field: str
    contact_field: str

    def perm(self, action: str) -> str:
        return f"documents.{action}_{self.model._meta.model_name}"

    def url(self, name: str, *args) -> str:
        return reverse(f"documents:{self.name}-{name}", args=args)


SIDES = {
    "sales": Side("sales", SalesHeader, SalesLine, SalesHeaderForm, SalesLineForm, "Sales documents", "Customer",
                  "sell_to_customer", "sell_to_contact"),
    "purchase": Side("purchase", PurchaseHeader, PurchaseLine, PurchaseHeaderForm, PurchaseLineForm,
                     "Purchase documents", "Vendor", "buy_from_vendor", "buy_from_contact"),
}


def _side(request, side: str, action: str) -> Side:
    if side not in SIDES:
        raise Http404("No such kind of document.")
    found = SIDES[side]
    if not request.user.has_perm(found.perm(action)):
        raise PermissionDenied
    return found


def _document(side: Side, pk: int):
    try:
        return selectors.document_for_card(side.model, pk)
    except side.model.DoesNotExist:
        raise Http404(f"No such {side.model._meta.verbose_name}.") from None


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _add_error(form, exc: ValidationError) -> None:
    """A service's refusal on ``form``: next to the fields it names, else at the top of the form."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields):
        form.add_error(None, exc)
    else:
        form.add_error(None, _message(exc))


def _contact_url(contact: Contact) -> str:
    """The contact card (the contacts app names it); the sales list when that page is not there."""
    try:
        return contact.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        try:
            return reverse("contacts:detail", args=[contact.pk])
        except NoReverseMatch:
            return reverse("documents:sales-list")


def _paginate(queryset, page_param):
    """One query per page: fetch one row more than a page to know whether there is a next page."""
    try:
        number = min(max(1, int(page_param or 1)), 100_000)
    except (TypeError, ValueError):
        number = 1
    rows = list(queryset[(number - 1) * PER_PAGE:number * PER_PAGE + 1])
    return {"rows": rows[:PER_PAGE], "number": number, "has_next": len(rows) > PER_PAGE,
            "has_previous": number > 1, "next": number + 1, "previous": number - 1}


# ---------------------------------------------------------------------------------------------
# Lists and cards
# ---------------------------------------------------------------------------------------------


@require_GET
def document_list(request, side):
    side = _side(request, side, "view")
    document_type = request.GET.get("type", "")
    q = request.GET.get("q", "").strip()[:100]
    page = _paginate(selectors.document_list(side.model, document_type=document_type, q=q), request.GET.get("page"))
    context = {"side": side, "page": page, "q": q, "document_type": document_type,
               "document_types": side.model.DocumentType.choices}
    return render_page(request, "documents/document_list.html", context, regions=("document-rows",))


def _card_context(request, side: Side, document, *, header_form=None, line_form=None, edit_line=None,
                  edit_form=None, note=""):
    lines = list(document.lines.all())
    may_change = request.user.has_perm(side.perm("change"))
    return {
        "side": side,
        "document": document,
        "lines": lines,
        "total": sum((line.amount for line in lines), start=0),
        "partner": getattr(document, side.partner_field),
        "contact": getattr(document, side.contact_field),
        "header_form": header_form or side.header_form(instance=document),
        "line_form": line_form or side.line_form(),
        "edit_line": edit_line,
        "edit_form": edit_form,
        "note": note,  # what a merged line save merged (crm.concurrency), shown above the lines
        "may_change": may_change,
        "can_change": may_change and document.is_open,
        "can_make_order": (document.document_type == "quote" and request.user.has_perm(side.perm("add"))),
    }


@require_http_methods(["GET", "POST"])
def document_detail(request, side, pk):
    """The document card. POST saves the header (customer/vendor, contact, dates, references)."""
    side = _side(request, side, "view" if request.method == "GET" else "change")
    document = _document(side, pk)
    header_form = None
    if request.method == "POST":
        header_form = side.header_form(request.POST, instance=document)
        if header_form.is_valid():
            update = services.sales_document_update if side.name == "sales" else services.purchase_document_update
            outcome = save_or_merge(
                header_form, save=lambda form: update(form.instance, **form.service_kwargs()),
                stale=(services.StaleDocument,),
                make_form=lambda data, current: side.header_form(data, instance=current),
                reload=lambda: selectors.document_for_card(side.model, pk), record=str(document))
            if outcome.saved:
                messages.success(request, f"{document} saved.")
                if outcome.message:
                    messages.info(request, outcome.message)
                return redirect(document)
            header_form = outcome.form or side.header_form(instance=document)
        document = _document(side, pk)  # the form holds the user's input; show the stored document beside it
    edit_line = None
    if request.GET.get("edit_line"):
        edit_line = next((line for line in document.lines.all() if str(line.pk) == request.GET["edit_line"]), None)
    context = _card_context(request, side, document, header_form=header_form, edit_line=edit_line,
                            edit_form=side.line_form(instance=edit_line, auto_id=EDIT_IDS) if edit_line else None)
    return render_page(request, "documents/document_detail.html", context)


# ---------------------------------------------------------------------------------------------
# Lines, edited in place
# ---------------------------------------------------------------------------------------------


def _lines_response(request, side: Side, document, **context_kwargs):
    """For htmx, the lines region; otherwise the whole card (used when a form has errors)."""
    context = _card_context(request, side, document, **context_kwargs)
    return render_page(request, "documents/document_detail.html", context, regions=("lines",), default_region="lines")


def _line(document, line_pk):
    line = next((line for line in document.lines.all() if line.pk == line_pk), None)
    if line is None:
        raise Http404("No such line on this document.")
    return line


@require_POST
def line_add(request, side, pk):
    side = _side(request, side, "change")
    document = _document(side, pk)
    form = side.line_form(request.POST)
    if form.is_valid():
        try:
            services.document_line_add(document, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, _message(exc))
        else:
            if not request.htmx:
                return redirect(document)
            return _lines_response(request, side, _document(side, pk))
    return _lines_response(request, side, document, line_form=form)


@require_http_methods(["GET", "POST"])
def line_edit(request, side, pk, line_pk):
    side = _side(request, side, "change")
    document = _document(side, pk)
    line = _line(document, line_pk)
    if request.method == "GET":
        if not request.htmx:
            return redirect(f"{document.get_absolute_url()}?edit_line={line.pk}#line-{line.pk}")
        edit_form = side.line_form(instance=line, auto_id=EDIT_IDS)
        return _lines_response(request, side, document, edit_line=line, edit_form=edit_form)
    form = side.line_form(request.POST, instance=line, auto_id=EDIT_IDS)
    if form.is_valid():
        outcome = save_or_merge(
            form, save=lambda form: services.document_line_update(form.instance, **form.service_kwargs()),
            stale=(services.StaleDocument,),
            make_form=lambda data, current: side.line_form(data, instance=current, auto_id=EDIT_IDS),
            reload=lambda: side.line_model.objects.filter(pk=line_pk, header=document).first(),
            record=f"line {line.line_no} of {document}")
        if outcome.saved:
            if not request.htmx:
                if outcome.message:
                    messages.info(request, outcome.message)
                return redirect(document)
            return _lines_response(request, side, _document(side, pk), note=outcome.message)
        document = _document(side, pk)
        form = outcome.form
        if form is None:  # the line was deleted meanwhile
            form = side.line_form(auto_id=EDIT_IDS)
            form.stale_message = outcome.message  # shown above the lines
        line = next((current for current in document.lines.all() if current.pk == line_pk), None)  # None: deleted
        return _lines_response(request, side, document, edit_line=line, edit_form=form)
    return _lines_response(request, side, _document(side, pk), edit_line=line, edit_form=form)


@require_POST
def line_delete(request, side, pk, line_pk):
    side = _side(request, side, "change")
    document = _document(side, pk)
    try:
        services.document_line_delete(_line(document, line_pk))
    except ValidationError as exc:
        messages.error(request, _message(exc))
    if not request.htmx:
        return redirect(document)
    return _lines_response(request, side, _document(side, pk))


# ---------------------------------------------------------------------------------------------
# Preview, print, e-mail, status, quote → order
# ---------------------------------------------------------------------------------------------


@require_GET
def document_preview(request, side, pk):
    """A printable page of the document. Previewing logs nothing."""
    side = _side(request, side, "view")
    return render(request, "documents/document_preview.html", _card_context(request, side, _document(side, pk)))


@require_POST
def document_print(request, side, pk):
    """The document as a PDF download; printing logs an interaction (when a template is set up)."""
    side = _side(request, side, "view")
    document = _document(side, pk)
    pdf = services.render_pdf(document, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.no}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def document_email(request, side, pk):
    """Send by e-mail in two steps: GET shows the message to compose (to, cc, subject and message proposed,
    the PDF attachment named); POST sends it. Refusals come back next to their field; nothing is sent."""
    side = _side(request, side, "view")
    document = _document(side, pk)
    if request.method == "GET":
        form = DocumentEmailForm(initial=services.email_draft(document, user=request.user))
    else:
        form = DocumentEmailForm(request.POST)
        if form.is_valid():
            try:
                email = services.email_document(document, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, f"{document} sent to {', '.join(email.to + email.cc)}.")
                return redirect(document)
    return render_page(request, "documents/document_email.html", {
        "document": document, "side": side, "form": form, "attachment": services.email_attachment_name(document)})


@require_POST
def document_status(request, side, pk, action):
    side = _side(request, side, "change")
    document = _document(side, pk)
    change = {"release": services.document_release, "reopen": services.document_reopen}[action]
    try:
        change(document)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, f"{document} is {document.get_status_display().lower()}.")
    return redirect(document)


def _header_form_showing(side: Side, document, exc: ValidationError):
    """The card's header form with the document's current values and ``exc`` next to its fields, the first
    of them focused (so that it is in view); None when ``exc`` is not about fields of that form."""
    unbound = side.header_form(instance=document)
    fields = set(getattr(exc, "error_dict", {}))
    if not fields or not fields <= set(unbound.fields):
        return None
    values = {name: unbound[name].value() for name in unbound.fields}
    form = side.header_form({name: "" if value is None else value for name, value in values.items()},
                            instance=document)
    form.is_valid()
    form.add_error(None, exc)
    form.fields[next(name for name in form.fields if name in fields)].widget.attrs["autofocus"] = True
    return form


@require_POST
def document_make_order(request, side, pk):
    side = _side(request, side, "add")
    quote = _document(side, pk)
    try:
        order = services.make_order(quote)
    except ValidationError as exc:
        header_form = _header_form_showing(side, quote, exc)
        if header_form is None:
            messages.error(request, _message(exc))
            return redirect(quote)
        return render_page(request, "documents/document_detail.html",
                           _card_context(request, side, quote, header_form=header_form))
    messages.success(request, f"{quote} was made into {order}.")
    return redirect(order)


# ---------------------------------------------------------------------------------------------
# From the contact card
# ---------------------------------------------------------------------------------------------


@require_POST
def document_from_contact(request, contact_pk, side, document_type):
    """"New sales quote" & co. on the contact card: make the document, then open it."""
    side = _side(request, side, "add")
    contact = get_object_or_404(Contact.objects.select_related("company"), pk=contact_pk)
    try:
        if side.name == "sales":
            document = services.sales_document_from_contact(contact, document_type)
        else:
            document = services.purchase_document_from_contact(contact, document_type)
    except ValidationError as exc:
        messages.error(request, _message(exc))
        return redirect(_contact_url(contact))
    messages.success(request, f"{document} created for contact {contact.no}.")
    return redirect(document)


def _contact_panel_response(request, contact, **forms):
    context = interactions_panel_context(request, contact, **forms)
    return render(request, "documents/contact_panels.html#interactions-panel", context)


def _contact_panel_action(request, contact_pk, form_class, form_name, action, *, done, failed):
    """A form of the contact card's interactions panel: form → one service call → the panel (htmx) or the card."""
    if not request.user.has_perm("contacts.add_interactionlogentry"):
        raise PermissionDenied
    contact = get_object_or_404(Contact, pk=contact_pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(contact, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, done(contact))
            if request.htmx:
                return _contact_panel_response(request, contact)
            return redirect(_contact_url(contact) + "#interactions")
    if request.htmx:
        return _contact_panel_response(request, contact, **{form_name: form})
    messages.error(request, failed + _form_errors(form))
    return redirect(_contact_url(contact) + "#interactions")


@require_POST
def contact_record_interaction(request, contact_pk):
    return _contact_panel_action(request, contact_pk, InteractionForm, "interaction_form", services.record_interaction,
                                 done=lambda contact: f"Interaction recorded for contact {contact}.",
                                 failed="The interaction was not recorded: ")


@require_POST
def contact_send_email(request, contact_pk):
    return _contact_panel_action(request, contact_pk, ContactEmailForm, "email_form", services.send_email_to_contact,
                                 done=lambda contact: f"E-mail sent to {contact.email}.",
                                 failed="The e-mail was not sent: ")


def _form_errors(form) -> str:
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts += [f"{label}: {e}" if label else e for e in errors]
    return " ".join(parts)
