"""Content-Security-Policy (crm/settings SECURE_CSP, Django's ContentSecurityPolicyMiddleware): every page answers
with a strict policy, its scripts carry the page's nonce, and no template has inline script, event handler or
style left that the policy would block."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


def _policy(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


@pytest.mark.parametrize("user_fixture, path", [
    ("sales", "/contacts/"), ("sales", "/contacts/new/"), ("sales", "/customers/"), ("purchasing", "/vendors/"),
    ("finance", "/bank-accounts/"), ("sales", "/documents/sales/"), ("purchasing", "/documents/purchase/"),
    ("sales", "/contacts/csv/customer/import/"), ("client", "/accounts/login/"),
])
def test_every_main_page_sends_the_strict_policy_and_its_scripts_carry_the_nonce(request, user_fixture, path):
    if user_fixture == "client":
        request.getfixturevalue("db")
    response = request.getfixturevalue(user_fixture).get(path)
    assert response.status_code == 200
    policy = _policy(response)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'" and policy["img-src"] == "'self' data:"
    assert "unsafe" not in response["Content-Security-Policy"]
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert len(scripts) == 2 and all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)


def test_each_page_gets_its_own_nonce(sales):
    first, second = (_policy(sales.get("/contacts/"))["script-src"] for _ in range(2))
    assert first != second


def test_htmx_is_told_not_to_inject_its_indicator_style(sales):
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in \
        sales.get("/contacts/").content.decode()


def test_no_template_has_an_inline_script_handler_or_style():
    offending = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\bhx-on", r"<style", r"\sstyle\s*=",
                            r"javascript:"):
                offending += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offending == []
