"""Permission checks for views: a logged-in user without the right gets 403 (the friendly 403 page)."""

from django.contrib.auth.decorators import permission_required


def require(*perms):
    return permission_required(perms, raise_exception=True)
