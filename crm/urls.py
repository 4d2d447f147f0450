"""The project's URLs: the login, each app's urls (mounted here, the only place crm names an app), the admin.

Customer, vendor and bank account screens are the partners app's own (``partners:``). The contacts app's
urls are mounted at the root: its pages are under ``/contacts/`` except the dialogs it adds to the partner
cards, which keep the partner's path (``/customers/<pk>/link/``; see contacts/urls.py).
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("contacts.urls")),
    path("", include("partners.urls")),
    path("documents/", include("documents.urls")),
    path("admin/", admin.site.urls),
]
