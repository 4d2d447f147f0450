"""Login throttle: after ``LIMIT`` failed logins for one user name from one address within ``WINDOW``, the login
forms (the site's and the admin's) refuse that user name from that address for ``WINDOW`` after the last failure,
with a plain message, whatever the password — so guessing passwords takes days, not minutes.

The failures are rows of ``LoginFailure`` (crm.login_throttle.models), so every server process (gunicorn worker)
counts the same ones; a successful login clears its own; rows older than a day go as new ones are written.
"""

from datetime import timedelta

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.login_throttle.models import LoginFailure

LIMIT = 5
WINDOW = timedelta(minutes=15)
KEEP = timedelta(days=1)
MESSAGE = (f"Too many failed logins for this user name. For your safety, logging in is paused for "
           f"{WINDOW.seconds // 60} minutes: wait and try again, or ask an administrator to reset your password.")


def _who(username: str, ip_address: str | None) -> dict:
    return {"username": (username or "")[:150].casefold(), "ip_address": ip_address or ""}


def is_locked(username: str, ip_address: str | None) -> bool:
    """True while the last of ``LIMIT`` failures within ``WINDOW`` of each other is less than ``WINDOW`` old."""
    now = timezone.now()
    recent = list(LoginFailure.objects.filter(**_who(username, ip_address), at__gt=now - 2 * WINDOW)
                  .order_by("-at").values_list("at", flat=True)[:LIMIT])
    return len(recent) == LIMIT and now - recent[0] < WINDOW and recent[0] - recent[-1] < WINDOW


def record_failure(username: str, ip_address: str | None) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - KEEP).delete()
    LoginFailure.objects.create(**_who(username, ip_address), at=now)


def clear(username: str, ip_address: str | None) -> None:
    LoginFailure.objects.filter(**_who(username, ip_address)).delete()


class ThrottledLoginMixin:
    """For an authentication form: refuse a locked user name before checking the password; count failures."""

    def clean(self):
        username = self.cleaned_data.get("username")
        ip_address = self.request.META.get("REMOTE_ADDR") if self.request else None
        if username and is_locked(username, ip_address):
            raise ValidationError(MESSAGE, code="throttled")
        try:
            cleaned_data = super().clean()
        except ValidationError as exc:
            if username and getattr(exc, "code", None) == "invalid_login":
                record_failure(username, ip_address)
            raise
        if username and self.get_user() is not None:
            clear(username, ip_address)
        return cleaned_data


class ThrottledLoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
