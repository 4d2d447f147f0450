"""/health/: the load balancer's check answers without a login, 200 when the database answers, else 503."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_answers_ok_without_a_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken(self):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", lambda *a, **k: broken(None))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "error: DatabaseError"}}
