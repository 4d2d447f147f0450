from django.urls import include, path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
]
urlpatterns += [
    path("<int:pk>/create-as/<str:kind>/", views.contact_create_as, name="create-as"),
    path("<int:pk>/link/<str:kind>/", views.contact_link, name="link"),
    path("<int:pk>/unlink/<str:kind>/", views.contact_unlink, name="unlink"),
]
urlpatterns += [path("duplicates/", include("contacts.duplicate_urls"))]  # bulk: the Duplicates page
urlpatterns += [path("csv/", include("contacts.csv_urls"))]  # bulk: CSV export / import
