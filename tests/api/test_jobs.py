"""/api/v1/jobs: the Jobs screens over the API — start (the forms' option checks, dry-run count, Idempotency-Key),
list (filters, cursor, sparse fields), retrieve with ETag, the report CSV, cancel and resume — with the screens'
roles and problem-details refusals."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission, User

from api.models import ApiKey, Scope
from contacts.models import Contact
from jobs import services
from jobs.models import Job, JobChunk, Status
from partners.models import Customer
from tests import factories
from tests.api.conftest import ApiClient, key_for

JOB_LIST_QUERIES = 5  # the key, the role's permissions (2), the jobs with who started them, chunks


@pytest.fixture
def api_operations(roles):
    return ApiClient(key_for("Operations", "otto")[1])


@pytest.fixture
def queued_job(customers_then_setup):
    customers_then_setup(2)
    return services.start_job("create_contacts", {"partner_kind": "customer"}, enqueue=False)


def test_operations_previews_then_starts_a_job_that_a_worker_runs(api_operations, customers_then_setup,
                                                                  django_capture_on_commit_callbacks):
    customers_then_setup(3)
    preview = api_operations.post("/jobs", {"kind": "create_contacts", "options": {"partner_kind": "customer"},
                                            "dry_run": True})
    assert preview.status_code == 200, preview.content
    assert preview.json()["preview"].startswith("Will create 3 contacts from customers")
    assert not Job.objects.exists() and not Contact.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        started = api_operations.post("/jobs", {"kind": "create_contacts", "options": {"partner_kind": "customer"}})
    assert started.status_code == 201, started.content
    job = started.json()
    assert started["Location"].endswith(f"/jobs/{job['id']}")
    assert (job["kind"], job["started_by"], job["options"]["partner_kind"]) == ("create_contacts", "otto", "customer")

    card = api_operations.get(f"/jobs/{job['id']}")
    body = card.json()
    assert (body["status"], body["done"], body["percent"]) == ("succeeded", 3, 100)
    assert Contact.objects.count() == 3
    assert card["ETag"] == f'"{body["version"]}"'
    assert api_operations.get(f"/jobs/{job['id']}", **{"If-None-Match": card["ETag"]}).status_code == 304


def test_the_etag_changes_when_the_job_moves(api_operations, queued_job):
    before = api_operations.get(f"/jobs/{queued_job.pk}")
    services.run_job_inline(queued_job)
    after = api_operations.get(f"/jobs/{queued_job.pk}", **{"If-None-Match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"] and after.json()["status"] == "succeeded"


def test_the_report_link_downloads_the_skipped_rows_with_their_reasons(api_operations, customers_then_setup):
    customers = customers_then_setup(2)
    Customer.objects.filter(pk=customers[0].pk).update(email="=not an e-mail")
    job = services.run_job_inline(services.start_job("create_contacts", {"partner_kind": "customer"},
                                                     enqueue=False))
    url = api_operations.get(f"/jobs/{job.pk}").json()["report_url"]
    assert url == f"http://testserver/api/v1/jobs/{job.pk}/report"

    response = api_operations.get(f"/jobs/{job.pk}/report")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["row", "outcome", "reason"]
    assert rows[1][:2] == [customers[0].no, "error"] and "not an e-mail address" in rows[1][2]
    assert len(rows) == 2


def test_a_retried_start_with_the_same_idempotency_key_starts_one_job(api_operations, customers_then_setup):
    customers_then_setup(1)
    body = {"kind": "create_contacts", "options": {"partner_kind": "customer"}}
    first = api_operations.post("/jobs", body, **{"Idempotency-Key": "start-1"})
    again = api_operations.post("/jobs", body, **{"Idempotency-Key": "start-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert Job.objects.count() == 1
    other = api_operations.post("/jobs", {**body, "options": {"partner_kind": "vendor"}},
                                **{"Idempotency-Key": "start-1"})
    assert other.status_code == 422 and Job.objects.count() == 1


def test_options_are_checked_by_the_screens_form(api_operations, customers_then_setup):
    customers_then_setup(1)
    bad = api_operations.post("/jobs", {"kind": "create_contacts",
                                        "options": {"partner_kind": "customer", "from_no": "C9", "to_no": "C1"}})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert "comes after" in bad.json()["detail"]
    choice = api_operations.post("/jobs", {"kind": "link_contacts", "options": {"partner_kind": "planet",
                                                                                "min_score": 500}})
    assert {e["field"] for e in choice.json()["errors"]} == {"partner_kind", "min_score", "master"}
    unknown = api_operations.post("/jobs", {"kind": "sync_check", "options": {"repair": "", "colour": "red"}})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "options.colour"
    wrong_kind = api_operations.post("/jobs", {"kind": "mine_bitcoin"})
    assert wrong_kind.status_code == 422
    assert not Job.objects.exists()


def test_a_job_refused_by_its_setup_or_a_running_job_is_a_422_and_starts_nothing(api_operations, db):
    factories.CustomerFactory()  # no Marketing Setup
    no_setup = api_operations.post("/jobs", {"kind": "create_contacts", "options": {"partner_kind": "customer"}})
    assert no_setup.status_code == 422 and no_setup.json()["detail"]
    assert not Job.objects.exists()

    factories.marketing_setup()
    first = services.start_job("create_contacts", {"partner_kind": "customer"}, enqueue=False)
    second = api_operations.post("/jobs", {"kind": "link_contacts",
                                           "options": {"partner_kind": "customer", "min_score": 0.9,
                                                       "master": "contact"}})
    assert second.status_code == 422
    assert second.json()["detail"].startswith(f"Job {first.pk} (create contacts from partners) is still working")
    assert Job.objects.count() == 1


def test_a_csv_import_job_over_the_api(api_operations, numbered_partners, django_capture_on_commit_callbacks):
    text = "no,name,country_code\nC90001,Łódź Trading,PL\nC90002,Bad Country,XX\n"
    body = {"kind": "import_csv", "options": {"spec": "customer", "exclude_bad_rows": True}, "csv": text,
            "file_name": "c.csv"}
    preview = api_operations.post("/jobs", {**body, "dry_run": True})
    assert preview.json()["preview"].startswith("Will import 1 of 2 rows")
    with django_capture_on_commit_callbacks(execute=True):
        started = api_operations.post("/jobs", body)
    assert started.status_code == 201, started.content
    job = api_operations.get(f"/jobs/{started.json()['id']}").json()
    assert (job["status"], job["done"], job["errors"], job["options"]["file_name"]) == ("succeeded", 1, 1, "c.csv")
    assert list(Customer.objects.values_list("no", flat=True)) == ["C90001"]
    broken = api_operations.post("/jobs", '{"kind": "import_csv", "options": {"spec": "customer"}, "csv": "no\\ud800"}')
    assert broken.status_code in (400, 422) and Job.objects.count() == 1
    missing = api_operations.post("/jobs", {"kind": "import_csv", "options": {"spec": "customer"}})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "csv"


def test_cancel_then_resume_finishes_the_job(api_operations, queued_job, django_capture_on_commit_callbacks):
    cancelled = api_operations.post(f"/jobs/{queued_job.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = api_operations.post(f"/jobs/{queued_job.pk}/cancel")
    assert again.status_code == 422 and "already cancelled" in again.json()["detail"]

    with django_capture_on_commit_callbacks(execute=True):
        resumed = api_operations.post(f"/jobs/{queued_job.pk}/resume")
    assert resumed.status_code == 200
    queued_job.refresh_from_db()
    assert (queued_job.status, queued_job.done) == (Status.SUCCEEDED, 2)
    finished = api_operations.post(f"/jobs/{queued_job.pk}/resume")
    assert finished.status_code == 422 and "Only a failed, cancelled or interrupted" in finished.json()["detail"]


def test_an_interrupted_job_says_so_and_resumes(api_operations, queued_job, django_capture_on_commit_callbacks):
    JobChunk.objects.filter(job=queued_job).update(status=Status.RUNNING, heartbeat_at=None)
    Job.objects.filter(pk=queued_job.pk).update(status=Status.RUNNING)
    assert api_operations.get(f"/jobs/{queued_job.pk}").json()["interrupted"] is True
    with django_capture_on_commit_callbacks(execute=True):
        assert api_operations.post(f"/jobs/{queued_job.pk}/resume").status_code == 200
    assert api_operations.get(f"/jobs/{queued_job.pk}").json()["status"] == "succeeded"


def test_the_list_filters_pages_by_cursor_and_returns_sparse_fields(api_operations, customers_then_setup):
    customers_then_setup(1)
    for kind in ("customer", "vendor", "bank_account"):
        job = services.start_job("create_contacts", {"partner_kind": kind}, enqueue=False)
        services.cancel_job(job)
    services.start_job("find_duplicates", {}, enqueue=False)
    jobs = list(Job.objects.order_by("-pk").values_list("pk", flat=True))

    first = api_operations.get("/jobs?limit=3").json()
    second = api_operations.get(f"/jobs?limit=3&cursor={first['next_cursor']}").json()
    assert [j["id"] for j in first["items"] + second["items"]] == jobs and second["next_cursor"] is None
    assert [j["id"] for j in api_operations.get("/jobs?status=queued").json()["items"]] == jobs[:1]
    assert len(api_operations.get("/jobs?kind=create_contacts&status=cancelled").json()["items"]) == 3
    sparse = api_operations.get("/jobs?fields=status,kind").json()["items"]
    assert sparse[0] == {"id": jobs[0], "status": "queued", "kind": "find_duplicates"}
    assert api_operations.get("/jobs?fields=secret").status_code == 422
    assert api_operations.get("/jobs?status=lost").status_code == 422
    assert api_operations.get("/jobs?cursor=-1").status_code == 422


def test_the_list_takes_the_same_number_of_queries_whatever_its_rows(api_operations, customers_then_setup,
                                                                    django_assert_max_num_queries):
    customers_then_setup(1)
    api_operations.get("/jobs")  # the key's last use is written at most once a minute: not in the counts
    counts = []
    for kind in ("customer", "vendor", "bank_account"):
        services.cancel_job(services.start_job("create_contacts", {"partner_kind": kind}, enqueue=False))
        with django_assert_max_num_queries(JOB_LIST_QUERIES) as captured:
            assert api_operations.get("/jobs").status_code == 200
        counts.append(len(captured))
    assert len(set(counts)) == 1, counts


def test_an_unknown_job_is_a_404_problem(api_operations):
    for response in (api_operations.get("/jobs/999999"), api_operations.post("/jobs/999999/cancel"),
                     api_operations.post("/jobs/999999/resume"), api_operations.get("/jobs/999999/report")):
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_roles_without_jobs_may_not_see_start_or_change_them(api_sales, api_finance, queued_job):
    for client in (api_sales, api_finance):
        assert client.get("/jobs").status_code == 403
        assert client.get(f"/jobs/{queued_job.pk}").status_code == 403
        assert client.get(f"/jobs/{queued_job.pk}/report").status_code == 403
        assert client.post("/jobs", {"kind": "find_duplicates"}).status_code == 403
        assert client.post(f"/jobs/{queued_job.pk}/cancel").status_code == 403
    assert Job.objects.count() == 1 and Job.objects.get().status == Status.QUEUED


def test_a_read_key_of_operations_reads_jobs_but_starts_none(roles, queued_job):
    reader = ApiClient(key_for("Operations", "rita", scope=Scope.READ)[1])
    assert reader.get(f"/jobs/{queued_job.pk}").status_code == 200
    assert reader.post(f"/jobs/{queued_job.pk}/cancel").status_code == 403
    assert reader.post("/jobs", {"kind": "find_duplicates"}).status_code == 403


def test_an_administrator_may_do_everything_operations_may(api_admin, queued_job):
    assert api_admin.get("/jobs").json()["items"][0]["id"] == queued_job.pk
    assert api_admin.post(f"/jobs/{queued_job.pk}/cancel").json()["status"] == "cancelled"


def test_an_import_needs_add_and_change_on_the_chosen_list(roles, numbered_partners):
    user = factories.UserFactory(username="jo")
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="jobs", codename__in=["view_job", "add_job", "change_job"]))
    body = {"kind": "import_csv", "options": {"spec": "customer"}, "csv": "no,name\nC1,A\n", "dry_run": True}
    refused = ApiClient(ApiKey.issue(user, scope=Scope.READ_WRITE)[1]).post("/jobs", body)
    assert refused.status_code == 403
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_customer", "change_customer"]))
    allowed = ApiClient(ApiKey.issue(User.objects.get(pk=user.pk), scope=Scope.READ_WRITE)[1]).post("/jobs", body)
    assert allowed.status_code == 200 and allowed.json()["preview"].startswith("Will import 1 of 1 rows")
