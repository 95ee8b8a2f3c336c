"""Writes: If-Match (412 with the current grade, 428 when required), Idempotency-Key (a retry is answered, not
applied again), the new ETag on every answer."""
import json
from unittest import mock

from django.db import IntegrityError
from django.test import TestCase, override_settings

from grades import idempotency
from grades.models import Grade, GradeChange, IdempotencyKey

URL = '/api/grades/3/'


class WriteTestCase(TestCase):
    def write(self, method='patch', body=None, url=URL, **headers):
        send = getattr(self.client, method)
        body = json.dumps({'score': 50} if body is None else body)
        return send(url, body, content_type='application/json', **headers)


class IfMatchTests(WriteTestCase):
    def test_matching_if_match_applies_and_answers_the_new_etag(self):
        r = self.write(HTTP_IF_MATCH='"grade-3-v1-en"')
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()['score'], 50)
        self.assertEqual(r.json()['version'], 2)
        self.assertEqual(r['ETag'], '"grade-3-v2-en"')
        self.assertEqual(self.client.get(URL)['ETag'], r['ETag'], 'the ETag a GET gives now')
        self.assertEqual(Grade.objects.get(pk=3).score, 50)

    def test_put_needs_the_writable_fields(self):
        r = self.write('put', body={}, HTTP_IF_MATCH='"grade-3-v1-en"')
        self.assertEqual(r.status_code, 400)
        self.assertIn('score', r.json())
        r = self.write('put', body={'score': 60, 'student': 'ignored'}, HTTP_IF_MATCH='"grade-3-v1-en"')
        self.assertEqual(r.status_code, 200)
        self.assertEqual((r.json()['score'], r.json()['student']), (60, 'Fatima Malik'))

    def test_stale_if_match_is_412_with_the_current_grade(self):
        self.write(HTTP_IF_MATCH='"grade-3-v1-en"')
        r = self.write(body={'score': 10}, HTTP_IF_MATCH='"grade-3-v1-en"')
        self.assertEqual(r.status_code, 412)
        self.assertEqual(r.json()['score'], 50, 'the body is the grade as it is now')
        self.assertEqual(r.json()['version'], 2)
        self.assertEqual(r['ETag'], '"grade-3-v2-en"')
        self.assertEqual(Grade.objects.get(pk=3).score, 50, 'nothing applied')
        self.assertEqual(GradeChange.objects.count(), 1)

    def test_if_match_forms(self):
        cases = {
            'current': ('"grade-3-v1-en"', 200),
            'current, read in Urdu': ('"grade-3-v1-ur"', 200),
            'weakened by gzip': ('W/"grade-3-v1-en"', 200),
            'in a list': ('"x", "grade-3-v1-en"', 200),
            'star': ('*', 200),
            'older version': ('"grade-3-v0-en"', 412),
            'another grade': ('"grade-4-v1-en"', 412),
            'unquoted': ('grade-3-v1-en', 412),
            'empty': ('', 412),
            'the list tag': ('"grades-en-12-1"', 412),
        }
        for name, (header, want) in cases.items():
            with self.subTest(name):
                Grade.objects.filter(pk=3).update(version=1)
                self.assertEqual(self.write(HTTP_IF_MATCH=header).status_code, want, header)

    def test_missing_grade_is_404(self):
        self.assertEqual(self.write(url='/api/grades/999/', HTTP_IF_MATCH='*').status_code, 404)

    def test_without_if_match_the_write_applies(self):
        r = self.write()
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r['ETag'], '"grade-3-v2-en"')

    @override_settings(GRADES_REQUIRE_IF_MATCH=True)
    def test_without_if_match_is_428_when_required(self):
        r = self.write()
        self.assertEqual(r.status_code, 428)
        self.assertEqual(Grade.objects.get(pk=3).version, 1)
        self.assertEqual(self.write(HTTP_IF_MATCH='"grade-3-v1-en"').status_code, 200)

    def test_list_etag_changes_after_a_write(self):
        before = self.client.get('/api/grades/')['ETag']
        self.write(HTTP_IF_MATCH='"grade-3-v1-en"')
        self.assertEqual(self.client.get('/api/grades/', HTTP_IF_NONE_MATCH=before).status_code, 200)


