"""The CSV round trip in a real browser (run with ./dev test-browser): search the list, export what it shows,
add new rows with a blank no., import them."""

import re

import pytest
from playwright.sync_api import expect

from contacts.models import ContactBusinessRelation
from partners.models import Customer
from tests import factories

pytestmark = pytest.mark.browser


def test_export_what_the_list_shows_then_import_new_rows_with_the_next_numbers(page, login, users, sync_setup,
                                                                               tmp_path):
    factories.CustomerFactory(no="C9", name="Fabrikam Inc.", city="Seattle")
    factories.CustomerFactory(no="C8", name="Contoso Ltd.", city="London")
    login(page, "sally")
    page.goto("/customers/")
    page.get_by_placeholder(re.compile("Search no., name")).press_sequentially("fabri")
    expect(page.get_by_role("link", name="Contoso Ltd.")).to_have_count(0)
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute("href", re.compile(r"\?q=fabri"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert "Fabrikam Inc." in text and "Contoso" not in text

    lines = text.splitlines()
    header = lines[0].split(",")
    lines[1] = lines[1].replace(",Seattle,", ",Tacoma,")
    lines.append(",".join({"name": "Northwind Traders", "city": "Leeds"}.get(c, "") for c in header))
    edited = tmp_path / "customers.csv"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")

    page.goto("/customers/")
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(str(edited))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("1 new, 1 changed, 0 unchanged")
    expect(preview.get_by_role("row", name=re.compile("Northwind Traders"))).to_contain_text("New, next number")
    expect(preview.get_by_role("row", name=re.compile("Fabrikam"))).to_contain_text("city: Seattle → Tacoma")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported 2 customers.")).to_be_visible()
    northwind = Customer.objects.get(name="Northwind Traders")
    assert northwind.no == "C00001" and Customer.objects.get(no="C9").city == "Tacoma"
    assert ContactBusinessRelation.objects.get(customer=northwind).contact.city == "Leeds"
