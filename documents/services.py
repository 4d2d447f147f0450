"""Sales and purchase documents from contacts, printing and e-mailing them, and interactions.

Read top to bottom: who a contact buys for (resolution), starting documents, changing the party on a
document, lines, making an order from a quote, printing, e-mailing, and the contact card's own
interactions (a plain e-mail, an interaction recorded by hand).

Every rule violation raises ``django.core.exceptions.ValidationError`` with a message a sales person
understands; each service is one transaction, so a refusal leaves nothing half-written.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from contacts.models import Contact, ContactBusinessRelation, InteractionLogEntry
from contacts.services import create_partner_from_contact, interaction_salesperson, log_interaction
from partners.models import ContactType, Customer, CustomerTemplate, Vendor

from .models import PurchaseHeader, PurchaseLine, SalesHeader, SalesLine, Status
from .pdf import document_pdf

QUOTE, ORDER, BLANKET_ORDER = "quote", "order", "blanket_order"
LINE_NO_STEP = 10000


# ---------------------------------------------------------------------------------------------
# Guards
# ---------------------------------------------------------------------------------------------


def _refuse_privacy_blocked(contact: Contact) -> None:
    if contact.privacy_blocked:
        raise ValidationError(
            f"Contact {contact} is privacy blocked: it cannot be put on a document or get an interaction. "
            "Lift the privacy block on the contact card first (for a minor: record parental consent)."
        )


def _refuse_unusable_partner(partner) -> None:
    label = partner._meta.verbose_name
    if partner.privacy_blocked:
        raise ValidationError(f"{label.capitalize()} {partner} is privacy blocked and cannot be put on a document.")
    if partner.blocked == "all":
        raise ValidationError(f"{label.capitalize()} {partner} is blocked for all transactions.")


def _require_open(document) -> None:
    if document.status != Status.OPEN:
        raise ValidationError(f"{document} is released: reopen it before changing it.")


class StaleDocument(ValidationError):
    """The document was saved by someone else after the user's form was shown."""


def _require_version(header, expected_version: int | None) -> None:
    """Refuse the change when the stored document is no longer the version the user edited (row locked)."""
    if expected_version is None or header.pk is None:
        return
    current = type(header).objects.select_for_update().values_list("version", flat=True).get(pk=header.pk)
    if current != expected_version:
        raise StaleDocument(f"Someone else saved {header} while you were editing it. Your changes were not saved: "
                            "the form now shows the current values. Make your changes again and save.")


def _lock_open_header(document) -> None:
    """Lock the document's row for the rest of the transaction and refuse it when it is no longer open.

    Adding lines takes this lock first, so two users adding lines at once number them one after the other
    (PostgreSQL; SQLite serializes writers anyway). The status is the stored one, not the one shown."""
    try:
        document.status = type(document).objects.select_for_update().values_list("status", flat=True).get(
            pk=document.pk)
    except type(document).DoesNotExist:
        raise ValidationError(f"{document} was deleted by someone else: nothing was saved.") from None
    _require_open(document)


def _require_line_version(line, expected_version: int | None) -> None:
    """Lock the line's row; refuse the change when the line was deleted meanwhile, or (given the version the
    user's form was shown with) saved by someone else since. The line then continues from the stored version."""
    current = type(line).objects.select_for_update().filter(pk=line.pk).values(
        "line_no", "description", "version").first()
    if current is None:
        raise StaleDocument(f"Someone else deleted line {line.line_no} of {line.header} while you were editing "
                            "it. Your changes were not saved.")
    if expected_version is not None and current["version"] != expected_version:
        raise StaleDocument(f"Someone else changed line {current['line_no']} ({current['description']}) of "
                            f"{line.header} while you were editing it. Your changes were not saved: the line now "
                            "shows the current values. Make your changes again and save.")
    line.version = current["version"]


def _check_document_type(model, document_type: str) -> None:
    if document_type not in model.DocumentType.values:
        choices = ", ".join(model.DocumentType.values)
        raise ValidationError(f"“{document_type}” is not a {model._meta.verbose_name} type; choose one of {choices}.")


# ---------------------------------------------------------------------------------------------
# Resolution: which partner a contact stands for, which contact a partner is addressed at
# ---------------------------------------------------------------------------------------------


