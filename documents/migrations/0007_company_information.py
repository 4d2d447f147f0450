"""Company Information: our name, address, VAT registration no. and bank for printed documents. Re-running
create_roles gives Administrators its permissions (crm.roles)."""

import crm.validators
import django.core.validators
from django.db import migrations, models

from crm.roles import create_roles


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0006_line_version'),
        ('crm', '0001_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='CompanyInformation',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False)),
                ('name', models.CharField(blank=True, max_length=100)),
                ('address', models.CharField(blank=True, max_length=100)),
                ('address_2', models.CharField(blank=True, max_length=50)),
                ('post_code', models.CharField(blank=True, max_length=20)),
                ('city', models.CharField(blank=True, max_length=30)),
                ('country_code', models.CharField(blank=True, help_text='ISO 3166 code, e.g. DE.', max_length=2, validators=[crm.validators.validate_country_code], verbose_name='country')),
                ('phone_no', models.CharField(blank=True, max_length=30, validators=[django.core.validators.RegexValidator('^[0-9+()./\\- ]*$', 'A phone number may contain only digits, spaces and + ( ) - . /', code='invalid_phone')], verbose_name='phone no.')),
                ('email', models.EmailField(blank=True, max_length=80, verbose_name='e-mail')),
                ('home_page', models.CharField(blank=True, max_length=80)),
                ('vat_registration_no', models.CharField(blank=True, max_length=20, verbose_name='VAT registration no.')),
                ('local_currency_code', models.CharField(blank=True, help_text='ISO 4217 code, e.g. EUR: the currency of documents that have none of their own.', max_length=3, validators=[crm.validators.validate_currency_code], verbose_name='local currency')),
                ('bank_name', models.CharField(blank=True, max_length=100)),
                ('iban', models.CharField(blank=True, max_length=50, validators=[crm.validators.validate_iban], verbose_name='IBAN')),
                ('swift_code', models.CharField(blank=True, max_length=20, validators=[crm.validators.validate_bic], verbose_name='SWIFT code')),
            ],
            options={
                'verbose_name': 'company information',
                'verbose_name_plural': 'company information',
                'abstract': False,
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='documents_companyinformation_single_row')],
            },
        ),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
