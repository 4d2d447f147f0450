"""Webhook events and their delivery.

``emit()`` is called by the receivers (webhooks/signals.py) inside the writer's transaction and does nothing
there but register a ``transaction.on_commit`` callback: a rolled-back change emits nothing. After the commit
the callback stores one ``Event`` per record and enqueues one delivery task per subscription per batch of
``WEBHOOKS_BATCH_SIZE`` events (a bulk operation of 10 000 rows is a few tasks, not 10 000).

``deliver()`` POSTs each event as JSON, signed (Standard-Webhooks-like)::

    Webhook-Id: <event id>
    Webhook-Timestamp: <unix seconds>
    Webhook-Signature: v1=<hex HMAC-SHA256 of "{id}.{timestamp}.{body}" keyed with the subscription's secret>

A failed attempt (no answer in ``WEBHOOKS_TIMEOUT`` seconds, a refused connection, a status outside 2xx) is
retried through the task queue with exponential back-off (``WEBHOOKS_BACKOFF`` × 2^(attempt-1) seconds, the
task enqueued with ``run_after``) up to ``WEBHOOKS_MAX_ATTEMPTS``. Every attempt is a ``Delivery`` row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from webhooks.models import Delivery, Event, Subscription, validate_target_url

WATCHED = {"contacts.contact", "partners.customer", "partners.vendor", "partners.bankaccount"}


def batch_size() -> int:
    return getattr(settings, "WEBHOOKS_BATCH_SIZE", 500)


def max_attempts() -> int:
    return getattr(settings, "WEBHOOKS_MAX_ATTEMPTS", 6)


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """``v1=<hex HMAC-SHA256 of "{id}.{timestamp}.{body}">``."""
    message = f"{event_id}.{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


# ------------------------------------------------------------------------------------------ emitting
def emit(model, ids, event_type: str, *, known=None, extra=None) -> None:
    """Announce ``event_type`` for the rows ``ids`` of ``model`` once the current transaction commits.
    ``known``: {pk: number} of rows that will be gone by then (deleted); ``extra``: {pk: dict} merged into data."""
    label = model._meta.label_lower
    ids = tuple(ids)  # a tuple of ints is not tracked by the garbage collector (a bulk run queues millions)
    if label not in WATCHED or not ids:
        return
    # robust: the change is committed already; a failure to queue its events is logged, not raised to its caller
    transaction.on_commit(partial(_committed, model, ids, event_type, timezone.now(), dict(known or {}),
                                  dict(extra or {})), robust=True)


def _number_field(model) -> str:
    names = {f.name for f in model._meta.concrete_fields}
    return "no" if "no" in names else "code"


def _committed(model, ids, event_type, occurred_at, known, extra) -> None:
    subscriptions = [s for s in Subscription.objects.filter(active=True).only("pk", "event_types")
                     if event_type in s.event_types]
    if not subscriptions:
        return
    numbers = dict(known)
    missing = [pk for pk in ids if pk not in numbers]
    field = _number_field(model)
    for start in range(0, len(missing), 900):
        numbers.update(model.objects.filter(pk__in=missing[start:start + 900]).values_list("pk", field))
    label = model._meta.label_lower
    events = Event.objects.bulk_create(
        [Event(type=event_type, occurred_at=occurred_at,
               data={"model": label, "id": pk, "no": numbers.get(pk), **extra.get(pk, {})}) for pk in ids],
        batch_size=900)

    size = batch_size()
    for subscription in subscriptions:
        for start in range(0, len(events), size):
            deliver_events.enqueue(subscription.pk, [str(e.pk) for e in events[start:start + size]], 1)


# ------------------------------------------------------------------------------------------ delivering
class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx is an answer like any other non-2xx: the attempt failed


_opener = urllib.request.build_opener(_NoRedirects)


def post(subscription: Subscription, event: Event) -> Delivery:
    """One signed POST of ``event`` to ``subscription``; the unsaved Delivery (status, excerpt, error, time)."""
    body = json.dumps(event.payload(), cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    timestamp = int(time.time())
    delivery = Delivery(event=event, subscription=subscription, attempt=1)
    started = time.monotonic()
    try:
        validate_target_url(subscription.target_url)  # again at send time: the host may resolve elsewhere now
        request = urllib.request.Request(subscription.target_url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "crm-webhooks/1",
            "Webhook-Id": str(event.pk), "Webhook-Timestamp": str(timestamp),
            "Webhook-Signature": sign(subscription.secret, str(event.pk), timestamp, body)})
        with _opener.open(request, timeout=getattr(settings, "WEBHOOKS_TIMEOUT", 5)) as response:
            delivery.status_code = response.status
            delivery.response_excerpt = response.read(500).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        delivery.status_code = exc.code
        delivery.response_excerpt = exc.read(500).decode("utf-8", "replace") if exc.fp else ""
        delivery.error = f"HTTP {exc.code} {exc.reason}"[:500]
    except ValidationError as exc:
        delivery.error = " ".join(exc.messages)[:500]
    except (OSError, ValueError) as exc:  # refused, timed out, DNS, TLS, bad URL
        delivery.error = f"{type(exc).__name__}: {exc}"[:500]
    delivery.duration_ms = int((time.monotonic() - started) * 1000)
    return delivery


def deliver(subscription_id: int, event_ids, attempt: int) -> dict:
    """Deliver the events ``event_ids`` to the subscription (attempt ``attempt``); schedule a retry of the failed
    ones with back-off. Returns counts for the task's result."""
    subscription = Subscription.objects.filter(pk=subscription_id, active=True).first()
    if subscription is None:
        return {"delivered": 0, "failed": 0, "skipped": len(event_ids)}
    failed, deliveries = [], []
    for event in Event.objects.filter(pk__in=event_ids).order_by("occurred_at", "pk"):
        delivery = post(subscription, event)
        delivery.attempt = attempt
        deliveries.append(delivery)
        if not delivery.succeeded:
            failed.append(delivery)
    retry_at = None

    if failed and attempt < max_attempts() and deliver_events.get_backend().supports_defer:
        retry_at = timezone.now() + timedelta(seconds=getattr(settings, "WEBHOOKS_BACKOFF", 30) * 2 ** (attempt - 1))
        for delivery in failed:
            delivery.next_retry_at = retry_at
    Delivery.objects.bulk_create(deliveries)
    if retry_at is not None:
        deliver_events.using(run_after=retry_at).enqueue(subscription.pk, [str(d.event_id) for d in failed],
                                                         attempt + 1)
    return {"delivered": len(deliveries) - len(failed), "failed": len(failed), "retry_at": retry_at and
            retry_at.isoformat()}


def redeliver(delivery: Delivery) -> None:
    """Send the event of ``delivery`` to its subscription again (a manual re-delivery), as the next attempt."""

    last = Delivery.objects.filter(event=delivery.event_id, subscription=delivery.subscription_id).order_by(
        "-attempt").values_list("attempt", flat=True).first() or 0
    transaction.on_commit(partial(deliver_events.enqueue, delivery.subscription_id, [str(delivery.event_id)],
                                  last + 1))


@task()
def deliver_events(subscription_id: int, event_ids: list[str], attempt: int) -> dict:
    """The delivery task: one per subscription per batch of events (``deliver`` is its body)."""
    return deliver(subscription_id, event_ids, attempt)
