"""Who is calling: an API key (``Authorization: Bearer <key>``, no cookie, no CSRF token) or the signed-in
user's session (CSRF checked on unsafe methods, as for the screens).

A key acts as its user, with its user's role permissions (crm/roles.py), and within its scope: a read key may
only read. Every request is counted per key (or per signed-in user) and past ``API_RATE_LIMIT`` answered 429
with ``Retry-After``.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from api.errors import Problem
from api.models import ApiKey

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class KeyAuth(HttpBearer):
    def authenticate(self, request, token):
        key = ApiKey.find(token)
        if key is None:
            return None
        if request.method not in SAFE_METHODS and not key.writes:
            raise Problem(403, "This API key may only read: its scope is read.", slug="read-only-key")
        request.user = key.user
        request.api_key = key
        if key.last_used_at is None or (timezone.now() - key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return key.user


class Session(SessionAuth):
    """The signed-in user's session; CSRF is checked (ninja's cookie auth) for POST, PATCH and DELETE. A
    request without a session cookie is not a session request (401, not a CSRF failure)."""

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", AnonymousUser())
        return user if user.is_authenticated and user.is_active else None


class PerCaller(SimpleRateThrottle):
    """``API_RATE_LIMIT`` requests per key (or per signed-in user) in the cache."""

    scope = "api"

    def __init__(self):
        super().__init__(settings.API_RATE_LIMIT)

    def allow_request(self, request):
        self.rate = settings.API_RATE_LIMIT  # read per request: a changed setting applies at once
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        key = getattr(request, "api_key", None)
        if key is not None:
            ident = f"key-{key.pk}"
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def require(request, *perms):
    """403 unless the caller's user has every permission ``perms`` (the screens' checks)."""
    if not request.user.has_perms(perms):
        raise Problem(403, "Your role does not allow this.", slug="forbidden",
                      errors=[{"field": "", "rule": "permission", "message": perm} for perm in perms])
