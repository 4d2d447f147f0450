"""crm.htmx.render_page: the whole page or the region an htmx request targets, always with Vary."""

import pytest
from django.test import RequestFactory, override_settings
from django_htmx.middleware import HtmxDetails

from crm.htmx import render_page

PAGE = """<html><body><h1>Page</h1>
{% partialdef results inline %}<div id="results">rows</div>{% endpartialdef %}
{% partialdef preview inline %}<div id="preview">preview</div>{% endpartialdef %}
</body></html>"""

LOCMEM = override_settings(TEMPLATES=[{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"page.html": PAGE})]},
}])


def request(**headers):
    req = RequestFactory().get("/somewhere/", headers=headers)
    req.htmx = HtmxDetails(req)
    return req


def vary(response):
    return {value.strip() for value in response.get("Vary", "").split(",")}


@LOCMEM
def test_a_plain_request_gets_the_whole_page_with_vary():
    response = render_page(request(), "page.html", regions=("results",))
    html = response.content.decode()
    assert html.startswith("<html>") and '<div id="results">' in html
    assert "HX-Request" in vary(response)


@LOCMEM
def test_an_htmx_request_targeting_an_allowed_region_gets_only_that_region_with_vary():
    response = render_page(request(HX_Request="true", HX_Target="results"), "page.html",
                           regions=("results", "preview"))
    assert response.content.decode().strip() == '<div id="results">rows</div>'
    assert {"HX-Request", "HX-Target"} <= vary(response)
    other = render_page(request(HX_Request="true", HX_Target="preview"), "page.html", regions=("results", "preview"))
    assert other.content.decode().strip() == '<div id="preview">preview</div>'


@LOCMEM
@pytest.mark.parametrize("headers", [
    {"HX_Request": "true"},  # no target
    {"HX_Request": "true", "HX_Target": "preview"},  # a region this view does not offer
    {"HX_Request": "true", "HX_Target": "body"},  # e.g. a boosted link
    {"HX_Request": "true", "HX_Target": "results", "HX_History_Restore_Request": "true"},
    {"HX_Target": "results"},  # not an htmx request
])
def test_every_other_request_gets_the_whole_page_with_vary(headers):
    response = render_page(request(**headers), "page.html", regions=("results",))
    assert response.content.decode().startswith("<html>")
    assert "HX-Request" in vary(response)


@LOCMEM
def test_a_view_without_regions_always_answers_the_page_and_still_varies():
    response = render_page(request(HX_Request="true", HX_Target="results"), "page.html")
    assert response.content.decode().startswith("<html>")
    assert "HX-Request" in vary(response)


@LOCMEM
def test_the_default_region_serves_htmx_requests_that_target_no_region_but_never_plain_ones():
    htmx = render_page(request(HX_Request="true"), "page.html", regions=("results",), default_region="results")
    assert htmx.content.decode().strip() == '<div id="results">rows</div>'
    plain = render_page(request(), "page.html", regions=("results",), default_region="results")
    assert plain.content.decode().startswith("<html>")
    assert "HX-Request" in vary(htmx) and "HX-Request" in vary(plain)


@LOCMEM
def test_the_status_is_passed_through():
    response = render_page(request(), "page.html", {"x": 1}, status=422)
    assert response.status_code == 422 and "HX-Request" in vary(response)


def test_a_default_region_outside_the_regions_is_a_programming_error():
    with pytest.raises(ValueError):
        render_page(request(), "page.html", regions=("results",), default_region="lines")
