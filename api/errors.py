"""Refusals as problem-details bodies (RFC 9457): ``type``, ``title``, ``status``, ``detail`` and ``errors``
(each naming the field and the rule). Every refusal of the API goes through ``problem()``; the handlers below
turn Django's and django-ninja's exceptions into one, so a client never gets a 500 or an HTML page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

PROBLEM_TYPE = "https://crm.invalid/problems/"  # + slug; a stable identifier, not fetched
CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request", 401: "Authentication required", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 409: "Conflict", 412: "Precondition failed", 413: "Request too large",
    415: "Unsupported media type", 422: "Refused", 428: "Precondition required", 429: "Too many requests",
}


class Problem(Exception):
    """Raise to answer with a problem-details body."""

    def __init__(self, status: int, detail: str, *, slug: str = "", errors=None, extra=None, headers=None):
        super().__init__(detail)
        self.status, self.detail, self.slug = status, detail, slug
        self.errors = errors or []
        self.extra = extra or {}
        self.headers = headers or {}


def body(status: int, detail: str, *, slug: str = "", errors=None, extra=None) -> dict:
    title = TITLES.get(status, "Error")
    return {"type": PROBLEM_TYPE + (slug or title.lower().replace(" ", "-")), "title": title, "status": status,
            "detail": detail, "errors": errors or [], **(extra or {})}


def validation_errors(exc: ValidationError) -> list[dict]:
    """[{"field", "rule", "message"}] of a Django ValidationError (``field`` "" for the record as a whole)."""
    if hasattr(exc, "error_dict"):
        return [{"field": "" if field == "__all__" else field, "rule": error.code or "invalid",
                 "message": " ".join(str(m) for m in error.messages)}
                for field, errors in exc.error_dict.items() for error in errors]
    return [{"field": "", "rule": error.code or "refused", "message": " ".join(str(m) for m in error.messages)}
            for error in exc.error_list]


def form_errors(form) -> list[dict]:
    return [{"field": "" if field == "__all__" else field, "rule": error.get("code") or "invalid",
             "message": error["message"]}
            for field, errors in form.errors.get_json_data().items() for error in errors]


def refused_by_form(form) -> Problem:
    errors = form_errors(form)
    return Problem(422, " ".join(e["message"] for e in errors) or "The data was refused.", slug="validation",
                   errors=errors)


def refused(exc: ValidationError) -> Problem:
    errors = validation_errors(exc)
    return Problem(422, " ".join(e["message"] for e in errors), slug="refused", errors=errors)


def _loc(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(parts)


def install(api):
    """Register the handlers on the NinjaAPI ``api``."""

    def respond(request, status, detail, *, slug="", errors=None, extra=None, headers=None):
        response = api.create_response(request, body(status, detail, slug=slug, errors=errors, extra=extra),
                                       status=status)
        response["Content-Type"] = CONTENT_TYPE
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(Problem)
    def on_problem(request, exc):
        return respond(request, exc.status, exc.detail, slug=exc.slug, errors=exc.errors, extra=exc.extra,
                       headers=exc.headers)

    @api.exception_handler(ValidationError)
    def on_django_validation(request, exc):
        problem = refused(exc)
        return respond(request, 422, problem.detail, slug="refused", errors=problem.errors)

    @api.exception_handler(NinjaValidationError)
    def on_schema_validation(request, exc):
        errors = [{"field": _loc(e.get("loc", ())), "rule": e.get("type", "invalid"), "message": e.get("msg", "")}
                  for e in exc.errors]
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors) or "Invalid request."
        return respond(request, 422, detail, slug="validation", errors=errors)

    @api.exception_handler(Throttled)
    def on_throttled(request, exc):
        return respond(request, 429, "Too many requests: wait before trying again.", slug="rate-limited")

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return respond(request, 401, "Send a valid API key (Authorization: Bearer <key>) or sign in.",
                       slug="unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="api"'})

    @api.exception_handler(AuthorizationError)
    def on_forbidden(request, exc):
        return respond(request, 403, str(exc) or "You may not do this.", slug="forbidden")

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return respond(request, 404, str(exc) or "Not found.", slug="not-found")

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        return respond(request, exc.status_code, str(exc), slug="")


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    return response
