import pytest

from jobs import services
from tests import factories


@pytest.fixture
def start_now(django_capture_on_commit_callbacks):
    """start_job, its commit simulated: the immediate backend of the test settings runs the chunks at once."""
    def start(kind, options, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.start_job(kind, options, **kwargs)
        job.refresh_from_db()
        return job
    return start


@pytest.fixture
def customers_then_setup(db):
    """Customers without contacts (made before synchronization is switched on), then Marketing Setup."""
    def make(n, **fields):
        customers = factories.CustomerFactory.create_batch(n, **fields)
        factories.marketing_setup()
        return customers
    return make
