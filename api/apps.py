from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API at /api/v1/ (django-ninja): API keys, idempotent POSTs, the change feed. Its routers call the
    apps' services and selectors; it has no rule of its own."""

    name = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"
