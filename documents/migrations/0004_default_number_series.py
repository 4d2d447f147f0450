"""Give Document Setup a number series per document type on a new installation (as BC ships them), so
documents can be started right away. A series already chosen in Document Setup is left alone."""

from django.db import migrations

DEFAULTS = {  # Document Setup field: (series code, description, starting number)
    "sales_quote_nos": ("S-QUO", "Sales quotes", "SQ000001"),
    "sales_order_nos": ("S-ORD", "Sales orders", "SO000001"),
    "sales_blanket_order_nos": ("S-BLK", "Blanket sales orders", "SB000001"),
    "purchase_quote_nos": ("P-QUO", "Purchase quotes", "PQ000001"),
    "purchase_order_nos": ("P-ORD", "Purchase orders", "PO000001"),
}


def fill_document_setup(apps, schema_editor):
    DocumentSetup = apps.get_model("documents", "DocumentSetup")
    NoSeries = apps.get_model("partners", "NoSeries")
    setup, _ = DocumentSetup.objects.get_or_create(pk=1)
    for field, (code, description, starting_no) in DEFAULTS.items():
        if getattr(setup, f"{field}_id") is None:
            series, _ = NoSeries.objects.get_or_create(
                code=code, defaults={"description": description, "starting_no": starting_no})
            setattr(setup, field, series)
    setup.save()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_line_no_optional"),
        ("partners", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill_document_setup, migrations.RunPython.noop)]
