"""The NinjaAPI instance behind /api/v1/: authentication (API key or session), rate limit, problem-details
errors, strict JSON bodies, and the routers of each resource."""

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI, Swagger
from ninja.openapi.views import openapi_view

from api import errors
from api.auth import KeyAuth, PerCaller, Session
from api.parser import StrictJsonParser


def docs_need_login(view):
    """The docs page is a page: it needs a signed-in user. The schema itself stays readable for clients."""
    return login_required(view) if getattr(view, "func", None) is openapi_view else view


api = NinjaAPI(
    title="CRM API",
    version="1",
    description=(
        "Contacts, customers, vendors, bank accounts and their links, over the same services as the screens. "
        "Authenticate with `Authorization: Bearer <key>` (an API key: `manage.py create_api_key`) or a signed-in "
        "session (CSRF token required on changes). Every item has an ETag; PATCH and DELETE need `If-Match`; "
        "POST honours `Idempotency-Key`. Refusals are problem-details bodies (RFC 9457)."),
    auth=[KeyAuth(), Session()],
    throttle=[PerCaller()],
    parser=StrictJsonParser(),
    urls_namespace="api-v1",
    # Swagger UI from ninja's static files (ninja is an installed app), no CDN; no external validator badge.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    docs_decorator=docs_need_login,
)
errors.install(api)

from api import actions, changes, contacts, documents, jobs, partners, relations, webhooks  # noqa: E402

for _router in (contacts.router, partners.router, relations.router, actions.router, documents.router,
                changes.router, jobs.router, webhooks.router):
    api.add_router("", _router)
