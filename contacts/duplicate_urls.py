"""URLs of the Duplicates page (included by contacts.urls, so in the ``contacts`` namespace)."""

from django.urls import path

from contacts import duplicate_views as views

urlpatterns = [
    path("", views.duplicate_list, name="duplicates"),
    path("<int:pk>/not-a-duplicate/", views.duplicate_separate, name="duplicate-separate"),
    path("<int:pk>/merge/", views.duplicate_merge, name="duplicate-merge"),
]
