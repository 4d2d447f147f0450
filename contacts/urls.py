"""Every URL of the contacts app (namespace ``contacts``), in one module mounted at the root by crm/urls.py.

Most pages live under ``/contacts/``. The dialogs the contacts app adds to the customer, vendor and bank
account cards ("Create contact", "Link with contact", "Unlink") keep the partner's path —
``/customers/<pk>/link/`` — because they are pages about that partner; the partners app serves the card
and knows nothing of them (DESIGN §2). That is why this module is mounted at the root rather than under
``contacts/``: one include, one namespace, and the paths read here in full. ``<partner_kind:kind>``
(``partners.converters``) matches the partner kinds' URL words and hands the view the ``PartnerKind``;
reverse with the kind or its key: ``{% url 'contacts:partner-link' kind partner.pk %}``.
"""

from django.urls import path

from contacts.duplicates import views as duplicate_views
from contacts.views import contacts, links, lookup, review
from partners import converters  # noqa: F401 - registers <partner_kind:…>

app_name = "contacts"

urlpatterns = [
    # The contact screens
    path("contacts/", contacts.contact_list, name="list"),
    path("contacts/new/", contacts.contact_create, name="create"),
    path("contacts/lookup/", lookup.contact_lookup, name="lookup"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="detail"),
    path("contacts/<int:pk>/delete/", contacts.contact_delete, name="delete"),
    # Synchronization dialogs from the contact card
    path("contacts/<int:pk>/create-as/<str:kind>/", links.contact_create_as, name="create-as"),
    path("contacts/<int:pk>/link/<str:kind>/", links.contact_link, name="link"),
    path("contacts/<int:pk>/unlink/<str:kind>/", links.contact_unlink, name="unlink"),
    # … and from the customer, vendor and bank account cards
    path("<partner_kind:kind>/<int:pk>/create-contact/", links.partner_create_contact,
         name="partner-create-contact"),
    path("<partner_kind:kind>/<int:pk>/link/", links.partner_link, name="partner-link"),
    path("<partner_kind:kind>/<int:pk>/unlink/", links.partner_unlink, name="partner-unlink"),
    # The Duplicates page
    path("contacts/duplicates/", duplicate_views.duplicate_list, name="duplicates"),
    path("contacts/duplicates/<int:pk>/not-a-duplicate/", duplicate_views.duplicate_separate,
         name="duplicate-separate"),
    path("contacts/duplicates/<int:pk>/merge/", duplicate_views.duplicate_merge, name="duplicate-merge"),
    # The matcher's review band (link_contacts)
    path("contacts/matches/review/", review.review_list, name="match-review"),
    path("contacts/matches/review/<int:pk>/accept/", review.review_decide, {"decision": "accept"},
         name="match-accept"),
    path("contacts/matches/review/<int:pk>/reject/", review.review_decide, {"decision": "reject"},
         name="match-reject"),
]
