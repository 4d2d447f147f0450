"""A job started from the browser (run with ./dev test-browser): an administrator asks for contacts from the
customers, sees the dry-run count, starts the job, watches it reach 100 % and downloads its report.

The live server runs on the test settings' immediate task backend (the job runs within the start request);
real worker processes are tests/jobs/test_worker.py's.
"""

import pytest
from playwright.sync_api import expect

from contacts.models import ContactBusinessRelation
from partners.models import Customer
from tests import factories

pytestmark = pytest.mark.browser


def test_an_administrator_starts_a_create_contacts_job_and_downloads_its_report(page, login, users):
    customers = factories.CustomerFactory.create_batch(4)
    Customer.objects.filter(pk=customers[0].pk).update(email="nicht-gültig")
    factories.marketing_setup()
    login(page, "boss")

    page.get_by_role("link", name="Jobs").click()
    page.get_by_role("link", name="Create contacts from partners…").click()
    page.get_by_label("Create contacts from").select_option("customer")
    page.get_by_role("button", name="Show what it will do").click()
    expect(page.locator("#preview-text")).to_contain_text("Will create 4 contacts from customers")

    page.get_by_role("button", name="Start the job").click()
    expect(page.locator("#job-status")).to_have_text("Succeeded")
    expect(page.locator("#job-percent")).to_have_text("100 %")
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    expect(page.locator("#job-done")).to_have_text("3")
    expect(page.locator("#job-errors")).to_have_text("1")
    assert ContactBusinessRelation.objects.count() == 3

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (CSV)").click()
    report = download.value.path().read_text(encoding="utf-8")
    assert report.splitlines()[0] == "row,outcome,reason"
    assert customers[0].no in report and "nicht-gültig" in report

    page.get_by_role("link", name="All jobs").click()
    expect(page.locator("td.job-status").first).to_have_text("Succeeded")


def test_the_jobs_screens_fit_a_phone(page, login, users):
    factories.CustomerFactory(name="Ελληνική Εταιρεία Εισαγωγών και Εξαγωγών Ανώνυμη Εταιρεία")
    factories.marketing_setup()
    login(page, "boss")
    page.goto("/jobs/new/create_contacts/")
    page.get_by_role("button", name="Show what it will do").click()
    page.get_by_role("button", name="Start the job").click()
    expect(page.locator("#job-status")).to_have_text("Succeeded")
    card = page.url
    page.set_viewport_size({"width": 390, "height": 844})

    for url in ("/jobs/", "/jobs/new/create_contacts/", "/jobs/new/import_csv/", card):
        page.goto(url)
        page.wait_for_load_state()
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"{url} scrolls sideways at 390 px: {width} px wide"
