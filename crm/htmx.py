"""Page or region: the one way a screen answers, with or without htmx.

Each screen is one template whose swappable regions are ``{% partialdef %}`` blocks named like the id of
the element they render (``<div id="results">`` is the ``results`` partial). An htmx request names the
element it swaps in its ``HX-Target`` header; when that is one of the regions the view allows, it gets
``template#<region>``, otherwise (plain browsers, links without JavaScript, htmx requests aimed elsewhere)
the whole page (also when htmx reloads a page for its history).

Because the same URL answers with a fragment or a page, every answer carries ``Vary: HX-Request`` (and
``HX-Target`` when the view has regions), so no cache ever serves a fragment as a page or the other way
round.
"""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def region_of(request, regions=(), default_region=None) -> str | None:
    """The region an htmx request asks for among ``regions``, ``default_region`` when it names none of
    them, or None for the whole page (and for every request that is not an htmx request)."""
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.history_restore_request:  # htmx restoring a page from history wants all of it
        return None
    if htmx.target in regions:
        return htmx.target
    return default_region


def render_page(request, template, context=None, *, regions=(), default_region=None, status=200):
    """Render ``template`` — or only its region an htmx request targets — and mark the answer ``Vary``.

    ``regions``: the partials an htmx request may ask for by target. ``default_region``: the one an htmx
    request gets when it targets none of them; for endpoints that only htmx forms swapping that region call
    (e.g. a document's line actions); without it such requests get the whole page. An htmx request that
    reloads a page for its history always gets the whole page.
    """
    if default_region is not None and default_region not in regions:
        raise ValueError(f"default_region {default_region!r} is not one of the regions {regions!r}")
    region = region_of(request, regions, default_region)
    response = render(request, f"{template}#{region}" if region else template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target") if regions else ("HX-Request",))
    return response
