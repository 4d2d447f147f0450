"""Production serving as `./dev serve` does it: gunicorn with the production settings and task workers beside it
(crm/serve.sh), static files collected under hashed names and served by whitenoise, /health/ over plain HTTP,
logs as JSON lines on stdout."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


_opener = urllib.request.build_opener(_NoRedirects)


def _get(url, *, behind_https_proxy=False):
    headers = {"Host": "crm.example.com"}
    if behind_https_proxy:  # what the TLS-terminating proxy in front of gunicorn adds
        headers["X-Forwarded-Proto"] = "https"
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _manage(env, *args):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is installed with the project (pyproject.toml)")
def test_serve_runs_gunicorn_and_a_task_worker_that_stop_together(tmp_path):
    """crm/serve.sh (what `./dev serve` runs after collectstatic and migrate): gunicorn serves /health/ (the task
    queue answering), hashed static files and the HTTPS redirect; its task worker runs a job; when gunicorn exits,
    the worker is stopped too and the script ends."""
    port = _free_port()
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="crm.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
               ALLOWED_HOSTS="crm.example.com", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               STATIC_ROOT=str(tmp_path / "static"), PORT=str(port), WEB_CONCURRENCY="1", WORKERS="1",
               PYTHON=sys.executable, TASKS_BACKEND="database")
    _manage(env, "collectstatic", "--noinput", "-v0")
    _manage(env, "migrate", "--noinput", "-v0")
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(ROOT / "crm" / "serve.sh")], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(150):
            try:
                status, _headers, body = _get(f"http://127.0.0.1:{port}/health/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 15 s")
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert json.loads(body)["task_queue"]["backend"] == "database"
        hashed = manifest["css/app.css"]
        assert hashed != "css/app.css"
        status, headers, _ = _get(f"http://127.0.0.1:{port}/static/{hashed}", behind_https_proxy=True)
        assert status == 200
        assert "max-age=315360000" in headers.get("Cache-Control", "")
        status, headers, _ = _get(f"http://127.0.0.1:{port}/contacts/")
        assert status == 301 and headers["Location"].startswith("https://")  # HTTPS everywhere but /health/

        # The worker beside gunicorn runs a job: a synchronization check, started as the Jobs page starts it.
        job = _manage(env, "shell", "-v0", "-c", "from django.db import transaction\n"
                                          "from jobs import services\n"
                                          "with transaction.atomic():\n"
                                          "    job = services.start_job('sync_check', {})\n"
                                          "print(job.pk)").strip()
        check = f"from jobs.models import Job; print(Job.objects.get(pk={job}).status)"
        deadline = time.monotonic() + 30
        while (state := _manage(env, "shell", "-v0", "-c", check).strip()) in ("queued", "running"):
            assert time.monotonic() < deadline, "the task worker did not run the job within 30 s"
            time.sleep(0.5)
        assert state == "succeeded"

        started = next(line for line in log.read_text().splitlines() if line.startswith("serve: gunicorn (pid"))
        gunicorn = int(started.split("(pid ")[1].split(")")[0])
        worker = int(started.split("(pids ")[1].rstrip(")").split()[0])
        assert _alive(gunicorn) and _alive(worker)
        os.kill(gunicorn, signal.SIGTERM)  # gunicorn stops (a deploy, a crash): the workers stop with it
        server.wait(timeout=30)
        assert not _alive(worker)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
    output = log.read_text()
    assert "gunicorn exited (0): stopping the task workers" in output, output
    access = [json.loads(line) for line in output.splitlines() if '"logger": "gunicorn.access"' in line]
    assert any(entry["path"] == "/health/" and entry["status"] == 200 for entry in access), output


def test_serve_refuses_a_worker_count_that_is_not_a_number():
    done = subprocess.run([str(ROOT / "crm" / "serve.sh")], cwd=ROOT, env={**os.environ, "WORKERS": "two"},
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2 and "WORKERS must be a whole number" in done.stderr


def test_production_keeps_each_workers_database_connection_between_requests(tmp_path):
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="crm.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
               ALLOWED_HOSTS="crm.example.com", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    shown = _manage(env, "shell", "-v0", "-c", "from django.conf import settings; d = settings.DATABASES['default']; "
                                              "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])").split()
    assert shown == ["300", "True"]
