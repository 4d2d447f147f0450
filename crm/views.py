from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm.context_processors import NAVIGATION
from jobs import selectors as job_selectors


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
    """``/health/`` for load balancers and monitors, JSON: the database answers, and so does the task queue
    (django-tasks-db's table: tasks queued and running, the age of the oldest ready task — a backlog is reported,
    not an error). 503 only when the database or the queue cannot be read."""
    checks, queue = {}, None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    if checks["database"] == "ok":
        try:
            queue = job_selectors.task_queue()
            checks["task_queue"] = "ok"
        except DatabaseError as exc:
            checks["task_queue"] = f"error: {exc.__class__.__name__}"
    else:
        checks["task_queue"] = "error: the database does not answer"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", "checks": checks}
    if queue is not None:
        body["task_queue"] = queue
    return JsonResponse(body, status=200 if healthy else 503)
