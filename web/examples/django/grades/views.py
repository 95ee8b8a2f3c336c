"""The grades API.

GET  /api/grades/        the list; ETag from one aggregate query, 304 to a matching If-None-Match before any row is
                         read or rendered
GET  /api/grades/<id>/   one grade; ETag from its version, 304 likewise
PUT  /api/grades/<id>/   {"score": n}; PATCH the same with every field optional. If-Match is checked (412 with the
                         current grade and its ETag on a mismatch; 428 without it when GRADES_REQUIRE_IF_MATCH),
                         Idempotency-Key is honoured (a retry gets the first answer, the write is applied once), and
                         the answer carries the new ETag.

Every answer says `Cache-Control: private, no-cache`: any cache may keep it, none may serve it without asking the
server first (If-None-Match), and shared caches must not keep it at all. That is the contract etag-cache follows:
serve the stored copy at once, revalidate in the background.
"""
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from grades import idempotency
from grades.etags import detail_etag, if_match_passes, list_etag, row_etag
from grades.i18n import language
from grades.models import Grade, GradeChange
from grades.serializers import GradeSerializer


class GradeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Grade.objects.all()
    serializer_class = GradeSerializer
    lookup_value_regex = r'[0-9]+'

    # Django's condition decorator computes the ETag first and answers 304 (or 412 to a failed If-Match) without
    # calling the view; otherwise it calls the view and puts the ETag on its answer.
    @method_decorator(condition(etag_func=list_etag))
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @method_decorator(condition(etag_func=detail_etag))
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def update(self, request, *args, partial=False, **kwargs):
        # Idempotency first: a retry of a write that was applied must get its answer, although its If-Match no
        # longer matches (the write it repeats changed the version).
        try:
            key = idempotency.key_of(request)
        except ValueError as err:
            return Response({'detail': str(err)}, status=status.HTTP_400_BAD_REQUEST)
        fingerprint = idempotency.fingerprint(request) if key else None
        if key:
            earlier = idempotency.earlier_answer(key, fingerprint)
            if earlier is not None:
                return earlier

        grade = self.get_object()
        if_match = request.headers.get('If-Match')
        if if_match is None and settings.GRADES_REQUIRE_IF_MATCH:
            return Response(
                {'detail': 'If-Match is required: send the ETag of the grade you are changing.'},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        if if_match is not None and not if_match_passes(if_match, grade):
            return self.precondition_failed(grade)

        serializer = self.get_serializer(grade, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        score = serializer.validated_data.get('score', grade.score)
        try:
            with transaction.atomic():
                rows = Grade.objects.filter(pk=grade.pk)
                if if_match is not None:
                    # Compare-and-swap on the version If-Match named: a write that landed since we read the row
                    # makes this update match nothing.
                    rows = rows.filter(version=grade.version)
                if not rows.update(score=score, version=F('version') + 1, updated_at=timezone.now()):
                    return self.precondition_failed(self.get_object())
                GradeChange.objects.create(
                    grade=grade, score_before=grade.score, score_after=score, idempotency_key=key or ''
                )
                grade.refresh_from_db()
                data = self.get_serializer(grade).data
                etag = row_etag(grade.pk, grade.version)
                if key:
                    idempotency.remember(key, fingerprint, status.HTTP_200_OK, data, etag, language())
        except IntegrityError:
            # A concurrent request with the same key committed first, and our write was rolled back: its answer
            # is ours.
            earlier = idempotency.earlier_answer(key, fingerprint) if key else None
            if earlier is None:
                raise
            return earlier
        return Response(data, headers={'ETag': etag})

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def precondition_failed(self, grade):
        """412 with the grade as it is now and its ETag: the client can show the conflict, or retry on top of it."""
        return Response(
            self.get_serializer(grade).data,
            status=status.HTTP_412_PRECONDITION_FAILED,
            headers={'ETag': row_etag(grade.pk, grade.version)},
        )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        return response
