"""/health/: the load balancer's check answers without a login: 200 when the database and the task queue can be
read (a backlog of tasks is reported, not an error), else 503."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import tasks

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_health_answers_ok_without_a_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"] == {"database": "ok", "task_queue": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_says_when_tasks_run_at_once_without_a_queue(client):
    queue = client.get(reverse("health")).json()["task_queue"]  # the test settings: the immediate backend
    assert queue["backend"] == "ImmediateBackend" and "no queue" in queue["detail"]


@override_settings(TASKS=DATABASE_QUEUE)
def test_health_reports_the_queue_and_its_oldest_ready_task_a_backlog_is_not_an_error(client):
    empty = client.get(reverse("health")).json()["task_queue"]
    assert empty == {"backend": "database", "queued": 0, "running": 0, "oldest_ready_age_seconds": None}

    for chunk in (1, 2, 3):
        tasks.run_job_chunk.enqueue(chunk, 1)
    DBTaskResult.objects.filter(args_kwargs__args=[1, 1]).update(enqueued_at=timezone.now() - timedelta(hours=2))
    DBTaskResult.objects.filter(args_kwargs__args=[2, 1]).update(status=TaskResultStatus.RUNNING)
    later = tasks.run_job_chunk.using(run_after=timezone.now() + timedelta(days=1)).enqueue(4, 1)
    DBTaskResult.objects.filter(pk=later.id).update(enqueued_at=timezone.now() - timedelta(days=3))

    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.json()["status"] == "ok"
    queue = response.json()["task_queue"]
    assert (queue["backend"], queue["queued"], queue["running"]) == ("database", 3, 1)
    assert 7190 < queue["oldest_ready_age_seconds"] < 7300  # the task scheduled for tomorrow is not ready


@override_settings(TASKS=DATABASE_QUEUE)
def test_health_answers_503_when_the_queue_cannot_be_read(client, monkeypatch):
    def unreadable(*args, **kwargs):
        raise DatabaseError('relation "django_tasks_database_dbtaskresult" does not exist')

    monkeypatch.setattr("django_tasks_db.models.DBTaskResultQuerySet.aggregate", unreadable)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "error",
                               "checks": {"database": "ok", "task_queue": "error: DatabaseError"}}


def test_health_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken(self):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", lambda *a, **k: broken(None))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "error: DatabaseError",
                                                             "task_queue": "error: the database does not answer"}}
