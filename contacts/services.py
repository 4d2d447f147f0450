"""The public service API of the CRM (DESIGN §3): views, admin actions, commands and tests call these.

Business-rule violations raise ``django.core.exceptions.ValidationError`` with a message a sales
person understands; nothing is half-written (each service is one transaction).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts import sync
from contacts.models import (
    Contact,
    ContactBusinessRelation,
    InteractionLogEntry,
    InteractionTemplateSetup,
    MarketingSetup,
)
from partners.models import ContactType, CustomerTemplate, VendorTemplate
from partners.numbering import next_number

TEMPLATE_MODELS = {"customer": CustomerTemplate, "vendor": VendorTemplate}
WINNERS = ("contact", "partner")


def log_interaction(contact, kind: str, *, document_no: str = "", user=None, description: str = "",
                    document_type: str = ""):
    """Log an interaction of ``kind`` (an InteractionTemplateSetup field name) against ``contact``.

    Does nothing, and returns None, when Interaction Template Setup names no template for ``kind``.
    """
    if kind not in InteractionTemplateSetup.KINDS:
        raise ValueError(f"Unknown interaction kind {kind!r}; expected one of {InteractionTemplateSetup.KINDS}.")
    template = getattr(InteractionTemplateSetup.load(), kind)
    if template is None:
        return None
    return InteractionLogEntry.objects.create(
        contact=contact,
        template=template,
        logged_at=timezone.now(),
        description=description or template.description,
        document_type=document_type,
        document_no=document_no,
        user=user if user is not None and user.is_authenticated else None,
        salesperson=contact.salesperson,
    )


# ---------------------------------------------------------------------------------------------
# Pre-checks (DESIGN §4)
# ---------------------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in sync.PARTNER_MODELS:
        raise ValidationError(f"Unknown partner type {kind!r}: choose customer, vendor or bank account.")
    return kind


def _require_code(setup, kind: str):
    code = setup.code_for(kind)
    if code is None:
        label = sync.KIND_LABELS[kind]
        raise ValidationError(
            f"Bus. Rel. Code for {label.title()}s is not set in Marketing Setup: contacts cannot be "
            f"synchronized with {label}s until it is.")
    return code


def _check_not_privacy_blocked(contact) -> None:
    if contact.privacy_blocked:
        raise ValidationError(f"You cannot use {sync.describe(contact)}: it is blocked due to privacy.")


def _target_contact(contact, kind: str):
    """The contact a partner of ``kind`` belongs to: a person's company; a stand-alone person for customers."""
    if contact.type == ContactType.PERSON:
        if contact.company_id:
            return contact.company
        if kind != "customer":
            raise ValidationError(
                f"{sync.Describe(contact)} is a person without a company: only a customer can be made from or "
                f"linked to it. Assign it to a company first (the {sync.KIND_LABELS[kind]} then belongs to the "
                f"company).")
    return contact


def _existing_link(contact, kind: str):
    return (ContactBusinessRelation.objects.filter(contact=contact, link_to_table=kind)
            .select_related(kind).first())


def _check_no_link_of_kind(contact, kind: str) -> None:
    link = _existing_link(contact, kind)
    if link is not None:
        raise ValidationError(f"{sync.Describe(contact)} is already linked to {sync.describe(link.partner)}.")


def _link_of_partner(partner):
    kind = sync.kind_of(partner)
    return (ContactBusinessRelation.objects.filter(**{kind: partner}).select_related("contact").first())


def _check_partner_unlinked(partner) -> None:
    link = _link_of_partner(partner)
    if link is not None:
        raise ValidationError(f"{sync.Describe(partner)} is already linked to {sync.describe(link.contact)}.")


def _prepare(contact, kind: str):
    """Shared pre-checks of link and create-as; returns (setup, target contact, locked)."""
    setup = MarketingSetup.load()
    _require_code(setup, kind)
    # Lock the company (if any) before the person: the order every synchronizing save follows.
    company_id = Contact.objects.filter(pk=contact.pk).values_list("company_id", flat=True).first()
    locked = {c.pk: c for c in Contact.objects.select_for_update().filter(
        pk__in=[contact.pk, company_id or contact.pk]).order_by("type")}
    contact = locked[contact.pk]
    _check_not_privacy_blocked(contact)
    target = _target_contact(contact, kind)
    if target.pk != contact.pk:
        target = locked[target.pk]
        _check_not_privacy_blocked(target)
    _check_no_link_of_kind(target, kind)
    return setup, target


