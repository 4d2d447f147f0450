from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("from-contact/<int:contact_pk>/<str:side>/<str:document_type>/", views.document_from_contact,
         name="from-contact"),
    path("contacts/<int:contact_pk>/interactions/", views.contact_record_interaction, name="record-interaction"),
    path("contacts/<int:contact_pk>/email/", views.contact_send_email, name="email-contact"),
]

for side in ("sales", "purchase"):
    kwargs = {"side": side}
    urlpatterns += [
        path(f"{side}/", views.document_list, kwargs, name=f"{side}-list"),
        path(f"{side}/<int:pk>/", views.document_detail, kwargs, name=f"{side}-detail"),
        path(f"{side}/<int:pk>/lines/", views.line_add, kwargs, name=f"{side}-line-add"),
        path(f"{side}/<int:pk>/lines/<int:line_pk>/", views.line_edit, kwargs, name=f"{side}-line-edit"),
        path(f"{side}/<int:pk>/lines/<int:line_pk>/delete/", views.line_delete, kwargs, name=f"{side}-line-delete"),
        path(f"{side}/<int:pk>/preview/", views.document_preview, kwargs, name=f"{side}-preview"),
        path(f"{side}/<int:pk>/print/", views.document_print, kwargs, name=f"{side}-print"),
        path(f"{side}/<int:pk>/email/", views.document_email, kwargs, name=f"{side}-email"),
        path(f"{side}/<int:pk>/make-order/", views.document_make_order, kwargs, name=f"{side}-make-order"),
        path(f"{side}/<int:pk>/release/", views.document_status, {**kwargs, "action": "release"},
             name=f"{side}-release"),
        path(f"{side}/<int:pk>/reopen/", views.document_status, {**kwargs, "action": "reopen"},
             name=f"{side}-reopen"),
    ]