def customer_for_contact(contact: Contact) -> Customer | None:
    """The customer linked to the contact itself, else the one linked to its company (one query)."""
    ids = [contact.pk] + ([contact.company_id] if contact.company_id else [])
    links = {link.contact_id: link.customer for link in ContactBusinessRelation.objects.filter(
        contact_id__in=ids, link_to_table="customer").select_related("customer")}
    return links.get(contact.pk) or links.get(contact.company_id)


def vendor_company(contact: Contact) -> Contact | None:
    """The company a contact buys from us for: the contact itself when a company, else its company."""
    return contact if contact.type == ContactType.COMPANY else contact.company


def vendor_for_contact(contact: Contact) -> Vendor | None:
    """The vendor linked to the contact's company (the contact itself when a company)."""
    company = vendor_company(contact)
    if company is None:
        return None
    link = ContactBusinessRelation.objects.filter(contact=company, link_to_table="vendor").select_related(
        "vendor").first()
    return link.vendor if link else None


def contact_for_partner(partner) -> Contact | None:
    """The contact a partner is addressed at: its link's primary contact, else its linked contact."""
    link = ContactBusinessRelation.objects.filter(**{partner.kind: partner}).select_related(
        "contact", "primary_contact").first()
    if link is None:
        return None
    return link.primary_contact or link.contact


def _belongs_to_partner(contact: Contact, partner) -> bool:
    """Whether the partner's linked contact is the contact itself or its company."""
    ids = [contact.pk] + ([contact.company_id] if contact.company_id else [])
    return ContactBusinessRelation.objects.filter(contact_id__in=ids, **{partner.kind: partner}).exists()


def propose_customer_template(contact: Contact) -> CustomerTemplate | None:
    """The customer template for a contact without a customer, when exactly one fits.

    A template fits when its contact type, territory, country and currency equal the contact's
    (reference §8.1); failing that, the only template of the contact's type is proposed.
    """
    of_type = CustomerTemplate.objects.filter(contact_type=contact.type)
    for candidates in (
        of_type.filter(territory_id=contact.territory_id, country_code=contact.country_code,
                       currency_code=contact.currency_code),
        of_type,
    ):
        found = list(candidates[:2])
        if len(found) == 1:
            return found[0]
    return None


# ---------------------------------------------------------------------------------------------
# Filling a document from its party
# ---------------------------------------------------------------------------------------------

_ADDRESS_FIELDS = ("name", "name_2", "address", "address_2", "city", "post_code", "country_code")


def _copy_address(document, party) -> None:
    for field in _ADDRESS_FIELDS:
        setattr(document, field, getattr(party, field))
    document.currency_code = party.currency_code


def _copy_communication(document, party) -> None:
    """E-mail and phone from the party where it has them."""
    if party.email:
        document.email = party.email
    if party.phone_no:
        document.phone_no = party.phone_no


def _contact_name(contact: Contact | None, partner) -> str:
    """Person ⇒ its name; company ⇒ the partner's ``contact`` text (reference §8.1 step 6)."""
    if contact is not None and contact.type == ContactType.PERSON:
        return contact.name
    return partner.contact if partner is not None else ""


# ---------------------------------------------------------------------------------------------
# Sales documents
# ---------------------------------------------------------------------------------------------


def _sales_set_customer(header: SalesHeader, customer: Customer) -> None:
    _refuse_unusable_partner(customer)
    contact = contact_for_partner(customer)
    if contact is not None:
        _refuse_privacy_blocked(contact)
    header.sell_to_customer = customer
    header.customer_template = None
    _copy_address(header, customer)
    _copy_communication(header, customer)
    header.sell_to_contact = header.bill_to_contact = contact
    if contact is not None:
        _copy_communication(header, contact)
    header.contact_name = _contact_name(contact, customer)
    if header.salesperson_id is None:
        header.salesperson = customer.salesperson or (contact.salesperson if contact else None)


