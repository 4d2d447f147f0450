"""What the contacts app shows on the customer, vendor and bank account pages, as ``partners.cards``
providers (registered by ``ContactsConfig.ready``): the card's "Contact" panel and the delete page's note
on the linked contact, which stays."""

from contacts import selectors
from contacts.views.links import may_create_contact, may_link
from partners.cards import Panel

TEMPLATE = "contacts/partner_panels.html"


def linked_contact(request, kind, partner):
    """The card's "Contact" panel: the linked contact and its primary contact with *Unlink*; without one,
    *Create contact* and *Link with contact*."""
    return Panel(f"{TEMPLATE}#contact-panel", {
        "kind": kind, "partner": partner,
        "link": selectors.partner_link(partner, kind),
        "can_link": may_link(request.user, kind),
        "can_create_contact": may_create_contact(request.user, kind),
        "refusals": selectors.partner_side_refusals(kind),
    })


def contact_kept(request, kind, partner):
    """The delete page's note: the linked contact stays, only the link goes."""
    link = selectors.partner_link(partner, kind)
    return Panel(f"{TEMPLATE}#contact-kept", {"kind": kind, "link": link},
                 after_delete=f"Contact {link.contact.no} {link.contact.name} was kept." if link else "")
