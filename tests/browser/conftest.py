"""End-to-end harness: real headless Chromium (Debian's) driven by Playwright against pytest-django's live_server.

Run with ``./dev test-browser`` (plain ``./dev test`` skips tests marked ``browser``). Tests get:
``page`` (a fresh browser context per test, base URL = the live server), ``login(page, username)``,
``users`` (one user per role, password ``PASSWORD``) and ``screenshot(page, name)``. Screenshots go to
the test's temporary directory; with ``UPDATE_SCREENSHOTS=1`` they replace docs/screenshots/<name>.png,
the README's pictures (``UPDATE_SCREENSHOTS=1 ./dev test-browser``), so an ordinary run leaves the
working tree clean.
"""

import os
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from crm.roles import create_roles
from tests import factories

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PASSWORD = "correct horse battery staple"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def _browser():
    # Module scope: Playwright's sync API allows one running instance per thread, and a test module may
    # start its own (tests/browser/test_documents_flow.py does); ours is closed at the end of each module.
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # the machine is shared: give assertions the actions' patience

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(_browser, live_server, transactional_db):
    """Open another independent browser (own cookies), e.g. for a second user or a second tab's session."""
    contexts = []

    def open_page():
        context = _browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def users(transactional_db):
    create_roles(apps)
    result = {}
    for username, role in (("sally", "Sales"), ("percy", "Purchasing"), ("fiona", "Finance")):
        user = factories.UserFactory(username=username, first_name=username.title())
        user.groups.add(Group.objects.get(name=role))
        result[username] = user
    boss = factories.UserFactory(username="boss", first_name="Boss", is_staff=True)
    boss.groups.add(Group.objects.get(name="Administrators"))
    result["boss"] = boss
    return result


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("nav.mainnav")


@pytest.fixture
def login():
    return log_in


@pytest.fixture
def screenshot(tmp_path):
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path

    def take(page, name):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=False)

    return take


@pytest.fixture
def sync_setup(transactional_db):
    """Marketing Setup codes + Contact Nos., and number series for customers, vendors and bank accounts."""
    factories.partner_setup()
    return factories.marketing_setup()
