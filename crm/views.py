from django.shortcuts import redirect
from django.urls import reverse

from crm.context_processors import NAVIGATION


def home(request):
    """The start page is the first list the user may see."""
    for _label, url_name, perm in NAVIGATION:
        if request.user.has_perm(perm):
            return redirect(url_name)
    if request.user.is_staff:
        return redirect(reverse("admin:index"))
    return redirect("contacts:list")  # answers 403 with the explanation page
