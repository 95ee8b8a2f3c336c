"""ETags of the grades API, computed without rendering a body.

The list's tag comes from one aggregate query (row count and newest updated_at), a row's from its version column.
Both include the language, because the Urdu and the English answer of one URL are different representations
(`Vary: Accept-Language`), and one tag must never name two representations.
"""
from calendar import timegm

from django.conf import settings
from django.db.models import Count, Max
from django.utils.http import parse_etags

from grades.i18n import language
from grades.models import Grade


def list_etag(request, *args, **kwargs):
    """The ETag of /api/grades/: changes when a row is added, deleted or written (count, newest updated_at).

    Its signature is a view's, for django.views.decorators.http.condition."""
    agg = Grade.objects.aggregate(n=Count('id'), newest=Max('updated_at'))
    newest = agg['newest']
    micros = timegm(newest.utctimetuple()) * 1_000_000 + newest.microsecond if newest else 0
    return f'"grades-{language()}-{agg["n"]}-{micros}"'


def row_etag(pk, version, lang=None):
    """The ETag of /api/grades/<pk>/ at a version, in a language (the active one by default)."""
    return f'"grade-{pk}-v{version}-{lang or language()}"'


def detail_etag(request, pk, *args, **kwargs):
    """The current ETag of /api/grades/<pk>/, or None when there is no such row (the view then answers 404).

    Its signature is a view's, for django.views.decorators.http.condition."""
    version = Grade.objects.filter(pk=pk).values_list('version', flat=True).first()
    return None if version is None else row_etag(pk, version)


def if_match_passes(header, grade):
    """Whether an If-Match header names the grade's current version.

    '*' matches any existing row. A tag of the current version matches in any language: the precondition is about
    the row, not about which translation the client last read. RFC 9110 asks for the strong comparison here, so a
    weak tag would never match; but GZipMiddleware (and nginx's gzip) weaken our tags when they compress a body,
    although the version they name does not depend on the content-coding, so we compare the opaque tags and ignore
    W/. (If your tags hash the body, keep the strong comparison.) A malformed header matches nothing.
    """
    tags = parse_etags(header)
    if tags == ['*']:
        return True
    current = {row_etag(grade.pk, grade.version, code) for code, _ in settings.LANGUAGES}
    return any(tag.removeprefix('W/') in current for tag in tags)
