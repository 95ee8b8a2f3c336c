"""Test-only endpoints, for the end-to-end tests that drive a browser against this server. They answer 404 unless
settings.ETAG_CACHE_TEST_ENDPOINTS (DJANGO_TEST_ENDPOINTS=1) is set; never enable them in production.

GET    /api/_test/applied?key=K  {"key": K, "applied": n}: how many writes were applied with Idempotency-Key K
GET    /api/_test/log            the /api/grades/ requests seen since the last DELETE, oldest first, each
                                 {method, path, ifNoneMatch, ifMatch, idempotencyKey, status, etag}; status is
                                 null while the request is being answered
DELETE /api/_test/log            forgets them
GET    /api/_test/latency        {"ms": n}
POST   /api/_test/latency        {"ms": n}: /api/grades/ GETs wait n ms before they are answered (0: off), so a
                                 test can see what the page shows before the server answers
"""
import threading
import time

from django.conf import settings
from django.http import Http404
from rest_framework.decorators import api_view
from rest_framework.response import Response

from grades.models import GradeChange

_log = []
_log_lock = threading.Lock()
_latency_ms = 0


def _enabled():
    if not settings.ETAG_CACHE_TEST_ENDPOINTS:
        raise Http404('test endpoints are off')


@api_view(['GET'])
def applied(request):
    _enabled()
    key = request.query_params.get('key', '')
    if not key:
        return Response({'detail': 'key is required'}, status=400)
    return Response({'key': key, 'applied': GradeChange.objects.filter(idempotency_key=key).count()})


@api_view(['GET', 'DELETE'])
def request_log(request):
    _enabled()
    with _log_lock:
        if request.method == 'DELETE':
            _log.clear()
            return Response(status=204)
        return Response([dict(e) for e in _log])


@api_view(['GET', 'POST'])
def latency(request):
    global _latency_ms
    _enabled()
    if request.method == 'POST':
        ms = request.data.get('ms') if isinstance(request.data, dict) else None
        if not isinstance(ms, (int, float)) or isinstance(ms, bool) or not 0 <= ms <= 60_000:
            return Response({'detail': 'ms must be a number from 0 to 60000'}, status=400)
        _latency_ms = ms
    return Response({'ms': _latency_ms})


class RequestLogMiddleware:
    """Records every /api/grades/ request and the status it was answered with (settings put it outermost, so
    the 304s of ConditionalGetMiddleware and the CORS preflights are seen too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.ETAG_CACHE_TEST_ENDPOINTS and request.path.startswith('/api/grades/')):
            return self.get_response(request)
        entry = {
            'method': request.method,
            'path': request.get_full_path(),
            'ifNoneMatch': request.headers.get('If-None-Match', ''),
            'ifMatch': request.headers.get('If-Match', ''),
            'idempotencyKey': request.headers.get('Idempotency-Key', ''),
            'status': None,
            'etag': '',
        }
        with _log_lock:
            _log.append(entry)
        if request.method in ('GET', 'HEAD') and _latency_ms:
            time.sleep(_latency_ms / 1000)
        response = self.get_response(request)
        with _log_lock:
            entry.update(status=response.status_code, etag=response.get('ETag', ''))
        return response
