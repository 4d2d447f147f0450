"""A contact's VAT registration no. is checked against its country (python-stdnum) on the card, in the
admin and in CSV imports; the matcher compares numbers in stdnum's compact form without the prefix."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.csv_specs import CONTACT_CSV
from contacts.matching import model, normalize_vat
from tests.contacts.matching.helpers import scored
from contacts.models import Contact
from crm import csv_io
from tests import factories
from tests.admin_forms import admin_form_data
from tests.screens import form_data

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict:
    try:
        instance.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


@pytest.mark.parametrize("country, value", [
    ("DE", "DE136695976"), ("FR", "FR 40 303 265 045"), ("GB", "GB980780684"), ("NL", "NL004495445B01"),
    ("PL", "PL5260250274"), ("GR", "EL094014201"), ("US", "12-3456789"), ("", "whatever"), ("FR", ""),
])
def test_a_contact_with_a_valid_vat_no_of_its_country_passes(country, value):
    assert "vat_registration_no" not in errors_of(factories.ContactFactory.build(country_code=country,
                                                                                vat_registration_no=value))


@pytest.mark.parametrize("country, value, message", [
    ("DE", "DE 12345678", "“DE 12345678” is not a valid VAT registration no. of Germany: it has too many or too few "
                          "characters. A VAT no. of Germany is DE followed by 9 digits."),
    ("FR", "FR40303265046", "not a valid VAT registration no. of France"),
    ("GB", "GB980780685", "not a valid VAT registration no. of United Kingdom"),
    ("NL", "NL004495445B0", "not a valid VAT registration no. of Netherlands"),
    ("PL", "PL5260250275", "not a valid VAT registration no. of Poland"),
    ("GR", "EL094014202", "not a valid VAT registration no. of Greece"),
])
def test_a_contact_with_an_invalid_vat_no_is_refused_with_the_country_and_format(country, value, message):
    contact = factories.ContactFactory.build(country_code=country, vat_registration_no=value)
    assert message in errors_of(contact)["vat_registration_no"][0]


def test_a_vat_no_error_comes_with_the_contacts_other_errors():
    contact = factories.ContactFactory.build(country_code="DE", vat_registration_no="DE1", minor=True)
    assert {"vat_registration_no", "privacy_blocked"} <= set(errors_of(contact))


def test_the_contact_card_refuses_an_invalid_vat_no_and_keeps_the_valid_one_in_capitals(sales):
    company = factories.ContactFactory(no="CT000010", name="Fabrikam Inc.", country_code="PL")
    data = form_data(sales.get(company.get_absolute_url()).context["form"])
    data["vat_registration_no"] = "PL 526 025 02 75"
    response = sales.post(company.get_absolute_url(), data)
    assert response.status_code == 200
    assert "is not a valid VAT registration no. of Poland: its check digit does not match" in response.content.decode()
    assert Contact.objects.get(pk=company.pk).vat_registration_no == ""
    data["vat_registration_no"] = "pl 526 025 02 74"
    assert sales.post(company.get_absolute_url(), data).status_code == 302
    assert Contact.objects.get(pk=company.pk).vat_registration_no == "PL 526 025 02 74"


def test_the_admin_refuses_an_invalid_vat_no_on_a_contact(admin_client):
    company = factories.ContactFactory(no="CT000010", name="Fabrikam Inc.", country_code="GR")
    url = reverse("admin:contacts_contact_change", args=[company.pk])
    data = admin_form_data(admin_client, url)
    data["vat_registration_no"] = "EL094014202"
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "not a valid VAT registration no. of Greece" in response.content.decode()
    assert Contact.objects.get(pk=company.pk).vat_registration_no == ""


def test_csv_import_of_contacts_refuses_an_invalid_vat_no():
    text = ("no,name,country_code,vat_registration_no\n"
            "CT1,Gute GmbH,DE,DE136695976\n"
            "CT2,Falsche GmbH,DE,DE123456789\n"
            "CT3,Ελληνική Α.Ε.,GR,EL094014201\n")
    preview = csv_io.preview(CONTACT_CSV, text)
    assert [row.ok for row in preview.rows] == [True, False, True]
    assert "not a valid VAT registration no. of Germany" in " ".join(preview.rows[1].errors)
    with pytest.raises(ValidationError):
        csv_io.run_import(CONTACT_CSV, text)
    assert not Contact.objects.exists()


@pytest.mark.parametrize("typed, other", [
    ("DE 123 456 789", "de123456789"),
    ("ATU 1358-5627", "U13585627"),
    ("EL 094.014.201", "GR094014201"),
    ("ES X-1234567-X", "x1234567x"),
    ("NL 0044.95445.B01", "004495445b01"),
])
def test_the_matcher_compares_vat_nos_in_stdnums_compact_form_without_the_prefix(typed, other):
    assert normalize_vat(typed) == normalize_vat(other)
    result = scored({"pk": 1, "name": "Fabrikam", "vat_registration_no": typed},
                    {"pk": 2, "name": "FABRIKAM GMBH", "vat_registration_no": other})
    assert "VAT registration no. agrees +" in model.explain(result, 0) and result.probability[0] > 0.999
