"""The contact lookup behind the number fields (a person's company, a document's contact): ``<option>`` rows
for an htmx request, a small search page for a browser without JavaScript (crm.search.LookupInput)."""

from django.views.decorators.http import require_GET

from contacts import selectors
from crm.htmx import render_page
from crm.permissions import require
from crm.search import lookup_query


@require_GET
@require("contacts.view_contact")
def contact_lookup(request):
    q = lookup_query(request)
    company_only = request.GET.get("type") == "company"
    return render_page(request, "crm/lookup.html", {
        "what": "a company contact" if company_only else "a contact", "q": q,
        "rows": selectors.contact_lookup(q, user=request.user, company_only=company_only),
        "keep": [("type", "company")] if company_only else [],
    }, regions=("options",), default_region="options")
