from django.apps import AppConfig


class CrmConfig(AppConfig):
    """The project package as an app: shared templates' context, roles (groups) and their migration."""

    name = "crm"
    verbose_name = "CRM"
