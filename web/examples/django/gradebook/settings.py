"""Settings of the gradebook example: a DRF API that etag-cache can cache and revalidate.

What matters for the cache is MIDDLEWARE (ETags, 304s, Vary, CORS), REST_FRAMEWORK (no cookie authentication, so
no CSRF token) and the few settings of our own at the end. The environment variables exist for the tests and for
`manage.py serve`; README.md is the guide.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name, default):
    """A comma-separated environment variable as a list (empty items dropped)."""
    return [item.strip() for item in os.environ.get(name, default).split(',') if item.strip()]


# A development key: set DJANGO_SECRET_KEY anywhere else. Nothing here is signed with it (no sessions, no cookies).
SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'insecure-etag-cache-example-key')
DEBUG = os.environ.get('DJANGO_DEBUG') == '1'
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', '[::1]', *env_list('DJANGO_ALLOWED_HOSTS', '')]

INSTALLED_APPS = [
    'rest_framework',
    'grades',
]

# Order matters. A request goes down this list and the response comes back up it:
MIDDLEWARE = [
    # Outermost, so it answers CORS preflights before anything else runs and puts the CORS headers on every /api/
    # answer, 304s and errors included (gradebook/cors.py).
    'gradebook.cors.CorsMiddleware',
    'django.middleware.security.SecurityMiddleware',
    # Compresses bodies of 200 bytes or more for clients that accept gzip, and then turns a strong ETag weak
    # ("x" -> W/"x"): the compressed bytes are not the bytes the tag was made for. Weak tags still match
    # If-None-Match (weak comparison), and etag-cache stores and sends them verbatim. It must sit above
    # ConditionalGetMiddleware, so that the ETag and the 304 decision are made on the uncompressed body.
    'django.middleware.gzip.GZipMiddleware',
    # GETs: answers 304 when If-None-Match matches the response's ETag, and gives responses without an ETag one
    # (an MD5 of the body: correct, but the body is rendered first). Our grade views set a cheap ETag themselves
    # and answer 304 before rendering; this covers every other GET.
    'django.middleware.http.ConditionalGetMiddleware',
    # Picks the language from Accept-Language (among LANGUAGES), adds `Vary: Accept-Language` and
    # Content-Language to every answer. Before CommonMiddleware, as Django's docs ask.
    'django.middleware.locale.LocaleMiddleware',
    'django.middleware.common.CommonMiddleware',
    # Kept as in any Django project: DRF views are exempt from it (see REST_FRAMEWORK below).
    'django.middleware.csrf.CsrfViewMiddleware',
]

ROOT_URLCONF = 'gradebook.urls'
WSGI_APPLICATION = 'gradebook.wsgi.application'

# SQLite, created and seeded by `migrate` (which `manage.py serve` runs). The default lives in var/, which git
# ignores; the end-to-end tests point DJANGO_DB_PATH at a file of their own. `manage.py test` uses an in-memory one.
DB_PATH = Path(os.environ.get('DJANGO_DB_PATH') or BASE_DIR / 'var' / 'db.sqlite3')
DB_PATH.parent.mkdir(parents=True, exist_ok=True)
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': str(DB_PATH)}}
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'

# English and Urdu. Subject names are translated by grades/i18n.py (a dict, not gettext: see README.md).
LANGUAGE_CODE = 'en'
LANGUAGES = [('en', 'English'), ('ur', 'Urdu')]
USE_I18N = True
USE_TZ = True
TIME_ZONE = 'UTC'

REST_FRAMEWORK = {
    'DEFAULT_RENDERER_CLASSES': ['rest_framework.renderers.JSONRenderer'],
    'DEFAULT_PARSER_CLASSES': ['rest_framework.parsers.JSONParser'],
    # A token-less demo API. DRF views are csrf_exempt, and only SessionAuthentication enforces CSRF; without
    # cookie authentication there is no ambient credential a forged cross-site request could use, so there is no
    # CSRF token to send. With SessionAuthentication, the SPA sends X-CSRFToken (allowed by the CORS middleware)
    # and the SPA's origin goes into CSRF_TRUSTED_ORIGINS; README.md says more.
    'DEFAULT_AUTHENTICATION_CLASSES': [],
    'DEFAULT_PERMISSION_CLASSES': ['rest_framework.permissions.AllowAny'],
    'UNAUTHENTICATED_USER': None,  # no django.contrib.auth in this example
}

# --- Settings of this example ---

# Origins of front ends served from elsewhere (the SvelteKit dev and preview servers by default). Same names as
# django-cors-headers' settings, which does the same job with more options.
CORS_ALLOWED_ORIGINS = env_list(
    'DJANGO_CORS_ALLOWED_ORIGINS',
    'http://localhost:5173,http://127.0.0.1:5173,http://localhost:4173,http://127.0.0.1:4173',
)
CORS_URLS_REGEX = r'^/api/'

# True: PUT/PATCH of a grade without If-Match is refused with 428 Precondition Required. False (the default here):
# such a write applies unconditionally (last write wins), so a plain form or curl still works; a write that
# carries If-Match is always checked (412 on a mismatch).
GRADES_REQUIRE_IF_MATCH = os.environ.get('DJANGO_REQUIRE_IF_MATCH') == '1'

# Test-only endpoints under /api/_test/ (how often an Idempotency-Key was applied, a request log). Never in
# production: they answer 404 unless this is set.
ETAG_CACHE_TEST_ENDPOINTS = os.environ.get('DJANGO_TEST_ENDPOINTS') == '1'
if ETAG_CACHE_TEST_ENDPOINTS:
    MIDDLEWARE.insert(0, 'grades.testing.RequestLogMiddleware')

# A built front end (e.g. the SvelteKit example's build/) that Django serves at /, set by `manage.py serve
# --static DIR`. Same origin as the API, so no CORS is involved. Unset: / is a 404.
SPA_DIR = os.environ.get('DJANGO_SPA_DIR') or None
