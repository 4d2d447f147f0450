"""The Jobs screens: start a job from its form (dry-run count first), the list and card with their query
bounds, the report CSV, cancel and resume, roles; refusals are messages, never a 500."""

import csv
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import Contact
from crm.roles import create_roles
from jobs import services
from jobs.models import Job, JobChunk, JobReportLine, Status
from partners.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db

JOB_SCREEN_QUERIES = 12


@pytest.fixture
def operator(client, db):
    create_roles(apps)
    user = factories.UserFactory(username="otto")
    user.groups.add(Group.objects.get(name="Operations"))
    client.force_login(user)
    return client


def test_the_create_form_shows_the_dry_run_count_then_starts_the_job(operator, customers_then_setup,
                                                                     django_capture_on_commit_callbacks):
    customers_then_setup(3)
    url = reverse("jobs:new", args=["create_contacts"])

    preview = operator.post(url, {"partner_kind": "customer", "preview": "1"})
    assert "Will create 3 contacts from customers" in preview.content.decode()
    assert not Job.objects.exists() and not Contact.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(url, {"partner_kind": "customer", "start": "1"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.done, job.started_by.username) == (Status.SUCCEEDED, 3, "otto")
    card = operator.get(response["Location"]).content.decode()
    assert "Succeeded" in card and 'value="100"' in card


def test_a_refused_start_is_a_message_on_the_form(operator, db):
    factories.CustomerFactory()  # no Marketing Setup

    response = operator.post(reverse("jobs:new", args=["create_contacts"]), {"partner_kind": "customer",
                                                                               "start": "1"})

    assert response.status_code == 200
    assert 'id="job-errors"' in response.content.decode()
    assert not Job.objects.exists()


def test_bad_options_are_shown_next_to_their_field(operator, db):
    response = operator.post(reverse("jobs:new", args=["link_contacts"]),
                             {"partner_kind": "planets", "min_score": "0", "master": "contact", "start": "1"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Job.objects.exists()


def test_an_unknown_kind_of_job_is_not_found(operator):
    assert operator.get(reverse("jobs:new", args=["format_disk"])).status_code == 404


def test_the_list_and_card_take_a_bounded_number_of_queries(operator, customers_then_setup,
                                                            django_assert_max_num_queries):
    customers_then_setup(2)
    for kind in ("customer", "vendor", "bank_account"):
        job = services.start_job("create_contacts", {"partner_kind": kind}, enqueue=False)
    JobReportLine.objects.bulk_create(JobReportLine(job=job, ref=f"B{i}", outcome="skipped", reason="x")
                                      for i in range(30))

    with django_assert_max_num_queries(JOB_SCREEN_QUERIES):
        listing = operator.get(reverse("jobs:list"))
    with django_assert_max_num_queries(JOB_SCREEN_QUERIES):
        card = operator.get(reverse("jobs:detail", args=[job.pk]))

    assert listing.status_code == card.status_code == 200
    assert "from bank accounts" in listing.content.decode()
    assert 'hx-trigger="every' in card.content.decode()  # a queued job polls its progress


def test_the_report_lists_each_skipped_row_with_its_reason(operator, customers_then_setup):
    customers = customers_then_setup(2)
    Customer.objects.filter(pk=customers[0].pk).update(email="=cmd|' /C calc'!A0")
    job = services.run_job_inline(services.start_job("create_contacts", {"partner_kind": "customer"},
                                                     enqueue=False))
    JobReportLine.objects.create(job=job, ref="=1+1", outcome="error", reason="@SUM(A1)")

    response = operator.get(reverse("jobs:report", args=[job.pk]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["row", "outcome", "reason"]
    assert rows[1][:2] == [customers[0].no, "error"]
    assert "(=cmd|' /C calc'!A0) is not an e-mail address" in rows[1][2]
    assert rows[2] == ["'=1+1", "error", "'@SUM(A1)"]  # a formula is written as text


def test_cancel_and_resume_from_the_card(operator, customers_then_setup, django_capture_on_commit_callbacks):
    customers_then_setup(2)
    job = services.start_job("create_contacts", {"partner_kind": "customer"}, enqueue=False)

    operator.post(reverse("jobs:cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    again = operator.post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    assert "already cancelled" in again.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        operator.post(reverse("jobs:resume", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.done) == (Status.SUCCEEDED, 2)


def test_an_interrupted_job_is_shown_as_such_with_resume(operator, customers_then_setup):
    customers_then_setup(1)
    job = services.start_job("create_contacts", {"partner_kind": "customer"}, enqueue=False)
    JobChunk.objects.filter(job=job).update(status=Status.RUNNING, heartbeat_at=None)
    Job.objects.filter(pk=job.pk).update(status=Status.RUNNING)

    page = operator.get(reverse("jobs:detail", args=[job.pk])).content.decode()

    assert "Interrupted" in page and reverse("jobs:resume", args=[job.pk]) in page


def test_a_csv_import_job_imports_the_good_rows_and_reports_the_bad_ones(operator, db, numbered_partners,
                                                                        django_capture_on_commit_callbacks):
    text = "no,name,country_code\nC90001,Łódź Trading,PL\nC90002,Bad Country,XX\nC90003,テスト株式会社,JP\n"
    url = reverse("jobs:new", args=["import_csv"])

    preview = operator.post(url, {"spec": "customer", "exclude_bad_rows": "on", "preview": "1",
                                  "file": SimpleUploadedFile("c.csv", text.encode())})
    body = preview.content.decode()
    assert "Will import 2 of 3 rows" in body
    upload = preview.context["upload"]

    with django_capture_on_commit_callbacks(execute=True):
        operator.post(url, {"spec": "customer", "exclude_bad_rows": "on", "upload": upload.pk, "start": "1"})
    job = Job.objects.get()
    job.refresh_from_db()
    assert (job.status, job.done, job.errors) == (Status.SUCCEEDED, 2, 1)
    assert set(Customer.objects.values_list("no", flat=True)) == {"C90001", "C90003"}
    assert job.report_lines.get().ref == "line 3"
    again = operator.post(url, {"spec": "customer", "exclude_bad_rows": "on", "upload": upload.pk, "start": "1"})
    assert again.status_code == 200 and Job.objects.count() == 1  # a file is imported once


def test_a_role_without_jobs_sees_no_jobs(sales):
    assert sales.get(reverse("jobs:list")).status_code == 403
    assert "Jobs" not in sales.get(reverse("contacts:list")).content.decode().split("<main")[0]


def test_operations_sees_jobs_in_the_navigation(operator):
    assert 'href="/jobs/"' in operator.get(reverse("jobs:list")).content.decode()
