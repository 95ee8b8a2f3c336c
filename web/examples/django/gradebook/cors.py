"""CORS for a front end on another origin, in one small middleware.

django-cors-headers does the same (CORS_ALLOWED_ORIGINS, CORS_EXPOSE_HEADERS, CORS_ALLOW_HEADERS,
CORS_PREFLIGHT_MAX_AGE); this file shows what a cached, revalidating client needs from it:

- Access-Control-Expose-Headers with ETag and Last-Modified, or the browser hides the validators from JavaScript
  and the cache cannot revalidate;
- Access-Control-Allow-Headers with If-None-Match (every revalidation), If-Match and Idempotency-Key (writes),
  Accept-Language (Vary), and Access-Control-Max-Age, so the preflight that these headers cost is sent once per
  two hours, not before every request.
"""
import re

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

EXPOSE_HEADERS = 'ETag, Last-Modified, Date, Age, Vary, Location, Content-Location'
ALLOW_HEADERS = (
    'If-None-Match, If-Modified-Since, If-Match, Idempotency-Key, Content-Type, X-CSRFToken, Accept-Language, '
    'X-App-Version, X-Namespace'
)
ALLOW_METHODS = 'GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS'
MAX_AGE = '7200'  # seconds; Chromium caps preflight caching at 2 hours


class CorsMiddleware:
    """Answers preflights of allowed origins and marks their actual responses readable (settings.CORS_*)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.urls = re.compile(settings.CORS_URLS_REGEX)

    def __call__(self, request):
        if not self.urls.match(request.path_info):
            return self.get_response(request)
        origin = request.headers.get('Origin')
        allowed = origin is not None and origin in settings.CORS_ALLOWED_ORIGINS
        preflight = request.method == 'OPTIONS' and 'Access-Control-Request-Method' in request.headers
        if preflight:
            # Answered here, before the view: a preflight carries no credentials and asks only what is allowed.
            response = HttpResponse(status=204)
            del response['Content-Type']  # no body, no type
            if allowed:
                response['Access-Control-Allow-Methods'] = ALLOW_METHODS
                response['Access-Control-Allow-Headers'] = ALLOW_HEADERS
                response['Access-Control-Max-Age'] = MAX_AGE
        else:
            response = self.get_response(request)
            if allowed:
                response['Access-Control-Expose-Headers'] = EXPOSE_HEADERS
        if allowed:
            response['Access-Control-Allow-Origin'] = origin
            # With cookie (session) authentication add: response['Access-Control-Allow-Credentials'] = 'true'
        # The answer depends on Origin, so shared caches must keep one copy per origin. (etag-cache ignores Vary:
        # Origin: a page's requests always carry its own origin.)
        patch_vary_headers(response, ('Origin',))
        return response
