"""Serving a built front end (the SvelteKit example's build/) from Django, so that page and API share an origin.

For the example and its end-to-end tests: one server, no proxy, no CORS. In production let the web server or a CDN
serve these files (or WhiteNoise); the caching rules below are what they should apply.
"""
import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

# Whatever the system's mime.types says: the module must arrive as application/wasm for streaming compilation,
# and a service worker script must have a JavaScript type or the browser refuses to register it.
mimetypes.add_type('application/wasm', '.wasm')
mimetypes.add_type('text/javascript', '.js')


@require_safe
def serve_file(request, path):
    """GET/HEAD of a file under settings.SPA_DIR; a directory means its index.html, /about means about.html."""
    if not settings.SPA_DIR:
        raise Http404('no front end is served (manage.py serve --static DIR)')
    root = Path(settings.SPA_DIR)
    if path == '' or path.endswith('/'):
        path += 'index.html'
    elif not (root / path).is_file() and (root / (path + '.html')).is_file():
        path += '.html'  # adapter-static writes prerendered /about as about.html
    response = serve(request, path, document_root=str(root))  # safe_join: no way out of root
    if path.startswith('_app/immutable/'):
        # Names that change with their content (Vite's hashes): cache them for a year, never revalidate.
        patch_cache_control(response, public=True, max_age=31536000, immutable=True)
    else:
        # Pages, the service worker, version.json: revalidate every time so a new deployment shows at once.
        patch_cache_control(response, no_cache=True)
    return response