def _replace_placeholder(contact, code) -> None:
    """An unlinked row with the setup code gives way to the link (reference §1.3 R3)."""
    ContactBusinessRelation.objects.filter(contact=contact, business_relation=code, link_to_table="").delete()


# ---------------------------------------------------------------------------------------------
# Link with existing
# ---------------------------------------------------------------------------------------------


def link_preview(contact, partner) -> list[dict]:
    """The mapped fields whose values differ between ``contact`` (its company for a person) and ``partner``.

    Each item: ``{"field", "label", "contact_value", "partner_value"}`` (values as shown, FKs as text).
    """
    kind = sync.kind_of(partner)
    if contact.type == ContactType.PERSON and contact.company_id:
        contact = contact.company
    items = []
    for name in sync.differing_fields(contact, partner, kind, both_ways_only=True):
        partner_field = sync.BOTH_WAYS[kind][name]
        items.append({
            "field": name,
            "label": Contact._meta.get_field(name).verbose_name,
            "contact_value": getattr(contact, name),
            "partner_value": getattr(partner, partner_field),
        })
    return items


@transaction.atomic
def link_contact(contact, partner, *, master: str = "contact", fields: dict | None = None):
    """Link ``contact`` with an existing ``partner``; where they differ, ``master``'s values win.

    ``fields`` maps mapped-field names (contact side) to ``"contact"`` or ``"partner"``: the side whose
    value wins for that field; unnamed fields follow ``master``. A person with a company is linked
    through its company. Returns the link row.
    """
    if master not in WINNERS:
        raise ValidationError(f"Choose whose data wins: contact or partner, not {master!r}.")
    kind = sync.kind_of(partner)
    field_map = sync.BOTH_WAYS[kind]
    fields = dict(fields or {})
    one_way = {*sync.CONTACT_TO_PARTNER_ONLY[kind], *sync.CONTACT_TO_PARTNER_ONLY[kind].values()}
    fields = {name: winner for name, winner in fields.items() if name not in one_way}  # type: contact → only
    for name, winner in fields.items():
        if name not in field_map:
            raise ValidationError(f"{name!r} is not a field shared by contacts and {sync.KIND_LABELS[kind]}s.")
        if winner not in WINNERS:
            raise ValidationError(f"Choose contact or partner for {name}, not {winner!r}.")
    setup, target = _prepare(contact, kind)
    partner = type(partner)._default_manager.select_for_update().get(pk=partner.pk)
    _check_partner_unlinked(partner)

    code = setup.code_for(kind)
    _replace_placeholder(target, code)
    with sync.suspended():
        link = sync.relation_row(target, partner, setup, kind)
        link.save()

    # The partner's winning values reach the contact (and from there its other partners and persons),
    # then every mapped field of the contact reaches the partner.
    contact_changes = {}
    for contact_field, partner_field in field_map.items():
        if fields.get(contact_field, master) == "partner":
            value = getattr(partner, sync.attname(type(partner), partner_field))
            att = sync.attname(Contact, contact_field)
            if getattr(target, att) != value:
                contact_changes[att] = value
    sync.apply_to_contact(target, contact_changes, reason=sync.history_reason(partner), exclude=partner)
    partner_changes = {}
    for contact_field, partner_field in sync.contact_to_partner_map(kind).items():
        value = getattr(target, sync.attname(Contact, contact_field))
        att = sync.attname(type(partner), partner_field)
        if getattr(partner, att) != value:
            partner_changes[att] = value
    sync.write_changes(partner, partner_changes, sync.history_reason(target))
    if kind in ("customer", "vendor") and target.type == ContactType.COMPANY and partner.contact.strip():
        # The partner's contact text names one of the company's persons: that one is the primary contact.
        person = target.persons.filter(name=partner.contact.strip()).first()
        if person is not None:
            link.primary_contact = person
            ContactBusinessRelation.objects.filter(pk=link.pk).update(primary_contact=person)
    sync.refresh_summaries([target.pk])
    return link


