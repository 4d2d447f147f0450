"""Quotes get a validity date (BC: Quote Valid Until Date), printed on the quote and edited on its card."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0007_company_information'),
    ]

    operations = [
        migrations.AddField(
            model_name='purchaseheader',
            name='quote_valid_until',
            field=models.DateField(blank=True, help_text="Quotes only: the last day the offer holds (BC's Quote Valid Until Date).", null=True, verbose_name='quote valid until'),
        ),
        migrations.AddField(
            model_name='salesheader',
            name='quote_valid_until',
            field=models.DateField(blank=True, help_text="Quotes only: the last day the offer holds (BC's Quote Valid Until Date).", null=True, verbose_name='quote valid until'),
        ),
    ]
