"""Test-only endpoints, for the end-to-end tests that drive a browser against this server. They answer 404 unless
settings.ETAG_CACHE_TEST_ENDPOINTS (DJANGO_TEST_ENDPOINTS=1) is set; never enable them in production.

GET    /api/_test/applied?key=K  {"key": K, "applied": n}: how many writes were applied with Idempotency-Key K
GET    /api/_test/log            the /api/grades/ requests seen since the last DELETE, oldest first, each
                                 {method, path, ifNoneMatch, ifMatch, idempotencyKey, status, etag}
DELETE /api/_test/log            forgets them
"""
import threading

from django.conf import settings
from django.http import Http404
from rest_framework.decorators import api_view
from rest_framework.response import Response

from grades.models import GradeChange

_log = []
_log_lock = threading.Lock()


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
        return Response(list(_log))


class RequestLogMiddleware:
    """Records every /api/grades/ request and the status it was answered with (settings put it outermost, so
    the 304s of ConditionalGetMiddleware and the CORS preflights are seen too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.ETAG_CACHE_TEST_ENDPOINTS and request.path.startswith('/api/grades/'):
            entry = {
                'method': request.method,
                'path': request.get_full_path(),
                'ifNoneMatch': request.headers.get('If-None-Match', ''),
                'ifMatch': request.headers.get('If-Match', ''),
                'idempotencyKey': request.headers.get('Idempotency-Key', ''),
                'status': response.status_code,
                'etag': response.get('ETag', ''),
            }
            with _log_lock:
                _log.append(entry)
        return response
