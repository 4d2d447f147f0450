"""The review page of the matcher: pairs ``link_contacts`` was not sure enough about, to accept or reject.

Thin views: the decision is one service call (``services.accept_match`` links through the engine,
``services.reject_match`` remembers the "no" for every later run).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from contacts import selectors, services
from contacts.models import MatchReview
from contacts.views.links import may_link
from crm.htmx import render_page
from crm.pagination import paginate
from crm.permissions import require
from partners import kinds


@require_GET
@require("contacts.view_contact")
def review_list(request):
    """``?kind=customer`` (default) — the pairs to review for that kind, most likely first."""
    key = request.GET.get("kind") or "customer"
    if key not in kinds.KINDS:
        key = "customer"
    kind = kinds.get(key)
    page = paginate(selectors.match_reviews(key), request.GET.get("page"))
    return render_page(request, "contacts/match_review.html", {
        "kind": kind, "kinds": kinds.KINDS.values(), "counts": selectors.match_review_counts(), "page": page,
        "can_decide": may_link(request.user, kind),
    }, regions=("reviews",))


@require_POST
def review_decide(request, pk, decision):
    review = get_object_or_404(MatchReview.objects.select_related("contact"), pk=pk)
    kind = kinds.get(review.kind)
    if not (request.user.has_perm("contacts.view_contact") and may_link(request.user, kind)):
        raise PermissionDenied
    try:
        if decision == "accept":
            services.accept_match(review, user=request.user)
            messages.success(request, f"{kind.title} {review.partner_no} is now linked with contact "
                                      f"{review.contact.no} {review.contact.name}.")
        else:
            services.reject_match(review, user=request.user)
            messages.success(request, f"{kind.title} {review.partner_no} and contact {review.contact.no} will not "
                                      "be proposed again.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('contacts:match-review')}?kind={review.kind}")
