from django.apps import AppConfig


class ContactsConfig(AppConfig):
    """The CRM side. It listens to partners' model signals and keeps both sides in step, and shows the linked
    contact on the partner pages through ``partners.cards``."""

    name = "contacts"
    verbose_name = "Contacts"

    def ready(self):
        from contacts import csv_specs, signals, sync  # noqa: F401 - csv_specs registers the CSV columns
        from contacts.models import Contact
        from contacts.views import partner_panel
        from crm import concurrency
        from partners import cards, kinds

        signals.connect()
        for model in [Contact, *(kind.model for kind in kinds.KINDS.values())]:
            concurrency.register_lock_order(model, sync.lock_contacts_before)
        cards.card_panels.register(partner_panel.linked_contact)
        cards.delete_notes.register(partner_panel.contact_kept)
