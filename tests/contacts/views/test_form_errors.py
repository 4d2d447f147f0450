"""Errors sit next to their field; a long form also lists the fields to fix at its top
(templates/_partials/form.html)."""

import re

import pytest

from tests import factories
from tests.screens import form_data


@pytest.fixture
def company(db):
    return factories.ContactFactory(name="Fabrikam Inc.", phone_no="+1 555 0100")


def test_a_long_form_lists_the_fields_to_fix_at_the_top_with_links_to_them(sales, company):
    data = form_data(sales.get(company.get_absolute_url()).context["form"])
    data |= {"email": "not-an-email", "phone_no": "call me maybe"}
    page = sales.post(company.get_absolute_url(), data).content.decode()
    summary = re.search(r'<div class="message error form-summary" role="alert">(.*?)</div>', page, re.S).group(1)
    assert '<a href="#id_email">E-mail</a>: Enter a valid email address.' in summary
    assert '<a href="#id_phone_no">Phone no.</a>' in summary
    # ... and each error is also next to its own field
    email_field = re.search(r'<div class="field has-error">\s*<label for="id_email">.*?</div>\s*</div>', page, re.S)
    assert "Enter a valid email address." in email_field.group(0)


def test_a_form_without_field_errors_has_no_summary(sales, company):
    page = sales.get(company.get_absolute_url()).content.decode()
    assert "form-summary" not in page
