"""API keys (stored hashed, shown once) and the stored responses of idempotent POSTs."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

KEY_PREFIX = "crm"


class Scope(models.TextChoices):
    READ = "read", "read"
    READ_WRITE = "read-write", "read-write"


def hash_secret(secret: str) -> str:
    """SHA-256 of the whole key: the key is 256 random bits, so a slow password hash adds nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(models.Model):
    """A user's key for ``Authorization: Bearer <key>``. Only its hash is stored; the prefix identifies it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True, help_text="What the key is for (an integration's name).")
    prefix = models.CharField(max_length=16, unique=True, editable=False,
                              help_text="The start of the key, shown to tell keys apart.")
    hashed_key = models.CharField(max_length=64, editable=False)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the key does not expire.")
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user}, {self.scope})"

    @classmethod
    def issue(cls, user, *, scope=Scope.READ, expires_at=None, name=""):
        """A new key for ``user``: returns (ApiKey, secret). The secret is not stored anywhere."""
        prefix = secrets.token_hex(4)
        secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        key = cls(user=user, name=name, prefix=prefix, hashed_key=hash_secret(secret), scope=scope,
                  expires_at=expires_at)
        key.full_clean(exclude=["prefix", "hashed_key"])
        key.save()
        return key, secret

    @classmethod
    def find(cls, secret: str):
        """The usable key ``secret`` names (not revoked, not expired, its user active), or None."""
        parts = secret.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 8:
            return None
        key = cls.objects.select_related("user").filter(prefix=parts[1]).first()
        if key is None or not hmac.compare_digest(key.hashed_key, hash_secret(secret)):
            return None
        if not key.usable:
            return None
        return key

    @property
    def usable(self) -> bool:
        return (not self.revoked and self.user.is_active
                and (self.expires_at is None or self.expires_at > timezone.now()))

    @property
    def writes(self) -> bool:
        return self.scope == Scope.READ_WRITE


class IdempotentRequest(models.Model):
    """The response of a POST made with an ``Idempotency-Key``: a retry gets it again instead of a second create."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_one_per_user_key")]
