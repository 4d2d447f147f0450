"""The public service API of the CRM (DESIGN §3): views, admin actions, commands and tests call these.

Business-rule violations raise ``django.core.exceptions.ValidationError`` with a message a sales
person understands; nothing is half-written.
"""

from django.utils import timezone

from contacts.models import InteractionLogEntry, InteractionTemplateSetup


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
