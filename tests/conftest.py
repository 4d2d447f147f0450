import pytest
from django.db import connection

from contacts import sync
from tests import factories

# The role fixtures (a signed-in client per role) and helpers of the screen tests.
pytest_plugins = ["tests.screens"]


def pytest_addoption(parser):
    parser.addoption("--browser", action="store_true", help="run the end-to-end tests in headless Chromium")


def pytest_collection_modifyitems(config, items):
    run_browser = config.getoption("--browser")
    skip_browser = pytest.mark.skip(reason="browser test: run with --browser (./dev test-browser)")
    for item in items:
        if "browser" in item.keywords and not run_browser:
            item.add_marker(skip_browser)


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (./dev test-postgres)")


@pytest.fixture
def sync_on(db):
    """Marketing Setup with a business relation code per partner type and a Contact Nos. series."""
    return factories.marketing_setup()


@pytest.fixture
def numbered_partners(db):
    return factories.partner_setup()


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def customers_then_setup(db):
    """Customers without contacts (made before synchronization is switched on), then Marketing Setup."""
    def make(n, **fields):
        customers = factories.CustomerFactory.create_batch(n, **fields)
        factories.marketing_setup()
        return customers
    return make


@pytest.fixture
def batch_fails(monkeypatch):
    """``batch_fails(n, error)``: the engine's ``create_contacts_for_partners`` raises ``error`` on its n-th call
    (a batch failing mid-run: the earlier batches have committed). Returns a callable that mends it."""

    def arrange(n, error):
        original, calls = sync.create_contacts_for_partners, []

        def failing(*args, **kwargs):
            calls.append(1)
            if len(calls) == n:
                raise error
            return original(*args, **kwargs)

        monkeypatch.setattr(sync, "create_contacts_for_partners", failing)
        return lambda: monkeypatch.setattr(sync, "create_contacts_for_partners", original)

    return arrange
