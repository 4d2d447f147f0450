"""Fixtures of the equivalence suite (tests/equivalence/README in the module docstrings of harness and data)."""

import pytest

@pytest.fixture(scope="module")
def outcomes():
    """Outcomes of finished runs, shared by the tests of one module.

    A run is a pure function of its seed and path (it builds its data and rolls it back), so the
    snapshot comparison and the history check of a scenario can look at the same two runs.
    """
    return {}
