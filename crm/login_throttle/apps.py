from django.apps import AppConfig


class LoginThrottleConfig(AppConfig):
    """Failed logins counted per user name and address; the login forms refuse after too many (``throttle``)."""

    name = "crm.login_throttle"
    label = "login_throttle"
    verbose_name = "Login throttle"
    default_auto_field = "django.db.models.BigAutoField"
