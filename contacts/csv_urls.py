"""CSV export/import URLs (included by contacts.urls: ``contacts:csv-export`` / ``contacts:csv-import``)."""

from django.urls import path

from contacts import csv_views as views

urlpatterns = [
    path("<str:kind>/export/", views.csv_export, name="csv-export"),
    path("<str:kind>/import/", views.csv_import, name="csv-import"),
]
