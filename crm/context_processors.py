"""Context shared by every page: the navigation the user may see."""

from django.urls import NoReverseMatch, reverse

# (label, URL name, permission needed), in the order of the top bar; a page joins it with one line. The entry
# whose permission is a model's view permission is that model's list (crm.csv_views returns there).
NAVIGATION = [
    ("Contacts", "contacts:list", "contacts.view_contact"),
    ("Customers", "partners:customer-list", "partners.view_customer"),
    ("Vendors", "partners:vendor-list", "partners.view_vendor"),
    ("Bank accounts", "partners:bank-account-list", "partners.view_bankaccount"),
    ("Duplicates", "contacts:duplicates", "contacts.view_contact"),
    ("Sales documents", "documents:sales-list", "documents.view_salesheader"),
    ("Purchase documents", "documents:purchase-list", "documents.view_purchaseheader"),
    ("Jobs", "jobs:list", "jobs.view_job"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = []
    for label, url_name, perm in NAVIGATION:
        if not user.has_perm(perm):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    # One entry lights up: the one whose address is the longest start of the page's (/contacts/duplicates/…
    # is Duplicates, not also Contacts).
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"navigation": items}
