"""Request bodies: JSON objects only; a NUL character (which PostgreSQL cannot store), an escaped lone surrogate
(no database stores it) or a number too long to be one is refused with 400 before any view runs (crm.middleware
does the same for forms and query strings)."""

import json

from ninja.errors import HttpError
from ninja.parser import Parser

from crm.middleware import NUL, NUL_MESSAGE


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _is_unicode(data) -> bool:
    """False when the JSON held a lone surrogate escape (``"\\ud800"``): text no database can store."""
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return False
    return True


class StrictJsonParser(Parser):
    def parse_body(self, request):
        if not request.body:
            return {}
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError, UnicodeDecodeError):
            raise HttpError(400, "The request body is not valid JSON.") from None
        if _has_nul(data):
            raise HttpError(400, NUL_MESSAGE)
        if b"\\u" in request.body and not _is_unicode(data):
            raise HttpError(400, "The request body holds an escaped lone surrogate (\\ud800…): not text.")
        return data
