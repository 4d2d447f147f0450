# The role fixtures (a signed-in client per role) of the screen tests.
from tests.ui.conftest import (  # noqa: F401
    finance,
    finance_user,
    nobody,
    purchasing,
    purchasing_user,
    queries,
    roles,
    sales,
    sales_user,
)
