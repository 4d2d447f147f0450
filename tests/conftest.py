import pytest
from django.db import connection

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
