from io import StringIO

import pytest
from django.core.management import call_command

SIZES = {"contacts": 80, "customers": 20, "vendors": 10, "bank_accounts": 3}


@pytest.fixture
def run_seed_demo(db):
    """``manage.py seed_demo`` with small sizes and seed 7 unless told otherwise; returns what it printed."""
    def run(**options):
        out = StringIO()
        call_command("seed_demo", stdout=out, stderr=StringIO(), **{"seed": 7, **SIZES, **options})
        return out.getvalue()

    return run


@pytest.fixture
def seeded(run_seed_demo):
    return run_seed_demo()
