"""URLs of the customer, vendor and bank account screens (namespace ``partners``)."""

from django.urls import path

from contacts import partner_views as views

urlpatterns = []
for kind, prefix, plural in (("customer", "customer", "customers"), ("vendor", "vendor", "vendors"),
                             ("bank_account", "bank-account", "bank-accounts")):
    k = {"kind": kind}
    urlpatterns += [
        path(f"{plural}/", views.partner_list, k, name=f"{prefix}-list"),
        path(f"{plural}/new/", views.partner_create, k, name=f"{prefix}-create"),
        path(f"{plural}/<int:pk>/", views.partner_detail, k, name=f"{prefix}-detail"),
        path(f"{plural}/<int:pk>/create-contact/", views.partner_create_contact, k, name=f"{prefix}-create-contact"),
        path(f"{plural}/<int:pk>/link/", views.partner_link, k, name=f"{prefix}-link"),
        path(f"{plural}/<int:pk>/unlink/", views.partner_unlink, k, name=f"{prefix}-unlink"),
        path(f"{plural}/<int:pk>/delete/", views.partner_delete, k, name=f"{prefix}-delete"),
    ]
