"""Jobs run by REAL worker processes (``manage.py db_worker`` of django-tasks-db) on a database of their own: a
job started through the task API finishes; a worker killed mid-job (SIGKILL) loses nothing committed and
the resumed job ends with exact counts and no drift; on PostgreSQL two workers share one queue.

Each test builds its database with subprocesses (migrate, seed, start), so it is independent of the test
database; the test process reads the outcome with a management shell or, while a worker runs, straight
from the SQLite file.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SEED = """
import sys; sys.path.insert(0, "bench")
from _common import bulk_customers, marketing_setup
bulk_customers({n}); marketing_setup()
from jobs import services
job = services.start_job("create_contacts", {{"partner_kind": "customer", "batch_size": {batch}}})
print(job.pk)
"""
OUTCOME = """
from jobs.models import Job
from contacts.models import Contact, ContactBusinessRelation
job = Job.objects.get(pk={pk})
print(job.status, job.total, job.processed, job.done, job.skipped, job.errors, Contact.objects.count(),
      ContactBusinessRelation.objects.count(), job.chunks.count())
"""


def _env(database_url, **extra):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "crm.settings.dev",
           "TASKS_BACKEND": "database", "LOG_LEVEL": "WARNING", **extra}
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def manage(env, *args, timeout=300, check=True):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def shell(env, code):
    return manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1]


def worker(env, *extra):
    return [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2",
            *extra]


def outcome(env, pk):
    status, *numbers = shell(env, OUTCOME.format(pk=pk)).split()
    return status, [int(n) for n in numbers]


@pytest.fixture
def sqlite_env(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    env = _env(f"sqlite:///{path}", JOBS_STALE_AFTER="2")
    manage(env, "migrate", "--noinput")
    return env, path


def test_a_worker_process_runs_a_job_started_through_the_task_api(sqlite_env):
    env, _ = sqlite_env
    pk = int(shell(env, SEED.format(n=300, batch=100)))
    assert outcome(env, pk)[0] == "queued"

    manage(env, *worker(env, "--batch")[2:], timeout=300)

    assert outcome(env, pk) == ("succeeded", [300, 300, 300, 0, 0, 300, 300, 1])
    assert manage(env, "sync_check", check=False).returncode == 0


def test_a_worker_killed_mid_job_loses_nothing_and_the_resumed_job_ends_exact(sqlite_env):
    env, path = sqlite_env
    n = 3000
    pk = int(shell(env, SEED.format(n=n, batch=100)))
    process = subprocess.Popen(worker(env), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        while True:
            with sqlite3.connect(path, timeout=30) as db:
                processed = db.execute("SELECT processed FROM jobs_job WHERE id = ?", (pk,)).fetchone()[0]
            if processed >= 600 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert 0 < processed < n, "the job should be part-way when the worker is killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)

    status, (total, processed, done, skipped, errors, contacts, links, _) = outcome(env, pk)
    assert status == "running" and 0 < done < n
    assert contacts == links == done == processed  # every committed batch counted, nothing half-written
    time.sleep(2.5)  # JOBS_STALE_AFTER=2: the job now shows as interrupted
    shell(env, f"from jobs import services; from jobs.models import Job; "
               f"job = Job.objects.get(pk={pk}); assert services.is_interrupted(job); "
               f"print(services.resume_job(job).status)")
    manage(env, *worker(env, "--batch")[2:], timeout=300)

    assert outcome(env, pk) == ("succeeded", [n, n, n, 0, 0, n, n, 1])
    assert manage(env, "sync_check", check=False).returncode == 0


@pytest.fixture
def postgres_env(on_postgres):
    name = "crm_jobs_workers"
    settings = connection.settings_dict
    admin = f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} user={settings['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"
    env = _env(url, JOBS_CHUNK_SIZE="400")
    manage(env, "migrate", "--noinput")
    yield env
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_worker_processes_share_one_queue_on_postgresql(postgres_env):
    env = postgres_env
    n = 4000
    pk = int(shell(env, SEED.format(n=n, batch=100)))

    workers = [subprocess.Popen(worker(env, "--batch", "--worker-id", f"w{i}"), cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for i in (1, 2)]
    for process in workers:
        assert process.wait(timeout=600) == 0, process.stderr.read().decode()

    assert outcome(env, pk) == ("succeeded", [n, n, n, 0, 0, n, n, 10])
    claimed = shell(env, "from django_tasks_db.models import DBTaskResult; "
                         "print(sorted({w for r in DBTaskResult.objects.all() for w in r.worker_ids}), "
                         "DBTaskResult.objects.count(), sep='|')")
    workers_seen, tasks = claimed.split("|")
    assert workers_seen == "['w1', 'w2']" and tasks == "10"  # each chunk claimed once, by one of the two
    assert manage(env, "sync_check", check=False).returncode == 0
