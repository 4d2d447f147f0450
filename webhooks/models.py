"""Webhook subscriptions, the events sent to them and the log of every delivery attempt."""

import ipaddress
import secrets
import socket
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models


class EventType(models.TextChoices):
    CREATED = "created", "created"
    UPDATED = "updated", "updated"
    DELETED = "deleted", "deleted"
    LINKED = "linked", "linked"
    UNLINKED = "unlinked", "unlinked"
    SYNCHRONIZED = "synchronized", "synchronized"
    MERGED = "merged", "merged"


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def validate_target_url(url: str) -> None:
    """An http(s) URL whose host is public; private, loopback and link-local hosts are refused unless
    ``WEBHOOKS_ALLOW_PRIVATE`` is on (so that a subscription cannot probe the internal network)."""
    URLValidator(schemes=["http", "https"],
                 message="Enter a valid http:// or https:// URL, e.g. https://example.com/hooks/crm.")(url)
    host = urlsplit(url).hostname or ""
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False):
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        raise ValidationError(f"The host {host} of the target URL cannot be resolved.", code="unresolvable") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast \
                or ip.is_unspecified:
            raise ValidationError(
                f"The host {host} of the target URL is a private or local address ({ip}): webhooks are only sent "
                "to public hosts (set WEBHOOKS_ALLOW_PRIVATE to allow it).", code="private_host")


def validate_event_types(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event type.", code="required")
    unknown = sorted({str(v) for v in value} - set(EventType.values))
    if unknown:
        raise ValidationError(f"Unknown event type(s): {', '.join(unknown)}. Choose from "
                              f"{', '.join(EventType.values)}.", code="invalid_choice")


class Subscription(models.Model):
    """A target URL that receives the events of the chosen types, signed with the subscription's secret."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions")
    name = models.CharField(max_length=100, blank=True, help_text="What the subscription is for.")
    target_url = models.URLField(max_length=500, validators=[validate_target_url])
    event_types = models.JSONField(default=list, validators=[validate_event_types],
                                   help_text="Any of: " + ", ".join(EventType.values))
    secret = models.CharField(max_length=100, default=new_secret, editable=False,
                              help_text="Signs each delivery; shown once when the subscription is created.")
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=models.Q(target_url__startswith="http"),
                                              name="webhooks_subscription_http_url")]

    def __str__(self):
        return self.name or self.target_url


class Event(models.Model):
    """One change, as sent: ``{id, type, occurred_at, data}``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=20, choices=EventType.choices)
    occurred_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        ordering = ["occurred_at"]

    def __str__(self):
        return f"{self.type} {self.data.get('model')} {self.data.get('no') or self.data.get('id')}"

    def payload(self) -> dict:
        return {"id": str(self.id), "type": self.type, "occurred_at": self.occurred_at.isoformat(),
                "data": self.data}


class Delivery(models.Model):
    """One attempt to deliver an event to a subscription."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} → {self.subscription} (attempt {self.attempt})"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
