"""Production serving as `./dev serve` does it: gunicorn with the production settings, static files collected
under hashed names and served by whitenoise, /health/ over plain HTTP, logs as JSON lines on stdout."""

import json
import os
import secrets
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


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is installed with the project (pyproject.toml)")
def test_gunicorn_serves_health_and_hashed_static_files_with_the_production_settings(tmp_path):
    port = _free_port()
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="crm.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
               ALLOWED_HOSTS="crm.example.com", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               STATIC_ROOT=str(tmp_path / "static"), PORT=str(port), WEB_CONCURRENCY="1")
    collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    server = subprocess.Popen([str(GUNICORN), "-c", "crm/gunicorn.conf.py", "crm.wsgi"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            try:
                status, _headers, body = _get(f"http://127.0.0.1:{port}/health/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer within 10 s")
        assert status == 200 and json.loads(body)["status"] == "ok"
        hashed = manifest["css/app.css"]
        assert hashed != "css/app.css"
        status, headers, _ = _get(f"http://127.0.0.1:{port}/static/{hashed}", behind_https_proxy=True)
        assert status == 200
        assert "max-age=315360000" in headers.get("Cache-Control", "")
        status, headers, _ = _get(f"http://127.0.0.1:{port}/contacts/")
        assert status == 301 and headers["Location"].startswith("https://")  # HTTPS everywhere but /health/
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    access = [json.loads(line) for line in output.splitlines() if '"logger": "gunicorn.access"' in line]
    assert any(entry["path"] == "/health/" and entry["status"] == 200 for entry in access), output
