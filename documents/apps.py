from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Sales and purchase quotes/orders started from contacts; printing and e-mailing them logs interactions."""

    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from documents import signals

        signals.connect()