class IdempotencyTests(WriteTestCase):
    def applied(self, key):
        return GradeChange.objects.filter(idempotency_key=key).count()

    def test_a_retry_gets_the_first_answer_and_is_not_applied_again(self):
        first = self.write(body={'score': 40}, HTTP_IF_MATCH='"grade-3-v1-en"', HTTP_IDEMPOTENCY_KEY='k-1')
        self.assertEqual(first.status_code, 200)
        # The retry's If-Match no longer matches (the first request changed the version): it is still answered.
        retry = self.write(body={'score': 40}, HTTP_IF_MATCH='"grade-3-v1-en"', HTTP_IDEMPOTENCY_KEY='k-1')
        self.assertEqual(retry.status_code, 200)
        self.assertEqual(retry.content, first.content)
        self.assertEqual(retry['ETag'], first['ETag'])
        self.assertEqual(retry['Idempotent-Replayed'], 'true')
        self.assertFalse(first.has_header('Idempotent-Replayed'))
        self.assertEqual(self.applied('k-1'), 1)
        self.assertEqual(Grade.objects.get(pk=3).version, 2)

    def test_a_retry_gets_the_first_answer_even_after_later_writes(self):
        first = self.write(body={'score': 40}, HTTP_IDEMPOTENCY_KEY='k-2')
        self.write(body={'score': 41})
        retry = self.write(body={'score': 40}, HTTP_IDEMPOTENCY_KEY='k-2')
        self.assertEqual(retry.content, first.content)
        self.assertEqual(Grade.objects.get(pk=3).score, 41, 'the retry did not undo the later write')
        self.assertEqual(self.applied('k-2'), 1)

    def test_the_replay_keeps_the_language_of_the_first_answer(self):
        first = self.write(HTTP_IDEMPOTENCY_KEY='k-ur', HTTP_ACCEPT_LANGUAGE='ur')
        retry = self.write(HTTP_IDEMPOTENCY_KEY='k-ur', HTTP_ACCEPT_LANGUAGE='en')
        self.assertEqual(retry.json()['subject'], 'حیاتیات')
        self.assertEqual(retry['Content-Language'], 'ur')
        self.assertEqual(retry['ETag'], first['ETag'])

    def test_the_same_key_with_another_request_is_422(self):
        self.write(body={'score': 40}, HTTP_IDEMPOTENCY_KEY='k-3')
        cases = {
            'another body': ('patch', URL, {'score': 41}),
            'another method': ('put', URL, {'score': 40}),
            'another grade': ('patch', '/api/grades/4/', {'score': 40}),
        }
        for name, (method, url, body) in cases.items():
            with self.subTest(name):
                r = self.write(method, body=body, url=url, HTTP_IDEMPOTENCY_KEY='k-3')
                self.assertEqual(r.status_code, 422)
        self.assertEqual(self.applied('k-3'), 1)

    def test_failed_writes_are_not_stored(self):
        r = self.write(HTTP_IF_MATCH='"grade-3-v9-en"', HTTP_IDEMPOTENCY_KEY='k-4')
        self.assertEqual(r.status_code, 412)
        self.assertEqual(self.write(body={'score': 500}, HTTP_IDEMPOTENCY_KEY='k-5').status_code, 400)
        self.assertFalse(IdempotencyKey.objects.exists())
        # Once the precondition is right, the same key applies the write.
        self.assertEqual(self.write(HTTP_IF_MATCH='"grade-3-v1-en"', HTTP_IDEMPOTENCY_KEY='k-4').status_code, 200)
        self.assertEqual(self.applied('k-4'), 1)

    def test_bad_keys_are_400(self):
        for name, key in {'empty': '', 'blank': '  ', 'too long': 'k' * 256}.items():
            with self.subTest(name):
                self.assertEqual(self.write(HTTP_IDEMPOTENCY_KEY=key).status_code, 400)
        self.assertEqual(GradeChange.objects.count(), 0)

    def test_a_concurrent_duplicate_is_rolled_back_and_gets_the_winners_answer(self):
        # Another request with the same key commits right after our look-up found nothing: storing our answer then
        # breaks the unique key, our write is rolled back, and we answer what the other request answered.
        real_earlier_answer = idempotency.earlier_answer
        calls = []

        def winner_commits_after_the_lookup(key, fingerprint):
            calls.append(key)
            if len(calls) == 1:
                IdempotencyKey.objects.create(
                    key=key, fingerprint=fingerprint, status=200, body=b'{"winner":true}', etag='"w"'
                )
                return None
            return real_earlier_answer(key, fingerprint)

        with mock.patch.object(idempotency, 'earlier_answer', winner_commits_after_the_lookup):
            r = self.write(HTTP_IDEMPOTENCY_KEY='k-6')
        self.assertEqual(len(calls), 2)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json(), {'winner': True})
        self.assertEqual(r['ETag'], '"w"')
        self.assertEqual(self.applied('k-6'), 0, 'our write was rolled back')
        self.assertEqual(Grade.objects.get(pk=3).version, 1)

    def test_the_integrity_error_of_something_else_is_not_swallowed(self):
        with mock.patch.object(idempotency, 'remember', side_effect=IntegrityError('boom')):
            with self.assertRaises(IntegrityError):
                self.write(HTTP_IDEMPOTENCY_KEY='k-7')
