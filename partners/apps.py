from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """The ledger side: customers, vendors, bank accounts. It knows nothing of contacts."""

    name = "partners"
    verbose_name = "Partners"
