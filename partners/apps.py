from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """The ledger side: customers, vendors, bank accounts. It knows nothing of contacts; other apps add to its
    pages through ``partners.cards``."""

    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        from partners import csv_specs  # noqa: F401 - registers the CSV columns with crm.csv_io
