"""Conditional requests: an ``ETag`` on every item (from its ``version``), ``If-None-Match`` → 304, and
``If-Match`` required on PATCH and DELETE: 428 without it, 412 with the current representation when stale."""

from api.errors import Problem


def etag_of(version) -> str:
    return f'"{version}"'


def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def none_match(request, etag: str) -> bool:
    """True when ``If-None-Match`` names ``etag`` (or ``*``): the client's copy is current."""
    header = request.headers.get("If-None-Match", "")
    return bool(header) and any(tag in (etag, "*") for tag in _tags(header))


def required_version(request) -> int:
    """The version ``If-Match`` names; 428 when the header is missing, 412 when it names no version."""
    header = request.headers.get("If-Match")
    if not header:
        raise Problem(428, "Send If-Match with the ETag of the record you read: changes need it, so that "
                           "nobody overwrites a change they have not seen.", slug="if-match-required",
                      errors=[{"field": "If-Match", "rule": "required", "message": "If-Match header is required."}])
    tags = _tags(header)
    if len(tags) == 1 and tags[0].startswith('"') and tags[0].endswith('"') and tags[0][1:-1].isdigit() \
            and len(tags[0]) < 20:
        return int(tags[0][1:-1])
    raise Problem(412, "If-Match names no version of this record.", slug="stale",
                  errors=[{"field": "If-Match", "rule": "etag", "message": "Not an ETag of this API."}])


def stale(current: dict | None, what: str) -> Problem:
    """412: the record changed (or went) since the client read it; the body carries its current state."""
    if current is None:
        return Problem(412, f"{what} was deleted by someone else.", slug="stale", extra={"current": None})
    return Problem(412, f"{what} was changed by someone else since you read it (now version {current['version']}). "
                        "Read it again, then repeat your change on the current version.", slug="stale",
                   extra={"current": current}, headers={"ETag": etag_of(current["version"])})
