"""The project's URLs: the login, the generic CSV screens, each app's urls (mounted here, the only place crm
names an app), the admin.

Customer, vendor and bank account screens are the partners app's own (``partners:``). The contacts app's
urls are mounted at the root: its pages are under ``/contacts/`` except the dialogs it adds to the partner
cards, which keep the partner's path (``/customers/<pk>/link/``; see contacts/urls.py).
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm import csv_views, views
from crm.login_throttle.throttle import ThrottledAdminLoginForm, ThrottledLoginForm

admin.site.login_form = ThrottledAdminLoginForm  # failed logins are counted and throttled there too

# The generic CSV screens (``csv:export`` / ``csv:import`` with a spec's name); their paths are the ones the
# contact list introduced them with, kept so that bookmarks and links still work.
csv_urls = ([
    path("<str:kind>/export/", csv_views.csv_export, name="export"),
    path("<str:kind>/import/", csv_views.csv_import, name="import"),
], "csv")

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True,
                                                         authentication_form=ThrottledLoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("contacts/csv/", include(csv_urls)),
    path("", include("contacts.urls")),
    path("", include("partners.urls")),
    path("documents/", include("documents.urls")),
    path("jobs/", include("jobs.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
]