def _sales_set_contact(header: SalesHeader, contact: Contact, *, template=None) -> None:
    _refuse_privacy_blocked(contact)
    customer = customer_for_contact(contact)
    if header.sell_to_customer_id is not None:
        if not _belongs_to_partner(contact, header.sell_to_customer):
            if customer is None:
                raise ValidationError(f"Contact {contact} is not related to customer {header.sell_to_customer}.")
            raise ValidationError(f"Contact {contact} is related to a different company than customer "
                                  f"{header.sell_to_customer}.")
        customer = header.sell_to_customer
    elif customer is not None:
        _refuse_unusable_partner(customer)
        header.sell_to_customer = customer
        header.customer_template = None
        _copy_address(header, customer)
        _copy_communication(header, customer)
    elif header.document_type != QUOTE:
        raise ValidationError(
            f"Contact {contact} is not related to a customer, so a {header.get_document_type_display().lower()} "
            "cannot be made for it. Make a sales quote instead, or first create or link a customer on the "
            "contact card (Create as → Customer)."
        )
    else:
        # A quote for a prospect: filled from its company; the customer comes when the quote becomes an order.
        company = contact.company or contact
        _copy_address(header, company)
        _copy_communication(header, company)
        header.customer_template = template or header.customer_template or propose_customer_template(company)
    header.sell_to_contact = header.bill_to_contact = contact
    _copy_communication(header, contact)
    header.contact_name = _contact_name(contact, customer)
    if header.salesperson_id is None:
        header.salesperson = contact.salesperson or (customer.salesperson if customer else None)


@transaction.atomic
def sales_document_from_contact(contact: Contact, document_type: str, *, template=None) -> SalesHeader:
    """Start a sales quote, order or blanket order for a contact; returns the saved header.

    The customer is the one linked to the contact, else to its company. A contact without a customer
    can only get a quote (filled from its company; ``template``, or a proposed one, becomes the quote's
    customer template); any other document is refused.
    """
    _check_document_type(SalesHeader, document_type)
    header = SalesHeader(document_type=document_type)
    _sales_set_contact(header, contact, template=template)
    header.save()
    return header


@transaction.atomic
def sales_document_update(header: SalesHeader, *, customer=None, contact=None, expected_version=None,
                          **fields) -> SalesHeader:
    """Change a sales document's header. A new ``customer`` fills the contact from the customer's link
    (primary contact, else linked contact); a new ``contact`` must belong to the document's customer
    (or, without one, brings its own). Other keyword arguments are plain header fields. With
    ``expected_version``, a document saved meanwhile by someone else is refused (StaleDocument)."""
    _require_version(header, expected_version)
    _require_open(header)
    if customer is not None and customer.pk != header.sell_to_customer_id:
        _sales_set_customer(header, customer)
    if contact is not None and contact.pk != header.sell_to_contact_id:
        _sales_set_contact(header, contact)
    for field, value in fields.items():
        setattr(header, field, value)
    if header.sell_to_customer_id is not None:
        header.customer_template = None  # only a quote without a customer needs one
    elif header.document_type != QUOTE:
        raise ValidationError(f"A {header.get_document_type_display().lower()} needs a customer.")
    header.save()
    return header


# ---------------------------------------------------------------------------------------------
# Purchase documents
# ---------------------------------------------------------------------------------------------


def _purchase_set_vendor(header: PurchaseHeader, vendor: Vendor) -> None:
    _refuse_unusable_partner(vendor)
    contact = contact_for_partner(vendor)
    if contact is not None:
        _refuse_privacy_blocked(contact)
    header.buy_from_vendor = vendor
    _copy_address(header, vendor)
    _copy_communication(header, vendor)
    header.buy_from_contact = header.pay_to_contact = contact
    if contact is not None:
        _copy_communication(header, contact)
    header.contact_name = _contact_name(contact, vendor)
    if header.purchaser_id is None:
        header.purchaser = vendor.purchaser


def _purchase_set_contact(header: PurchaseHeader, contact: Contact) -> None:
    _refuse_privacy_blocked(contact)
    vendor = vendor_for_contact(contact)
    if header.buy_from_vendor_id is not None:
        if vendor is None or vendor.pk != header.buy_from_vendor_id:
            raise ValidationError(f"Contact {contact} is not related to vendor {header.buy_from_vendor}.")
    elif vendor is None:
        company = vendor_company(contact)
        whose = "its company" if company is not None and company != contact else "it"
        if company is None:
            raise ValidationError(f"Contact {contact} is not related to a vendor: it is a person without a "
                                  "company, and only a company can be linked to a vendor.")
        raise ValidationError(f"Contact {contact} is not related to a vendor: link {whose} with a vendor (or "
                              "create one with Create as → Vendor) first.")
    else:
        _refuse_unusable_partner(vendor)
        header.buy_from_vendor = vendor
        _copy_address(header, vendor)
        _copy_communication(header, vendor)
    header.buy_from_contact = header.pay_to_contact = contact
    _copy_communication(header, contact)
    header.contact_name = _contact_name(contact, vendor)
    if header.purchaser_id is None:
        header.purchaser = vendor.purchaser


