"""jobs.services: start, chunk, count, report, lock, cancel and resume a job; the same body in the foreground."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from contacts import sync
from contacts.models import Contact, ContactBusinessRelation
from jobs import services
from jobs.models import Job, JobChunk, JobLock, JobUpload, Status
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_create_job_makes_one_contact_per_partner_and_counts_exactly(customers_then_setup, start_now):
    customers_then_setup(5)

    job = start_now("create_contacts", {"partner_kind": "customer"})

    assert job.status == Status.SUCCEEDED
    assert (job.total, job.processed, job.done, job.skipped, job.errors) == (5, 5, 5, 0, 0)
    assert ContactBusinessRelation.objects.filter(link_to_table="customer").count() == 5
    assert job.percent == 100 and job.started_at and job.finished_at
    assert not JobLock.objects.exists()  # the lock goes with the finished job


@override_settings(JOBS_CHUNK_SIZE=2)
def test_a_create_job_is_split_into_chunks_whose_counts_add_up(customers_then_setup, start_now):
    customers = customers_then_setup(5)
    sync.create_contacts_for_partners("customer", [customers[0]], sync.MarketingSetup.load())

    job = start_now("create_contacts", {"partner_kind": "customer"})

    assert list(job.chunks.values_list("status", flat=True)) == [Status.SUCCEEDED] * 3
    assert (job.total, job.processed, job.done, job.skipped) == (5, 5, 4, 1)
    assert list(job.report_lines.values_list("ref", "outcome")) == [(customers[0].no, "skipped")]
    assert ContactBusinessRelation.objects.count() == 5


def test_filters_choose_the_partners(customers_then_setup, start_now):
    customers = customers_then_setup(4)
    customers[1].currency_code = "USD"
    customers[1].save()

    job = start_now("create_contacts", {"partner_kind": "customer", "currency": "usd"})

    job.refresh_from_db()
    assert job.done == 1
    assert list(ContactBusinessRelation.objects.values_list("customer", flat=True)) == [customers[1].pk]


def test_a_partner_with_a_bad_email_is_an_error_line_of_the_report(customers_then_setup, start_now):
    customers = customers_then_setup(2)
    type(customers[0]).objects.filter(pk=customers[0].pk).update(email="not-an-address")

    job = start_now("create_contacts", {"partner_kind": "customer"})

    job.refresh_from_db()
    assert (job.done, job.errors) == (1, 1)
    line = job.report_lines.get()
    assert (line.ref, line.outcome) == (customers[0].no, "error")
    assert "not-an-address" in line.reason


def test_a_second_job_on_the_same_partners_is_refused_while_the_first_runs(customers_then_setup, start_now):
    customers_then_setup(2)
    first = services.start_job("create_contacts", {"partner_kind": "customer"}, enqueue=False)

    with pytest.raises(ValidationError, match=f"Job {first.pk}"):
        services.start_job("link_contacts", {"partner_kind": "customer", "min_score": 0.9})

    assert Job.objects.count() == 1
    services.start_job("create_contacts", {"partner_kind": "vendor"}, enqueue=False)  # other partners: fine


def test_a_job_is_refused_without_marketing_setup(db, start_now):
    factories.CustomerFactory()

    with pytest.raises(ValidationError):
        start_now("create_contacts", {"partner_kind": "customer"})

    assert not Job.objects.exists()


def test_cancel_stops_a_queued_job_and_resume_finishes_it_without_creating_twice(customers_then_setup,
                                                                                   django_capture_on_commit_callbacks):
    customers_then_setup(3)
    job = services.start_job("create_contacts", {"partner_kind": "customer"}, enqueue=False)

    job = services.cancel_job(job)
    assert job.status == Status.CANCELLED and not JobLock.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.resume_job(job)
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED and job.done == 3
    assert Contact.objects.count() == 3


@override_settings(JOBS_CHUNK_SIZE=2)
def test_a_cancel_during_a_batch_rolls_that_batch_back_and_resume_takes_it_again(customers_then_setup):
    customers_then_setup(4)
    job = services.start_job("create_contacts", {"partner_kind": "customer", "batch_size": 1}, enqueue=False)

    def cancel_after_first_batch(n):  # as if someone pressed Cancel while the second batch was being made
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)

    job = services.run_job_inline(job, progress=cancel_after_first_batch)

    assert job.status == Status.CANCELLED
    assert job.done == 1 == Contact.objects.count()  # the batch cancelled in its transaction was rolled back
    services.resume_job(job, enqueue=False)
    job = services.run_job_inline(Job.objects.get(pk=job.pk))
    assert (job.status, job.done, job.skipped) == (Status.SUCCEEDED, 4, 0)
    assert Contact.objects.count() == 4 == ContactBusinessRelation.objects.count()


def test_an_error_in_a_batch_fails_the_job_with_a_message_and_resume_goes_on_from_the_checkpoint(
        customers_then_setup, batch_fails):
    customers_then_setup(3)
    job = services.start_job("create_contacts", {"partner_kind": "customer", "batch_size": 1}, enqueue=False)
    mend = batch_fails(2, RuntimeError("disk full"))
    job = services.run_job_inline(job)
    assert job.status == Status.FAILED and "disk full" in job.error and job.done == 1
    checkpoint = JobChunk.objects.get(job=job).checkpoint
    assert checkpoint["last_pk"] > 0
    assert checkpoint["unsearched"] == [Contact.objects.get().pk]  # the first batch's company, searched on resume

    mend()
    services.resume_job(job, enqueue=False)
    job = services.run_job_inline(Job.objects.get(pk=job.pk))
    assert (job.status, job.done) == (Status.SUCCEEDED, 3)
    assert Contact.objects.count() == 3
    assert JobChunk.objects.get(job=job).checkpoint["unsearched"] == []


def test_a_running_job_without_heartbeat_is_interrupted_and_can_be_resumed(customers_then_setup, start_now):
    customers_then_setup(2)
    job = services.start_job("create_contacts", {"partner_kind": "customer"}, enqueue=False)
    JobChunk.objects.filter(job=job).update(status=Status.RUNNING, heartbeat_at=None)
    Job.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    job.refresh_from_db()

    assert services.is_interrupted(job)
    services.resume_job(job, enqueue=False)
    job = services.run_job_inline(Job.objects.get(pk=job.pk))
    assert (job.status, job.done) == (Status.SUCCEEDED, 2)


def test_a_finished_job_cannot_be_resumed_or_cancelled(customers_then_setup, start_now):
    customers_then_setup(1)
    job = start_now("create_contacts", {"partner_kind": "customer"})

    with pytest.raises(ValidationError, match="resumed"):
        services.resume_job(job)
    with pytest.raises(ValidationError, match="already succeeded"):
        services.cancel_job(job)


def test_a_previewed_file_never_started_is_dropped_after_a_day_when_the_next_is_stored(db):
    stale = services.store_upload("old.csv", "no,name\n")
    started = services.store_upload("started.csv", "no,name\n")
    JobUpload.objects.filter(pk__in=[stale.pk, started.pk]).update(created_at=timezone.now() - timedelta(days=2))
    job = Job.objects.create(kind="import_csv", options={})
    JobUpload.objects.filter(pk=started.pk).update(job=job)
    fresh = services.store_upload("new.csv", "no,name\n")
    assert set(JobUpload.objects.values_list("pk", flat=True)) == {started.pk, fresh.pk}
