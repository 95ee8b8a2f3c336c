"""CORS: preflights of allowed origins, readable validators on the answers, nothing for other origins."""
from django.test import TestCase, override_settings

FRONT = 'http://localhost:5173'


def names(value):
    return {v.strip().lower() for v in value.split(',')}


@override_settings(CORS_ALLOWED_ORIGINS=[FRONT])
class CorsTests(TestCase):
    def preflight(self, origin=FRONT):
        return self.client.options(
            '/api/grades/3/', HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD='PUT',
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS='if-match, idempotency-key, content-type',
        )

    def test_preflight_allows_the_cache_and_write_headers(self):
        r = self.preflight()
        self.assertEqual(r.status_code, 204)
        self.assertEqual(r['Access-Control-Allow-Origin'], FRONT)
        self.assertEqual(r['Access-Control-Max-Age'], '7200')
        self.assertLessEqual({'get', 'put', 'patch'}, names(r['Access-Control-Allow-Methods']))
        want = {'if-none-match', 'if-modified-since', 'if-match', 'idempotency-key', 'content-type', 'x-csrftoken',
                'accept-language', 'x-app-version', 'x-namespace'}
        self.assertEqual(names(r['Access-Control-Allow-Headers']), want)
        self.assertIn('origin', names(r['Vary']))

    def test_answers_expose_the_validators(self):
        for status, headers in {200: {}, 304: {'HTTP_IF_NONE_MATCH': '*'}}.items():
            with self.subTest(status):
                r = self.client.get('/api/grades/', HTTP_ORIGIN=FRONT, **headers)
                self.assertEqual(r.status_code, status)
                self.assertEqual(r['Access-Control-Allow-Origin'], FRONT)
                want = {'etag', 'last-modified', 'date', 'age', 'vary', 'location', 'content-location'}
                self.assertEqual(names(r['Access-Control-Expose-Headers']), want)
                self.assertIn('origin', names(r['Vary']))

    def test_errors_carry_cors_headers_too(self):
        r = self.client.patch('/api/grades/3/', '{"score": 1}', content_type='application/json',
                              HTTP_ORIGIN=FRONT, HTTP_IF_MATCH='"stale"')
        self.assertEqual(r.status_code, 412)
        self.assertEqual(r['Access-Control-Allow-Origin'], FRONT, 'or the page cannot read the 412 body')

    def test_other_origins_get_no_cors_headers(self):
        r = self.preflight(origin='http://evil.example')
        self.assertEqual(r.status_code, 204)
        self.assertFalse(r.has_header('Access-Control-Allow-Origin'))
        self.assertFalse(r.has_header('Access-Control-Allow-Headers'))
        r = self.client.get('/api/grades/', HTTP_ORIGIN='http://evil.example')
        self.assertFalse(r.has_header('Access-Control-Allow-Origin'))
        self.assertFalse(r.has_header('Access-Control-Expose-Headers'))

    def test_same_origin_requests_are_untouched(self):
        r = self.client.get('/api/grades/')
        self.assertFalse(r.has_header('Access-Control-Allow-Origin'))
        self.assertIn('origin', names(r['Vary']))

    def test_an_options_request_that_is_not_a_preflight_reaches_the_view(self):
        r = self.client.options('/api/grades/', HTTP_ORIGIN=FRONT)
        self.assertEqual(r.status_code, 200)
        self.assertIn('GET', r['Allow'])