@transaction.atomic
def purchase_document_from_contact(contact: Contact, document_type: str) -> PurchaseHeader:
    """Start a purchase quote or order for a contact; returns the saved header.

    The vendor is the one linked to the contact's company (the contact itself when it is a company);
    without one the document is refused, quote or not.
    """
    _check_document_type(PurchaseHeader, document_type)
    header = PurchaseHeader(document_type=document_type)
    _purchase_set_contact(header, contact)
    header.save()
    return header


@transaction.atomic
def purchase_document_update(header: PurchaseHeader, *, vendor=None, contact=None, expected_version=None,
                             **fields) -> PurchaseHeader:
    """Change a purchase document's header; see ``sales_document_update``."""
    _require_version(header, expected_version)
    _require_open(header)
    if vendor is not None and vendor.pk != header.buy_from_vendor_id:
        _purchase_set_vendor(header, vendor)
    if contact is not None and contact.pk != header.buy_from_contact_id:
        _purchase_set_contact(header, contact)
    for field, value in fields.items():
        setattr(header, field, value)
    header.save()
    return header


# ---------------------------------------------------------------------------------------------
# Status and lines
# ---------------------------------------------------------------------------------------------


def document_release(document):
    if document.status != Status.OPEN:
        raise ValidationError(f"{document} is already released.")
    if not document.lines.exists():
        raise ValidationError(f"{document} has no lines: add at least one before releasing it.")
    document.status = Status.RELEASED
    document.save(update_fields=["status", "updated_at"])
    return document


def document_reopen(document):
    document.status = Status.OPEN
    document.save(update_fields=["status", "updated_at"])
    return document


def _line_model(document):
    return SalesLine if isinstance(document, SalesHeader) else PurchaseLine


def _validated(line):
    line.full_clean(exclude=["header", "amount"])
    return line


@transaction.atomic
def document_line_add(document, *, description: str, quantity=Decimal("1"), unit_price=Decimal("0"),
                      line_discount_pct=Decimal("0")):
    """Add a line at the end of the document (line numbers step by 10000, as in BC).

    The document's row is locked before the last number is read: concurrent adds never take the same number."""
    _lock_open_header(document)
    last = document.lines.aggregate(last=Max("line_no"))["last"] or 0
    line = _line_model(document)(header=document, line_no=last + LINE_NO_STEP, description=description,
                                 quantity=quantity, unit_price=unit_price, line_discount_pct=line_discount_pct)
    _validated(line).save()
    return line


@transaction.atomic
def document_line_update(line, *, expected_version=None, **fields):
    """Change a line. Given ``expected_version`` (the line's version the user's form was shown with), a line
    saved meanwhile by someone else is refused (StaleDocument); a line deleted meanwhile always is."""
    _require_line_version(line, expected_version)
    _require_open(line.header)
    for field, value in fields.items():
        setattr(line, field, value)
    _validated(line).save()
    return line


@transaction.atomic
def document_line_delete(line) -> None:
    _require_open(line.header)
    line.delete()


# ---------------------------------------------------------------------------------------------
# Quote → order
# ---------------------------------------------------------------------------------------------

_COPIED_HEADER_FIELDS = ("order_date", "external_document_no", "email", "phone_no", "contact_name",
                         "currency_code", *_ADDRESS_FIELDS)


def _customer_for_quote(quote: SalesHeader) -> Customer:
    """The quote's customer; for a prospect's quote, the customer created now from its company."""
    if quote.sell_to_customer_id is not None:
        return quote.sell_to_customer
    if quote.sell_to_contact_id is None:
        raise ValidationError(f"{quote} has neither a customer nor a contact: choose a customer first.")
    contact = quote.sell_to_contact
    _refuse_privacy_blocked(contact)
    existing = customer_for_contact(contact)  # linked meanwhile (e.g. Create as → Customer on the card)
    if existing is not None:
        return existing
    if quote.customer_template_id is None:
        raise ValidationError({"customer_template": (
            f"Contact {contact} is not a customer yet and this quote has no customer template: choose the "
            "template to create the customer from here, save, then make the order.")})
    company = contact.company or contact
    return create_partner_from_contact(company, "customer", template=quote.customer_template)


def repoint_prospect_quotes(customer_id: int, contact_id: int) -> int:
    """Open quotes without a customer, for the contact or (a company) its persons, now name the customer
    linked to it. Returns how many quotes were re-pointed."""
    return repoint_prospect_quotes_to({contact_id: customer_id})


