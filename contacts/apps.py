from django.apps import AppConfig


class ContactsConfig(AppConfig):
    """The CRM side. It listens to partners' model signals and keeps both sides in step."""

    name = "contacts"
    verbose_name = "Contacts"

    def ready(self):
        from contacts import signals

        signals.connect()
