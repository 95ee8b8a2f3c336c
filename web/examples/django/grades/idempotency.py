"""Idempotency-Key for writes: a retried request gets the first answer instead of being applied again.

A client (an offline queue, a mobile app on a flaky network) sends a unique key with a write and the same key with
every retry of it. The first request is applied and its answer stored under the key, in the transaction that
applies it; a retry with the same method, path and body gets that answer back, with `Idempotent-Replayed: true`;
the same key with another request is refused with 422.
"""
import hashlib

from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from django.http import HttpResponse

from grades.models import IdempotencyKey

HEADER = 'Idempotency-Key'
MAX_LENGTH = 255


def key_of(request):
    """The request's Idempotency-Key, None without one; raises ValueError for an empty or too long one."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_LENGTH:
        raise ValueError(f'{HEADER} must be 1 to {MAX_LENGTH} characters')
    return key


def fingerprint(request):
    """What the key promises to repeat: method, path and body bytes. Call before reading request.data."""
    digest = hashlib.sha256(f'{request.method} {request.get_full_path()}\n'.encode())
    digest.update(request.body)
    return digest.hexdigest()


def earlier_answer(key, fingerprint_):
    """The stored answer to key (replayed), a 422 when key was used for another request, or None."""
    stored = IdempotencyKey.objects.filter(key=key).first()
    if stored is None:
        return None
    if stored.fingerprint != fingerprint_:
        return Response(
            {'detail': f'This {HEADER} was used with another request; use a new key for a new request.'},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    response = HttpResponse(bytes(stored.body), status=stored.status, content_type='application/json')
    if stored.etag:
        response['ETag'] = stored.etag
    if stored.language:
        response['Content-Language'] = stored.language  # LocaleMiddleware keeps a Content-Language already set
    response['Idempotent-Replayed'] = 'true'
    return response


def remember(key, fingerprint_, status_code, data, etag, language):
    """Stores the answer to key. Call inside the transaction that applies the write: if another request with the
    same key committed first, this raises IntegrityError and the write is rolled back with it."""
    IdempotencyKey.objects.create(
        key=key,
        fingerprint=fingerprint_,
        status=status_code,
        body=JSONRenderer().render(data),  # the bytes DRF's JSONRenderer sends for data
        etag=etag,
        language=language,
    )
