"""The parameters of the last full run, kept in the database (``MatchParameters``) per purpose."""

from contacts.matching.model import Parameters
from contacts.models import MatchParameters


def load(purpose: str) -> Parameters:
    """The stored parameters for ``purpose`` ("link:customer", "duplicates"), or the defaults."""
    row = MatchParameters.objects.filter(purpose=purpose).first()
    return Parameters.from_json(row.data) if row else Parameters.defaults()


def save(purpose: str, params: Parameters, *, pairs: int) -> None:
    """Keep what a run estimated from the data (defaults and stored values are not written back)."""
    if params.source != "estimated":
        return
    MatchParameters.objects.update_or_create(purpose=purpose, defaults={"data": params.as_json(), "pairs": pairs})
