from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Outbound webhooks: subscriptions, the events of every change (from the one writer of each kind of change),
    signed deliveries through the task queue with retries, and their log."""

    name = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from webhooks import signals

        signals.connect()