@transaction.atomic
def unlink(contact, kind: str):
    """Remove the link of ``kind`` from ``contact`` (a person's company); both records stay. Returns the partner."""
    kind = _kind(kind)
    target = contact.company if contact.type == ContactType.PERSON and contact.company_id else contact
    link = _existing_link(target, kind)
    if link is None:
        raise ValidationError(f"{sync.Describe(target)} is not linked to a {sync.KIND_LABELS[kind]}.")
    partner = link.partner
    with sync.suspended():
        link.delete()
    sync.refresh_summaries([target.pk])
    return partner


# ---------------------------------------------------------------------------------------------
# Create as customer / vendor / bank account
# ---------------------------------------------------------------------------------------------


def templates_for(kind: str, contact_type: str):
    """The templates a ``kind`` partner made from a contact of ``contact_type`` may use (none for banks)."""
    model = TEMPLATE_MODELS.get(_kind(kind))
    if model is None:
        return CustomerTemplate.objects.none()
    return model.objects.filter(contact_type=contact_type).order_by("code")


def partner_contact(contact, kind: str):
    """The contact a partner of ``kind`` made from ``contact`` belongs to (a person's company)."""
    return _target_contact(contact, kind)


def _choose_template(kind: str, target, template):
    if kind == "bank_account":
        if template is not None:
            raise ValidationError("Bank accounts are created without a template.")
        return None
    model = TEMPLATE_MODELS[kind]
    if template is not None:
        if isinstance(template, str):
            found = model.objects.filter(code=template).first()
            if found is None:
                raise ValidationError(f"There is no {sync.KIND_LABELS[kind]} template {template}.")
            template = found
        return template
    candidates = list(templates_for(kind, target.type)[:50])
    if len(candidates) > 1:
        raise ValidationError(
            f"Several {sync.KIND_LABELS[kind]} templates fit a {target.get_type_display().lower()} contact: "
            f"{', '.join(str(t) for t in candidates)}. Choose one.")
    return candidates[0] if candidates else None


def _is_blank(value) -> bool:
    return value in (None, "") or (hasattr(value, "is_zero") and value.is_zero())


@transaction.atomic
def create_partner_from_contact(contact, kind: str, *, template=None):
    """Create a customer, vendor or bank account from ``contact`` and link them ("Create as").

    A person with a company creates the partner for its company; a stand-alone person may become a
    customer (contact type person) only. The template fills only the fields the contact leaves blank;
    template values in mapped fields then reach the contact too. Returns the new partner (unsaved
    ``created_without_template`` is True when a customer/vendor had no template to take details from).
    """
    kind = _kind(kind)
    setup, target = _prepare(contact, kind)
    template = _choose_template(kind, target, template)
    model = sync.PARTNER_MODELS[kind]

    partner = model()
    sync.copy_fields(target, partner, sync.contact_to_partner_map(kind))
    if template is not None:
        for name in template.filled_fields:
            att = sync.attname(model, name)
            value = getattr(template, sync.attname(type(template), name))
            if _is_blank(getattr(partner, att)) and not _is_blank(value):
                setattr(partner, att, value)
        if template.no_series_id:
            partner.no = next_number(template.no_series, model=model)
    partner._change_reason = f"Created from contact {target.no}"
    with sync.suspended():
        partner.save()
        _replace_placeholder(target, setup.code_for(kind))
        link = sync.relation_row(target, partner, setup, kind)
        link.save()
    del partner._change_reason

    # Template values in mapped fields reach the contact (and its other partners): linked records agree.
    back = {}
    for partner_field, contact_field in sync.partner_to_contact_map(kind).items():
        value = getattr(partner, sync.attname(model, partner_field))
        att = sync.attname(Contact, contact_field)
        if getattr(target, att) != value:
            back[att] = value
    sync.apply_to_contact(target, back, reason=sync.history_reason(partner), exclude=partner)
    sync.refresh_summaries([target.pk])
    partner.created_without_template = kind != "bank_account" and template is None
    return partner


