import pytest

from jobs import services


@pytest.fixture
def start_now(django_capture_on_commit_callbacks):
    """start_job, its commit simulated: the immediate backend of the test settings runs the chunks at once."""
    def start(kind, options, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.start_job(kind, options, **kwargs)
        job.refresh_from_db()
        return job
    return start

