"""URLs of the customer, vendor and bank account screens (namespace ``partners``, mounted at the root by
crm/urls.py): ``/<word>/``, ``/<word>/new/``, ``/<word>/<pk>/``, ``/<word>/<pk>/delete/`` for each kind of
``partners.kinds``, named ``<slug>-list``, ``-create``, ``-detail``, ``-delete`` (``partners:customer-detail``),
and ``/<word>/lookup/`` (``<slug>-lookup``), the suggestions of a number field such as a document's customer.
The views get the ``PartnerKind``.

Other apps' pages about a partner live in their own urls (e.g. the contacts app's "Link with contact" at
``/customers/<pk>/link/``, through the ``<partner_kind:…>`` converter of ``partners.converters``).
"""

from django.urls import path

from partners import kinds, views

app_name = "partners"

urlpatterns = []
for kind in kinds.KINDS.values():
    k = {"kind": kind}
    urlpatterns += [
        path(f"{kind.word}/", views.partner_list, k, name=f"{kind.slug}-list"),
        path(f"{kind.word}/new/", views.partner_create, k, name=f"{kind.slug}-create"),
        path(f"{kind.word}/lookup/", views.partner_lookup, k, name=f"{kind.slug}-lookup"),
        path(f"{kind.word}/<int:pk>/", views.partner_detail, k, name=f"{kind.slug}-detail"),
        path(f"{kind.word}/<int:pk>/delete/", views.partner_delete, k, name=f"{kind.slug}-delete"),
    ]
