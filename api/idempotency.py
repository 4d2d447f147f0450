"""``Idempotency-Key`` on POST: the first response is stored per user and key; a retry with the same key and
body gets that response again (``Idempotent-Replayed: true``) and creates nothing; the same key with another
body is refused (422). The create and the stored response are one transaction, so a crash between them
leaves neither; two simultaneous first tries meet at the unique constraint and the loser replays."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import JsonResponse

from api.errors import Problem
from api.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEPT_HEADERS = ("ETag", "Location")


def _fingerprint(request, payload) -> str:
    text = json.dumps([request.method, request.path, payload], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(found, fingerprint):
    if found.fingerprint != fingerprint:
        raise Problem(422, f"This {HEADER} was used for another request; use a new key for a new request.",
                      slug="idempotency-key-reused",
                      errors=[{"field": HEADER, "rule": "reused", "message": "Key already used with another body."}])
    response = JsonResponse(found.body, status=found.status, safe=False)
    for name, value in found.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request, payload, make):
    """Run ``make()`` (→ an HttpResponse with a JSON body) once per ``Idempotency-Key``."""
    key = request.headers.get(HEADER)
    if key is None:
        return make()
    if not key.strip() or len(key) > 200:
        raise Problem(400, f"{HEADER} must be 1 to 200 characters.", slug="validation",
                      errors=[{"field": HEADER, "rule": "length", "message": "1 to 200 characters."}])
    fingerprint = _fingerprint(request, payload)
    found = IdempotentRequest.objects.filter(user=request.user, key=key).first()
    if found is not None:
        return _replay(found, fingerprint)
    try:
        with transaction.atomic():
            response = make()
            if response.status_code < 300:
                IdempotentRequest.objects.create(
                    user=request.user, key=key, fingerprint=fingerprint, status=response.status_code,
                    body=json.loads(response.content),
                    headers={name: response[name] for name in KEPT_HEADERS if response.has_header(name)})
    except IntegrityError:
        found = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if found is None:
            raise Problem(409, "The record conflicts with one saved at the same moment; read it and try again.",
                          slug="conflict") from None
        return _replay(found, fingerprint)
    return response
