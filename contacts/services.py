"""The public service API of the CRM (DESIGN §3): views, admin actions, commands and tests call these.

Business-rule violations raise ``django.core.exceptions.ValidationError`` with a message a sales
person understands; nothing is half-written (each service is one transaction).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from contacts import selectors, sync
from contacts.models import (
    Contact,
    ContactBusinessRelation,
    InteractionLogEntry,
    InteractionTemplateSetup,
    MarketingSetup,
    MatchReview,
)
from partners import kinds
from partners.models import ContactType, SalespersonPurchaser
from partners.numbering import next_number

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
        salesperson=interaction_salesperson(contact, user),
    )


def interaction_salesperson(contact, user):
    """Whom an interaction is recorded under: the acting user's salesperson (Salesperson/Purchaser's user),
    else the contact's."""
    if user is not None and user.is_authenticated:
        own = SalespersonPurchaser.objects.filter(user=user).first()
        if own is not None:
            return own
    return contact.salesperson


def _kind(kind: str) -> str:
    if kind not in kinds.KINDS:
        raise ValidationError(f"Unknown partner type {kind!r}: choose customer, vendor or bank account.")
    return kind


def _link_of_partner(partner):
    return ContactBusinessRelation.objects.filter(**{sync.kind_of(partner): partner}).select_related("contact").first()


# ---------------------------------------------------------------------------------------------
# Link with existing
# ---------------------------------------------------------------------------------------------


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
            raise ValidationError(f"{name!r} is not a field shared by contacts and {kinds.get(kind).plural}.")
        if winner not in WINNERS:
            raise ValidationError(f"Choose contact or partner for {name}, not {winner!r}.")
    setup = MarketingSetup.load()
    target = sync.check_linkable(contact, kind, setup)
    partner = type(partner)._default_manager.select_for_update().get(pk=partner.pk)
    sync.check_partner_unlinked(partner)
    from_partner = {name for name in field_map if fields.get(name, master) == "partner"}
    sync.link_pairs(kind, [(partner.pk, target.pk)], setup=setup, reason=sync.history_reason(partner),
                    from_partner=from_partner)
    return ContactBusinessRelation.objects.select_related("contact", kind).get(**{kind: partner})


@transaction.atomic
def unlink(contact, kind: str):
    """Remove the link of ``kind`` from ``contact`` (a person's company); both records stay. Returns the partner."""
    kind = _kind(kind)
    target = contact.company if contact.type == ContactType.PERSON and contact.company_id else contact
    link = (ContactBusinessRelation.objects.filter(contact=target, link_to_table=kind)
            .select_related(kind).first())
    if link is None:
        raise ValidationError(f"{sync.Describe(target)} is not linked to a {kinds.get(kind).label}.")
    partner = link.partner
    with sync.suspended():
        link.delete()
    sync.finish(sync.ChangeSet(reason=f"Unlinked from {sync.describe(partner)}", relations={target.pk}))
    sync.record_link_events(kind, [(partner.pk, target.pk)], "Unlinked from")
    return partner


# ---------------------------------------------------------------------------------------------
# Create as customer / vendor / bank account
# ---------------------------------------------------------------------------------------------


def _choose_template(kind: str, target, template):
    model = kinds.get(kind).template_model
    if model is None:
        if template is not None:
            raise ValidationError(f"{kinds.get(kind).title}s are created without a template.")
        return None
    if template is not None:
        if isinstance(template, str):
            found = model.objects.filter(code=template).first()
            if found is None:
                raise ValidationError(f"There is no {kinds.get(kind).label} template {template}.")
            template = found
        return template
    candidates = list(selectors.templates_for(kind, target.type)[:50])
    if len(candidates) > 1:
        raise ValidationError(
            f"Several {kinds.get(kind).label} templates fit a {target.get_type_display().lower()} contact: "
            f"{', '.join(str(t) for t in candidates)}. Choose one.")
    return candidates[0] if candidates else None


@transaction.atomic
def create_partner_from_contact(contact, kind: str, *, template=None):
    """Create a customer, vendor or bank account from ``contact`` and link them ("Create as").

    A person with a company creates the partner for its company; a stand-alone person may become a
    customer (contact type person) only. The template fills only the fields the contact leaves blank;
    template values in mapped fields then reach the contact too. Returns the new partner (unsaved
    ``created_without_template`` is True when a customer/vendor had no template to take details from).
    """
    kind = _kind(kind)
    setup = MarketingSetup.load()
    target = sync.check_linkable(contact, kind, setup)
    template = _choose_template(kind, target, template)
    partner = sync.partner_from_contact(target, kind, template)
    if template is not None and template.no_series_id:
        partner.no = next_number(template.no_series, model=type(partner))
    partner._change_reason = f"Created from contact {target.no}"
    with sync.suspended():
        partner.save()
    del partner._change_reason
    # Template values in mapped fields reach the contact (and its other partners): linked records agree.
    sync.link_pairs(kind, [(partner.pk, target.pk)], setup=setup, reason=sync.history_reason(partner),
                    from_partner=set(sync.differing_fields(target, partner, kind, both_ways_only=True)))
    partner.refresh_from_db()
    partner.created_without_template = kinds.get(kind).template_model is not None and template is None
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
    sync.require_code(setup, kind)
    sync.require_contact_nos(setup)
    partner = type(partner)._default_manager.select_for_update().get(pk=partner.pk)
    sync.check_partner_unlinked(partner)
    created = sync.create_contacts_for_partners(kind, [partner], setup, strict=True)
    return Contact.objects.get(pk=created.companies[0].pk)


