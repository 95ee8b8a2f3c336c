"""URLs: the grades API under /api/, test-only endpoints under /api/_test/ (404 unless enabled), and, with
`manage.py serve --static DIR`, a built front end at /."""
from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from gradebook import spa
from grades import testing
from grades.views import GradeViewSet

router = SimpleRouter()
router.register('grades', GradeViewSet, basename='grade')

urlpatterns = [
    path('api/_test/applied', testing.applied),
    path('api/_test/log', testing.request_log),
    path('api/_test/latency', testing.latency),
    path('api/', include(router.urls)),
    # Anything else outside /api/: a file of the built front end (settings.SPA_DIR), or 404.
    re_path(r'^(?!api/)(?P<path>.*)$', spa.serve_file),
]
