"""The screens of the contacts app, grouped by what they show.

- ``contacts``: the contact list, card (view + edit), new contact, delete;
- ``links``: the synchronization dialogs of both sides — Create as / Link with existing / Unlink on the
  contact card, Create contact / Link with contact / Unlink on the customer, vendor and bank account
  cards — sharing one confirm step;
- ``partner_panel``: what the contacts app shows on the partner pages (``partners.cards`` providers).

Thin views: read (``contacts.selectors``) → validate (``contacts.forms``) → one service call
(``contacts.services``) → render (``crm.htmx.render_page``: the page, or the region an htmx request
targets) or redirect. Every page also works as plain HTML forms and links without JavaScript;
re-rendered forms with errors answer 200 so htmx swaps them in.
"""
