"""jobs.kinds: each kind of job calls the existing set-based code and reports what it skipped or failed on."""

import pytest

from contacts.bulk import create
from contacts.models import Contact, ContactBusinessRelation, DuplicateSearchString
from jobs import kinds, services
from partners.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_link_dry_run_job_links_nothing_and_reports_the_pairs_it_left(db, start_now):
    factories.ContactFactory(name="Fabrikam Inc.", vat_registration_no="DE123456789", country_code="DE",
                             email="info@fabrikam.test", phone_no="+49 30 111111")
    factories.ContactFactory(name="Adventure Works", email="aw@example.test", phone_no="+1 555 0001")
    factories.CustomerFactory(name="FABRIKAM GMBH", vat_registration_no="123 456 789", country_code="DE",
                              email="sales@fabrikam.test", phone_no="+49 30 111111")
    factories.CustomerFactory(name="Adventure Works LLC", email="other@else.test", phone_no="+1 555 0002")
    factories.marketing_setup()

    job = start_now("link_contacts", {"partner_kind": "customer", "min_score": 0.8, "master": "contact",
                                      "dry_run": True, "report_min": 0.01})

    assert job.status == "succeeded"
    assert not ContactBusinessRelation.objects.exists()
    assert job.done == 1 and job.skipped == 1  # one pair would be linked, one customer stays unlinked
    assert all(line.outcome == "skipped" for line in job.report_lines.all())


def test_a_link_job_without_setup_fails_with_the_setup_message(db, start_now):
    factories.CustomerFactory()

    job = start_now("link_contacts", {"partner_kind": "customer", "min_score": 0.8, "master": "contact",
                                      "dry_run": False})

    assert job.status == "failed" and "Bus. Rel. Code for Customers" in job.error


def test_a_sync_check_job_lists_the_drift_and_a_repair_job_repairs_it(db, start_now):
    customer = factories.CustomerFactory(city="Berlin")
    factories.marketing_setup()
    create.create_contacts_from("customer")
    Customer.objects.filter(pk=customer.pk).update(city="Munich")  # as raw SQL could

    check = start_now("sync_check", {"repair": ""})
    assert (check.status, check.total, check.skipped) == ("succeeded", 1, 1)
    assert "Munich" in check.report_lines.get().reason and Customer.objects.get().city == "Munich"

    repair = start_now("sync_check", {"repair": "contact"})
    assert (repair.status, repair.done, repair.errors) == ("succeeded", 1, 0)
    assert Customer.objects.get().city == "Berlin"


def test_a_find_duplicates_job_rebuilds_the_index(db, start_now):
    factories.marketing_setup()
    factories.ContactFactory.create_batch(3)
    DuplicateSearchString.objects.all().delete()

    job = start_now("find_duplicates", {})

    assert (job.status, job.total, job.done) == ("succeeded", 3, 3)
    assert DuplicateSearchString.objects.values("contact").distinct().count() == Contact.objects.count() == 3


def test_an_all_or_nothing_import_with_a_bad_row_imports_nothing_and_reports_it(numbered_partners, start_now):
    text = "no,name,country_code\nC90001,Good,DE\nC90002,Bad,XX\n"
    upload = services.store_upload("c.csv", text)

    job = start_now("import_csv", {"spec": "customer", "exclude_bad_rows": False}, upload=upload)

    assert job.status == "failed" and "Nothing was imported" in job.error
    assert not Customer.objects.exists()
    assert job.report_lines.get().ref == "line 3"


def test_a_large_import_is_committed_in_batches_with_its_checkpoint(numbered_partners, start_now, monkeypatch):
    monkeypatch.setattr(kinds, "CSV_BATCH", 2)
    rows = "".join(f"C9{i:04d},Firma {i},DE\n" for i in range(5))
    job = start_now("import_csv", {"spec": "customer", "exclude_bad_rows": True},
                    upload=services.store_upload("c.csv", "no,name,country_code\n" + rows))

    assert (job.status, job.total, job.processed, job.done) == ("succeeded", 5, 5, 5)
    assert job.chunks.get().checkpoint["rows"] == 5
    assert Customer.objects.count() == 5
