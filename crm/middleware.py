"""Input checks at the edge: before any view, query or streamed response.

A NUL character (``\\x00``) cannot be stored in PostgreSQL text; SQLite keeps it and cuts strings there.
A request that carries one in its path, query string, form fields or cookies is answered "400 Bad Request"
with a plain page, for every database alike, before any view runs — so a list, a form or a streamed CSV
export never fails half-way. Uploaded files are checked where their text is read (``crm.csv_io.read_text``).
"""

from django.http import HttpResponseBadRequest

NUL = "\x00"
NUL_MESSAGE = ("The request contains a character that cannot be stored (NUL, an invisible control character). "
               "Remove it — it usually comes from text copied out of another program — and try again.")


def _has_nul(querydict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in querydict.lists())


def request_has_nul(request) -> bool:
    """True when the path, the query string, a form field (name or value) or a cookie contains a NUL."""
    if NUL in request.path or _has_nul(request.GET):
        return True
    if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return True
    return request.method == "POST" and _has_nul(request.POST)


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
