"""The address of a contact merged into another (Duplicates → Merge) leads to the contact that survived.

``follows_merges`` wraps the views of one contact (``/contacts/<pk>/…``): when the view finds no such
contact and ``contacts.MergedContact`` says it was merged, a GET (a bookmark, a link in an old e-mail)
is redirected to the same page of the survivor with a note saying so; a POST (a form shown before the
merge) does nothing and goes to the survivor's card with the same note, so that no action lands on
another contact unseen. The normal path costs nothing: the merge record is read only after a 404.
"""

import functools

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from contacts import selectors


def merged_message(merged) -> str:
    survivor = merged.survivor
    return (f"Contact {merged.old_no} {merged.old_name} was merged into contact {survivor.no} {survivor.name} "
            f"on {merged.merged_at:%Y-%m-%d}; this is the contact that holds its data now.")


def follows_merges(view):
    @functools.wraps(view)
    def wrapper(request, *args, pk, **kwargs):
        try:
            return view(request, *args, pk=pk, **kwargs)
        except Http404:
            merged = selectors.merged_into(pk)
            if merged is None:
                raise
        if request.method != "GET":
            messages.warning(request, merged_message(merged) + " Nothing was done: check it and try again.")
            return redirect(merged.survivor)
        messages.info(request, merged_message(merged))
        match = request.resolver_match
        url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "pk": merged.survivor.pk})
        query = request.META.get("QUERY_STRING")
        return redirect(f"{url}?{query}" if query else url)

    return wrapper
