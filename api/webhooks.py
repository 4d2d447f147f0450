"""/api/v1/webhooks: the outbound webhook subscriptions (admin role), their delivery log, and re-delivery.
The secret that signs deliveries is in the answer to the create only. Items carry an ETag; PATCH and DELETE
need If-Match; refusals are problem details."""

from datetime import datetime

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from ninja import Path, Router, Schema, Status
from pydantic import Field

from api import auth
from api.errors import Problem, not_modified
from api.etag import etag_of, none_match, required_version, stale
from api.idempotency import idempotent
from api.schemas import Id, ProblemOut, Strict
from webhooks import services
from webhooks.models import Delivery, EventType, Subscription

router = Router(tags=["webhooks"])
PROBLEMS = {code: ProblemOut for code in (400, 401, 403, 404, 409, 412, 422, 428, 429)}


class SubscriptionOut(Schema):
    id: int
    name: str
    target_url: str
    event_types: list[EventType]
    active: bool
    owner: int
    version: int
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="Signs every delivery (Webhook-Signature). Shown only in this answer.")


class SubscriptionWrite(Strict):
    name: str | None = Field(None, max_length=100)
    target_url: str | None = Field(None, max_length=500)
    event_types: list[EventType] | None = Field(None, min_length=1, max_length=len(EventType.values))
    active: bool | None = None


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    attempt: int
    status_code: int | None
    response_excerpt: str
    error: str
    duration_ms: int
    next_retry_at: datetime | None
    created_at: datetime


def serialize(subscription: Subscription) -> dict:
    return SubscriptionOut(
        id=subscription.pk, name=subscription.name, target_url=subscription.target_url,
        event_types=subscription.event_types, active=subscription.active, owner=subscription.owner_id,
        version=subscription.version, created_at=subscription.created_at,
        updated_at=subscription.updated_at).model_dump(mode="json")


def respond(request, subscription, *, status=200, conditional=True, **extra):
    data = serialize(subscription)
    etag = etag_of(data["version"])
    if conditional and request.method == "GET" and none_match(request, etag):
        return not_modified(etag)
    response = JsonResponse({**data, **extra}, status=status)
    response["ETag"] = etag
    return response


def find(pk) -> Subscription:
    subscription = Subscription.objects.filter(pk=pk).first()
    if subscription is None:
        raise Problem(404, f"There is no webhook subscription with id {pk}.", slug="not-found")
    return subscription


def apply(subscription: Subscription, changes: dict) -> None:
    for name, value in changes.items():
        if value is None and name != "name":
            raise Problem(422, f"{name} cannot be empty.", slug="validation",
                          errors=[{"field": name, "rule": "required", "message": f"{name} is required."}])
        if name == "event_types":
            value = list(dict.fromkeys(str(v) for v in value))
        setattr(subscription, name, value if value is not None else "")
    subscription.full_clean(exclude=["owner"])  # ValidationError → 422 naming the field


@router.get("/webhooks", response={200: list[SubscriptionOut], **PROBLEMS})
def webhook_list(request):
    auth.require(request, "webhooks.view_subscription")
    return [serialize(s) for s in Subscription.objects.order_by("pk")[:500]]


@router.post("/webhooks", response={201: SubscriptionCreated, **PROBLEMS})
def webhook_create(request, payload: SubscriptionWrite):
    auth.require(request, "webhooks.add_subscription")
    changes = payload.model_dump(exclude_unset=True)
    missing = [name for name in ("target_url", "event_types") if changes.get(name) is None]
    if missing:
        raise Problem(422, f"Required: {', '.join(missing)}.", slug="validation",
                      errors=[{"field": name, "rule": "required", "message": f"{name} is required."}
                              for name in missing])

    def make():
        subscription = Subscription(owner=request.user)
        apply(subscription, changes)
        subscription.save()
        response = respond(request, subscription, status=201, conditional=False, secret=subscription.secret)
        response["Location"] = f"{request.path.rstrip('/')}/{subscription.pk}"
        return response

    return idempotent(request, changes, make)


@router.get("/webhooks/{id}", response={200: SubscriptionOut, 304: None, **PROBLEMS})
def webhook_detail(request, id: Path[Id]):
    auth.require(request, "webhooks.view_subscription")
    return respond(request, find(id))


def _locked_at(pk, version):
    """The subscription, locked for the change, if it is still at ``version`` (else 412 with what it is now)."""
    subscription = Subscription.objects.select_for_update().filter(pk=pk).first()
    if subscription is None:
        raise stale(None, f"Webhook subscription {pk}")
    if subscription.version != version:
        raise stale(serialize(subscription), f"Webhook subscription {pk}")
    return subscription


@router.patch("/webhooks/{id}", response={200: SubscriptionOut, **PROBLEMS})
def webhook_update(request, id: Path[Id], payload: SubscriptionWrite):
    auth.require(request, "webhooks.view_subscription", "webhooks.change_subscription")
    version = required_version(request)
    find(id)
    with transaction.atomic():
        subscription = _locked_at(id, version)
        apply(subscription, payload.model_dump(exclude_unset=True))
        subscription.version += 1
        subscription.save()
    return respond(request, subscription, conditional=False)


@router.delete("/webhooks/{id}", response={204: None, **PROBLEMS})
def webhook_delete(request, id: Path[Id]):
    auth.require(request, "webhooks.delete_subscription")
    version = required_version(request)
    find(id)
    with transaction.atomic():
        subscription = _locked_at(id, version)
        subscription.delete()
    return HttpResponse(status=204)


@router.get("/webhooks/{id}/deliveries", response={200: list[DeliveryOut], **PROBLEMS})
def webhook_deliveries(request, id: Path[Id], limit: int = 100):
    auth.require(request, "webhooks.view_delivery")
    if not 1 <= limit <= 500:
        raise Problem(422, "limit must be between 1 and 500.", slug="validation",
                      errors=[{"field": "limit", "rule": "range", "message": "1 to 500"}])
    rows = Delivery.objects.filter(subscription=find(id)).select_related("event")[:limit]
    return [{"id": d.pk, "event_id": str(d.event_id), "event_type": d.event.type, "attempt": d.attempt,
             "status_code": d.status_code, "response_excerpt": d.response_excerpt, "error": d.error,
             "duration_ms": d.duration_ms, "next_retry_at": d.next_retry_at, "created_at": d.created_at}
            for d in rows]


@router.post("/webhooks/deliveries/{id}/redeliver", response={202: dict, **PROBLEMS})
def webhook_redeliver(request, id: Path[Id]):
    auth.require(request, "webhooks.change_delivery")
    delivery = Delivery.objects.filter(pk=id).first()
    if delivery is None:
        raise Problem(404, f"There is no webhook delivery with id {id}.", slug="not-found")
    services.redeliver(delivery)
    return Status(202, {"detail": f"Event {delivery.event_id} will be delivered again to subscription "
                           f"{delivery.subscription_id}."})