def repoint_prospect_quotes_to(customers: dict[int, int], chunk: int = 900) -> int:
    """``repoint_prospect_quotes`` for many contacts at once: ``customers`` maps contact pk → customer pk.

    One query per chunk finds the open quotes without a customer whose contact (or whose contact's
    company) is among them; one UPDATE per customer that has any.
    """
    ids = list(customers)
    repointed = 0
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        quotes = SalesHeader.objects.filter(
            Q(sell_to_contact_id__in=part) | Q(sell_to_contact__company_id__in=part),
            document_type=QUOTE, sell_to_customer__isnull=True, status=Status.OPEN,
        ).values_list("pk", "sell_to_contact_id", "sell_to_contact__company_id")
        by_customer = {}
        for pk, contact_id, company_id in quotes:
            owner = contact_id if contact_id in customers else company_id
            by_customer.setdefault(customers[owner], []).append(pk)
        for customer_id, pks in by_customer.items():
            repointed += SalesHeader.objects.filter(pk__in=pks).update(
                sell_to_customer_id=customer_id, customer_template=None, updated_at=timezone.now())
    return repointed


@transaction.atomic
def make_order(quote):
    """Turn a sales (or purchase) quote into an order with the same lines; returns the saved order.

    A sales quote without a customer first gets one, created from its contact's company with the
    quote's customer template (refused, with nothing created, when the quote has no template).
    """
    if quote.document_type != QUOTE:
        raise ValidationError(f"{quote} is not a quote: only a quote can be made into an order.")
    made = quote.orders.order_by("pk").first()
    if made is not None:
        raise ValidationError(f"{quote} was already made into {made}.")
    if isinstance(quote, SalesHeader):
        customer = _customer_for_quote(quote)
        if quote.sell_to_customer_id is None:
            contact = quote.sell_to_contact
            repoint_prospect_quotes(customer.pk, (contact.company_id or contact.pk))
            quote.refresh_from_db()
        _refuse_unusable_partner(customer)
        order = SalesHeader(document_type=ORDER, quote=quote, sell_to_customer=customer,
                            sell_to_contact=quote.sell_to_contact, bill_to_contact=quote.bill_to_contact,
                            salesperson=quote.salesperson)
    else:
        _refuse_unusable_partner(quote.buy_from_vendor)
        order = PurchaseHeader(document_type=ORDER, quote=quote, buy_from_vendor=quote.buy_from_vendor,
                               buy_from_contact=quote.buy_from_contact, pay_to_contact=quote.pay_to_contact,
                               purchaser=quote.purchaser)
    for field in _COPIED_HEADER_FIELDS:
        setattr(order, field, getattr(quote, field))
    order.order_date = timezone.localdate()
    order.save()
    line_model = _line_model(quote)
    line_model.objects.bulk_create([
        line_model(header=order, line_no=line.line_no, description=line.description, quantity=line.quantity,
                   unit_price=line.unit_price, line_discount_pct=line.line_discount_pct, amount=line.amount)
        for line in quote.lines.all()
    ])
    return order


# ---------------------------------------------------------------------------------------------
# Printing and e-mailing (each logs one interaction under the document's kind)
# ---------------------------------------------------------------------------------------------


def interaction_contact(document) -> Contact | None:
    """Whom printing/e-mailing a document is logged against: bill-to/pay-to contact, else sell-to/buy-from
    contact, else (as BC) the contact linked to the document's customer/vendor."""
    contact = document.interaction_contact
    if contact is None:
        partner = document.sell_to_customer if isinstance(document, SalesHeader) else document.buy_from_vendor
        contact = contact_for_partner(partner) if partner is not None else None
    return contact


def _log_document(document, *, user, description: str = ""):
    contact = interaction_contact(document)
    if contact is None:
        return None
    entry = log_interaction(contact, document.interaction_kind, document_no=document.no, user=user,
                            document_type=document.log_document_type, description=description)
    salesperson_id = document.salesperson_id if isinstance(document, SalesHeader) else document.purchaser_id
    if entry is not None and salesperson_id and entry.salesperson_id != salesperson_id:
        # The document's salesperson/purchaser, as BC logs it (the contact's is only the default).
        InteractionLogEntry.objects.filter(pk=entry.pk).update(salesperson_id=salesperson_id)
        entry.salesperson_id = salesperson_id
    return entry


