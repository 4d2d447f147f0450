from django.db import migrations, models

CHUNK = 2000


def fill_records(apps, schema_editor):
    """Each index row gets its contact's record (and the signature computed from it), so that candidates
    are scored from the index alone. Pairs found before stay as they are."""
    from contacts.duplicates.index import CONTACT_FIELDS, IndexRow, index_rows
    from contacts.matching.records import Records

    Contact = apps.get_model("contacts", "Contact")
    DuplicateSearchString = apps.get_model("contacts", "DuplicateSearchString")
    ids = list(DuplicateSearchString.objects.order_by("contact_id").values_list("contact_id", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = index_rows(Records.from_rows(list(Contact.objects.filter(pk__in=chunk).values(*CONTACT_FIELDS))))
        DuplicateSearchString.objects.filter(contact_id__in=chunk).delete()
        DuplicateSearchString.objects.bulk_create(
            [DuplicateSearchString(**dict(zip(IndexRow._fields, row, strict=True))) for row in rows])


class Migration(migrations.Migration):
    dependencies = [("contacts", "0008_contact_no_page_index")]

    operations = [
        migrations.AddField(
            model_name="duplicatesearchstring",
            name="record",
            field=models.TextField(blank=True, help_text="Every value the matcher compares, normalized "
                                                         "(contacts.matching.records.Records.as_strings)."),
        ),
        migrations.RunPython(fill_records, migrations.RunPython.noop, elidable=True),
    ]
