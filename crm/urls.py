from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("contacts/", include("contacts.urls")),
    # Customer, vendor and bank account screens show the linked contact, so the CRM side serves them;
    # the partners app itself stays free of contacts (DESIGN §2).
    path("", include(("contacts.partner_urls", "partners"))),
    path("documents/", include("documents.urls")),
    path("admin/", admin.site.urls),
]