@transaction.atomic
def set_primary_contact(partner, contact):
    """Make ``contact`` the one to address at ``partner`` (reference §6.3); None clears it.

    It must be the partner's linked contact or one of its persons. A person's name becomes the
    partner's ``contact`` text; choosing the company clears the text and fills the partner's blank
    phone and e-mail (and a customer's mobile) from it — which then reach the contact as usual.
    """
    kind = sync.kind_of(partner)
    if not kinds.get(kind).contact_text_person:
        raise ValidationError("A bank account has no primary contact: its contact text is kept as text.")
    link = _link_of_partner(partner)
    if link is None:
        raise ValidationError(f"{sync.Describe(partner)} is not linked to a contact.")
    partner = type(partner)._default_manager.get(pk=partner.pk)
    if contact is None:
        ContactBusinessRelation.objects.filter(pk=link.pk).update(primary_contact=None)
        return link
    if message := link.primary_contact_error(contact):
        raise ValidationError(message)
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


@transaction.atomic
def delete_contact(contact) -> int:
    """Delete ``contact`` (a company with its persons); linked partners stay, only the links go, and the
    partners whose primary contact it was lose their contact text (the sync engine's delete rule).
    Returns how many contacts were deleted.

    Refused (ValidationError naming them, nothing deleted) while another app says a record of its own
    cannot do without the contact or one of its persons (``selectors.delete_consequences``: the
    documents app names open documents that would lose their contact).
    """
    locked = sync.lock_contacts([contact.pk])
    if not locked:
        raise ValidationError(f"{sync.Describe(contact)} no longer exists: someone else deleted it.")
    contact = locked[0]
    ids = [contact.pk, *Contact.objects.filter(company_id=contact.pk).values_list("pk", flat=True)]
    blocking = [item for item in selectors.delete_consequences(ids) if item.blocks]
    if blocking:
        raise ValidationError([f"{sync.Describe(contact)} cannot be deleted while these records need it:",
                               *(f"{item.record} {item.outcome}" for item in blocking)])
    try:
        _, per_model = contact.delete()
    except ProtectedError as exc:  # a record protecting itself (on_delete) that no app named above
        raise ValidationError([f"{sync.Describe(contact)} cannot be deleted while these records need it:",
                               *(str(obj) for obj in exc.protected_objects)]) from None
    return per_model.get(Contact._meta.label, 0)


def resync(link, *, master: str = "contact") -> None:
    """Make a linked pair agree again: ``master``'s mapped values win (as ``sync_check --repair`` does)."""
    if master not in WINNERS:
        raise ValidationError(f"Choose whose data wins: contact or partner, not {master!r}.")
    with transaction.atomic():
        kind = link.link_to_table
        if master == "partner":
            reason = sync.history_reason(link.partner)
            sync.finish(sync.ChangeSet(reason=reason, contacts=sync.pull_from_partners(
                kind, [link.partner.pk], reason=reason)))
        else:
            contact = sync.lock_contacts([link.contact_id])[0]
            sync.push_to_partners([contact.pk], reason=sync.history_reason(contact), kinds_=[kind])


__all__ = [
    "link_contact", "create_partner_from_contact", "create_contact_from_partner", "unlink", "log_interaction",
    "resync", "set_primary_contact", "delete_contact",
]


# ---------------------------------------------------------------------------------------------
# The matcher's review band (link_contacts): a person accepts or rejects an uncertain pair
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def accept_match(review: MatchReview, *, user=None, master: str = "contact"):
    """Link the reviewed pair through the engine (as "Link with existing" does) and remember the decision.

    Refused (ValidationError, nothing changed) when the pair was decided already, or when the partner
    or the contact has meanwhile been linked otherwise (the engine's own checks).
    """
    review = MatchReview.objects.select_for_update().get(pk=review.pk)
    if review.status != MatchReview.Status.PENDING:
        raise ValidationError(f"This pair was {review.get_status_display().lower()} already.")
    partner = kinds.get(review.kind).model.objects.filter(pk=review.partner_id).first()
    if partner is None:
        raise ValidationError(f"{kinds.get(review.kind).title} {review.partner_no} no longer exists.")
    link = link_contact(review.contact, partner, master=master)
    _decide(review, MatchReview.Status.ACCEPTED, user)
    return link


@transaction.atomic
def reject_match(review: MatchReview, *, user=None) -> MatchReview:
    """Remember that this partner and contact are not the same party: no later run links or proposes them."""
    review = MatchReview.objects.select_for_update().get(pk=review.pk)
    if review.status != MatchReview.Status.PENDING:
        raise ValidationError(f"This pair was {review.get_status_display().lower()} already.")
    return _decide(review, MatchReview.Status.REJECTED, user)


def _decide(review, status, user):
    review.status = status
    review.decided_by = user if user is not None and user.is_authenticated else None
    review.decided_at = timezone.now()
    review.save(update_fields=["status", "decided_by", "decided_at"])
    return review
