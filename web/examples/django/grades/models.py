from django.core.validators import MaxValueValidator
from django.db import models

from grades.i18n import SUBJECT_CHOICES


class Grade(models.Model):
    """One student's score in one subject.

    version counts the writes of the row: it is the row's ETag material and the compare-and-swap value of
    If-Match. updated_at (indexed) with the row count is the list's ETag material. Every write must change both:
    GradeViewSet's writes do; a QuerySet.update() elsewhere must set them itself (auto_now does not run there).
    """

    student = models.CharField(max_length=100)
    subject = models.CharField(max_length=40, choices=SUBJECT_CHOICES)
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ['id']

    def __str__(self):
        return f'{self.student}, {self.subject}: {self.score}'


class GradeChange(models.Model):
    """The audit trail: one row per write applied, with the Idempotency-Key it came with (if any). Counting the
    rows of a key tells whether a retried request was applied once (the test endpoint /api/_test/applied)."""

    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name='changes')
    score_before = models.PositiveSmallIntegerField()
    score_after = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=255, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True)


class IdempotencyKey(models.Model):
    """The answer to the first request sent with a given Idempotency-Key, replayed to its retries.

    fingerprint (method, path and body) tells a retry from another request reusing the key. Only applied writes are
    stored: a request that changed nothing (400, 404, 412) can be retried as it is. Keys are worth keeping as long
    as clients retry (a day, say); delete older rows from a periodic job.
    """

    key = models.CharField(max_length=255, unique=True)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    etag = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
