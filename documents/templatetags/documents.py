"""The documents app's pieces on the contact card (the contacts app's template includes them).

    {% load documents %}
    {% contact_document_actions contact %}   "New sales quote", "New sales order", … buttons
    {% contact_panels contact %}             the contact's documents and its interactions (log + forms)

Each tag runs a fixed number of queries, whatever the number of documents or entries.
"""

from django import template

from ..forms import ContactEmailForm, InteractionForm
from ..models import PurchaseHeader, SalesHeader
from ..selectors import contact_documents, contact_interactions

register = template.Library()

NEW_DOCUMENTS = [
    ("sales", "quote", "New sales quote"),
    ("sales", "order", "New sales order"),
    ("sales", "blanket_order", "New blanket order"),
    ("purchase", "quote", "New purchase quote"),
    ("purchase", "order", "New purchase order"),
]


@register.inclusion_tag("documents/contact_panels.html#document-actions", takes_context=True)
def contact_document_actions(context, contact):
    user = context["request"].user
    allowed = {"sales": user.has_perm("documents.add_salesheader"),
               "purchase": user.has_perm("documents.add_purchaseheader")}
    actions = [{"side": side, "document_type": document_type, "label": label}
               for side, document_type, label in NEW_DOCUMENTS if allowed[side]]
    return {"contact": contact, "actions": actions, "blocked": contact.privacy_blocked,
            "csrf_token": context.get("csrf_token")}


def interactions_panel_context(request, contact, *, interaction_form=None, email_form=None) -> dict:
    user = request.user
    can_record = user.has_perm("contacts.add_interactionlogentry") and not contact.privacy_blocked
    # A refusal for a form that is not shown (privacy blocked, no e-mail address) is shown above the log.
    hidden = [interaction_form if not can_record else None,
              email_form if not (can_record and contact.email) else None]
    return {
        "contact": contact,
        "request": request,
        "user": user,
        "interactions": list(contact_interactions(contact)),
        "can_record": can_record,
        "interaction_form": interaction_form or InteractionForm(auto_id="id_interaction_%s"),
        "email_form": email_form or ContactEmailForm(auto_id="id_email_%s"),
        "refused_forms": [form for form in hidden if form is not None],
    }


@register.inclusion_tag("documents/contact_panels.html#contact-panels", takes_context=True)
def contact_panels(context, contact):
    request = context["request"]
    user = request.user
    panels = interactions_panel_context(request, contact)
    panels["csrf_token"] = context.get("csrf_token")
    panels["sales_documents"] = (list(contact_documents(SalesHeader, contact))
                                 if user.has_perm("documents.view_salesheader") else None)
    panels["purchase_documents"] = (list(contact_documents(PurchaseHeader, contact))
                                    if user.has_perm("documents.view_purchaseheader") else None)
    return panels
