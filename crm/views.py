from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm.context_processors import NAVIGATION


def home(request):
    """The start page is the first list the user may see."""
    for _label, url_name, perm in NAVIGATION:
        if request.user.has_perm(perm):
            return redirect(url_name)
    if request.user.is_staff:
        return redirect(reverse("admin:index"))
    return redirect("contacts:list")  # answers 403 with the explanation page


@login_not_required
@never_cache
@require_GET
def health(request):
    """``/health/`` for load balancers and monitors: 200 when the database answers, else 503 — JSON either way.

    (The task queue joins the checks once background jobs exist.)
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