# ---------------------------------------------------------------------------------------------
# Create contact from a customer / vendor / bank account
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_contact_from_partner(partner):
    """Create the company contact of ``partner`` (a customer: of its contact type), numbered and linked.

    A customer's or vendor's ``contact`` text becomes a person under the new company and the link's
    primary contact. Refuses a partner that already has a contact. Returns the new contact.
    """
    kind = sync.kind_of(partner)
    setup = MarketingSetup.load()
    _require_code(setup, kind)
    partner = type(partner)._default_manager.select_for_update().get(pk=partner.pk)
    link = _link_of_partner(partner)
    if link is not None:
        raise ValidationError(f"{sync.Describe(partner)} is already linked to {sync.describe(link.contact)}.")
    return sync.create_contact_for_partner(partner, setup, kind)


@transaction.atomic
def set_primary_contact(partner, contact):
    """Make ``contact`` the one to address at ``partner`` (reference §6.3); None clears it.

    It must be the partner's linked contact or one of its persons. A person's name becomes the
    partner's ``contact`` text; choosing the company clears the text and fills the partner's blank
    phone and e-mail (and a customer's mobile) from it — which then reach the contact as usual.
    """
    kind = sync.kind_of(partner)
    if kind == "bank_account":
        raise ValidationError("A bank account has no primary contact: its contact text is kept as text.")
    link = _link_of_partner(partner)
    if link is None:
        raise ValidationError(f"{sync.Describe(partner)} is not linked to a contact.")
    partner = type(partner)._default_manager.get(pk=partner.pk)
    if contact is None:
        ContactBusinessRelation.objects.filter(pk=link.pk).update(primary_contact=None)
        return link
    if contact.pk != link.contact_id and contact.company_id != link.contact_id:
        raise ValidationError(f"{sync.Describe(contact)} is not related to {sync.describe(partner)}.")
    _check_not_privacy_blocked(contact)
    ContactBusinessRelation.objects.filter(pk=link.pk).update(primary_contact=contact)
    link.primary_contact = contact
    if contact.type == ContactType.PERSON and contact.pk != link.contact_id:
        if partner.contact != contact.name:
            sync.write_changes(partner, {"contact": contact.name}, sync.history_reason(contact))
        return link
    fields = ["phone_no", "email"] + (["mobile_phone_no"] if kind == "customer" else [])
    for name in fields:
        value = getattr(contact, name)
        if value:
            setattr(partner, name, value)
    partner.contact = ""
    partner.save()
    return link


def contact_of(partner):
    """The contact linked to ``partner``, or None."""
    link = _link_of_partner(partner)
    return link.contact if link else None


def partners_of(contact) -> dict:
    """``{"customer": …, "vendor": …, "bank_account": …}`` linked to ``contact`` (a person: its company)."""
    target = contact.company if contact.type == ContactType.PERSON and contact.company_id else contact
    result = dict.fromkeys(sync.PARTNER_MODELS)
    for link in (ContactBusinessRelation.objects.filter(contact=target).exclude(link_to_table="")
                 .select_related(*sync.PARTNER_MODELS)):
        result[link.link_to_table] = link.partner
    return result


def resync(link, *, master: str = "contact") -> None:
    """Make a linked pair agree again: ``master``'s mapped values win (``sync_check --repair``)."""
    if master not in WINNERS:
        raise ValidationError(f"Choose whose data wins: contact or partner, not {master!r}.")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=link.contact_id)
        partner = link.partner
        partner = type(partner)._default_manager.get(pk=partner.pk)
        kind = link.link_to_table
        if master == "partner":
            changes = {}
            for partner_field, contact_field in sync.partner_to_contact_map(kind).items():
                value = getattr(partner, sync.attname(type(partner), partner_field))
                att = sync.attname(Contact, contact_field)
                if getattr(contact, att) != value:
                    changes[att] = value
            sync.apply_to_contact(contact, changes, reason=sync.history_reason(partner), exclude=partner)
        else:
            changes = {}
            for contact_field, partner_field in sync.contact_to_partner_map(kind).items():
                value = getattr(contact, sync.attname(Contact, contact_field))
                att = sync.attname(type(partner), partner_field)
                if getattr(partner, att) != value:
                    changes[att] = value
            sync.write_changes(partner, changes, sync.history_reason(contact))


__all__ = [
    "link_contact", "create_partner_from_contact", "create_contact_from_partner", "unlink",
    "link_preview", "templates_for", "log_interaction", "resync", "contact_of", "partners_of",
    "set_primary_contact",
]