def render_pdf(document, *, user, log: bool = True) -> bytes:
    """The document as a PDF. With ``log`` (printing, not previewing) one interaction is logged."""
    pdf = document_pdf(document)
    if log:
        _log_document(document, user=user)
    return pdf


def email_attachment_name(document) -> str:
    """The file name of the PDF that "Send by e-mail" attaches."""
    return f"{document.no}.pdf"


def email_draft(document, *, user) -> dict:
    """What "Send by e-mail" proposes before anything is sent: ``to`` (the document's e-mail, else its
    contact's), ``cc`` (none), ``subject`` and ``body``; the user may change each of them."""
    contact = interaction_contact(document)
    sender_name = (user.get_full_name() or user.get_username()) if user is not None else ""
    greeting = f"Dear {document.contact_name or document.name},".replace(" ,", ",")
    return {
        "to": document.email or (contact.email if contact else ""),
        "cc": "",
        "subject": document.title,
        "body": f"{greeting}\n\nplease find attached {document.title}.\n\nKind regards,\n{sender_name}".strip(),
    }


def _addresses(value, field: str) -> list[str]:
    """``a@x.example, b@y.example`` (commas or semicolons) or a list → the addresses; a ValidationError on
    ``field`` naming the first one that is not an e-mail address."""
    items = value if isinstance(value, (list, tuple)) else str(value or "").replace(";", ",").split(",")
    addresses = [item.strip() for item in items if item and item.strip()]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({field: f"\u201c{address}\u201d is not an e-mail address."}) from None
    return addresses


def email_document(document, *, user, to=None, cc=(), subject: str | None = None,
                   body: str | None = None) -> EmailMessage:
    """Send the document as a PDF attachment and log one interaction. ``to``, ``cc``, ``subject`` and
    ``body`` are what the user composed (addresses as a list or comma-separated); left out, they are
    ``email_draft``'s. Refusals name their field (``to``, ``cc``, ``subject``); nothing is sent then."""
    contact = interaction_contact(document)
    if contact is not None:
        _refuse_privacy_blocked(contact)
    draft = email_draft(document, user=user)
    recipients = _addresses(draft["to"] if to is None else to, "to")
    if not recipients:
        whom = f"contact {contact}" if contact else "its customer or vendor"
        raise ValidationError({"to": f"There is no e-mail address to send {document} to: enter one here, or add "
                                     f"one to the document or to {whom}."})
    copies = _addresses(cc, "cc")
    subject = (draft["subject"] if subject is None else subject).strip()
    if not subject:
        raise ValidationError({"subject": "Enter a subject."})
    email = EmailMessage(
        subject=subject,
        body=draft["body"] if body is None else body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        cc=copies,
        reply_to=[user.email] if user is not None and getattr(user, "email", "") else None,
    )
    email.attach(email_attachment_name(document), render_pdf(document, user=user, log=False), "application/pdf")
    email.send()
    _log_document(document, user=user, description=f"{document.title} sent by e-mail"[:100])
    return email


# ---------------------------------------------------------------------------------------------
# The contact card's own interactions
# ---------------------------------------------------------------------------------------------


def send_email_to_contact(contact: Contact, *, subject: str, body: str, user) -> EmailMessage:
    """Send a plain e-mail to a contact; logged under ``emails`` (when a template is set)."""
    _refuse_privacy_blocked(contact)
    if not contact.email:
        raise ValidationError(f"Contact {contact} has no e-mail address: enter one on the contact first.")
    email = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[contact.email],
                         reply_to=[user.email] if user is not None and getattr(user, "email", "") else None)
    email.send()
    log_interaction(contact, "emails", user=user, description=subject[:100])
    return email


def record_interaction(contact: Contact, *, template, description: str = "", user=None) -> InteractionLogEntry:
    """Record an interaction by hand (a call, a visit, …) under the acting user's salesperson (else the
    contact's); refused for a privacy-blocked contact, and without a description."""
    _refuse_privacy_blocked(contact)
    if template is None:
        raise ValidationError({"template": "Choose the kind of interaction this was."})
    if not (description or "").strip():
        raise ValidationError({"description": "Say in a few words what the interaction was about."})
    return InteractionLogEntry.objects.create(
        contact=contact,
        template=template,
        logged_at=timezone.now(),
        description=description.strip()[:100],
        user=user if user is not None and user.is_authenticated else None,
        salesperson=interaction_salesperson(contact, user),
    )
