"""In headless Chromium: a quote for a Japanese customer, with our Greek company as the letterhead and a line typed
in Cyrillic, Polish and Greek, is given a validity date, printed and previewed; the text of the PDF the browser
downloads is what was typed, and the preview shows the same.

Runs with the browser tests (``./dev test-browser``); uses the harness of tests/browser/conftest.py.
"""

from pathlib import Path

import pytest

from documents.models import CompanyInformation, DocumentSetup, SalesHeader
from tests import factories
from tests.browser.conftest import _browser, log_in, new_page, page, users  # noqa: F401 (the harness's fixtures)
from tests.documents.conftest import SERIES, link, pdf_text

pytestmark = pytest.mark.browser

LINE = "Доставка – Łódź → Αθήνα (€)"


@pytest.fixture
def yamada(transactional_db):
    """Document Setup, our company, and a Japanese company contact linked to a customer."""
    setup = DocumentSetup.load()
    for field, (code, starting_no) in SERIES.items():
        setattr(setup, field, factories.NoSeriesFactory(code=code, starting_no=starting_no))
    setup.save()
    CompanyInformation.objects.create(name="Ελληνική Εταιρεία Α.Ε.", address="Οδός Ερμού 25", post_code="105 63",
                                      city="Αθήνα", country_code="GR", vat_registration_no="EL094014201",
                                      local_currency_code="EUR", iban="GR1601101250000000012300695")
    where = {"address": "千代田区丸の内1-1", "post_code": "100-0005", "city": "東京", "country_code": "JP"}
    company = factories.ContactFactory(no="KT000020", name="株式会社山田商事", **where)
    link(company, factories.CustomerFactory(no="C00020", name="株式会社山田商事", contact="山田太郎", **where))
    return company


def test_a_quote_printed_in_the_browser_has_every_name_as_typed_and_the_preview_the_same(page, users, yamada,
                                                                                          tmp_path):
    log_in(page, "sally")
    page.goto(yamada.get_absolute_url())
    page.get_by_text("New document").click()
    page.get_by_role("button", name="New sales quote").click()
    page.wait_for_url("**/documents/sales/*/")
    quote = SalesHeader.objects.get()

    header = page.locator("#header-form")
    header.get_by_label("Quote valid until").fill("2026-12-31")
    header.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    form = page.locator("#add-line")
    form.get_by_label("Description").fill(LINE)
    form.get_by_label("Quantity").fill("2")
    form.get_by_label("Unit price").fill("1234.5")
    form.get_by_role("button", name="Add line").click()
    page.locator("#lines").get_by_text(LINE).wait_for()

    with page.expect_download() as download:
        page.get_by_role("button", name="Print").click()
    path = tmp_path / "quote.pdf"
    download.value.save_as(path)
    text = pdf_text(Path(path).read_bytes())
    lines = text.splitlines()
    for expected in (f"Sales Quote {quote.no}", "株式会社山田商事", "Attn. 山田太郎", "千代田区丸の内1-1", "100-0005 東京",
                     "Ελληνική Εταιρεία Α.Ε.", "Οδός Ερμού 25", "105 63 Αθήνα", "VAT reg. no. EL094014201"):
        assert expected in lines
    for expected in (LINE, "Valid until 2026-12-31", "Currency EUR", "2,469.00", "Total EUR 2,469.00",
                     "IBAN GR1601101250000000012300695"):
        assert expected in text

    page.goto(f"/documents/sales/{quote.pk}/preview/")
    assert page.locator("#company").inner_text().splitlines()[0] == "Ελληνική Εταιρεία Α.Ε."
    assert page.locator("#addressee").inner_text().splitlines() == [
        "株式会社山田商事", "Attn. 山田太郎", "千代田区丸の内1-1", "100-0005 東京", "JP"]
    assert page.locator("#printed-lines").get_by_text(LINE).is_visible()
    assert page.locator("#printed-total").inner_text() == "2,469.00"
    assert "Valid until\n2026-12-31" in page.locator("#facts").inner_text()
