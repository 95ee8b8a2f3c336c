"""The built front end served at / (manage.py serve --static DIR), and the test-only endpoints."""
import shutil
import tempfile
from pathlib import Path

from django.test import TestCase, modify_settings, override_settings

from grades import testing


class FrontEndTests(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = Path(tempfile.mkdtemp())
        (cls.root / '_app/immutable/assets').mkdir(parents=True)
        (cls.root / 'index.html').write_text('<!doctype html><p>shell</p>')
        (cls.root / 'about.html').write_text('<!doctype html><p>about</p>')
        (cls.root / 'service-worker.js').write_text('self.addEventListener("fetch", () => {});')
        (cls.root / '_app/immutable/assets/etag-cache.0a1b2c.wasm').write_bytes(b'\0asm\1\0\0\0')
        (cls.root.parent / 'secret.txt').write_text('outside')  # mkdtemp's parent: must stay unreachable

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root)
        (cls.root.parent / 'secret.txt').unlink(missing_ok=True)
        super().tearDownClass()

    def get(self, path):
        with override_settings(SPA_DIR=str(self.root)):
            return self.client.get(path)

    def test_files_and_their_caching(self):
        cases = {
            '/': ('text/html', 'no-cache'),
            '/about': ('text/html', 'no-cache'),
            '/service-worker.js': ('text/javascript', 'no-cache'),
            '/_app/immutable/assets/etag-cache.0a1b2c.wasm': ('application/wasm', 'immutable'),
        }
        for path, (ctype, cache) in cases.items():
            with self.subTest(path):
                r = self.get(path)
                self.assertEqual(r.status_code, 200)
                self.assertTrue(r['Content-Type'].startswith(ctype), r['Content-Type'])
                self.assertIn(cache, r['Cache-Control'])

    def test_missing_files_and_escapes_are_refused(self):
        for path in ['/nothing.js', '/_app/']:
            with self.subTest(path):
                self.assertEqual(self.get(path).status_code, 404)
        for path in ['/../secret.txt', '/%2e%2e/secret.txt']:
            with self.subTest(path):
                self.assertEqual(self.get(path).status_code, 400)  # safe_join: SuspiciousFileOperation

    def test_nothing_is_served_without_a_directory(self):
        self.assertEqual(self.client.get('/').status_code, 404)

    def test_writes_are_refused(self):
        with override_settings(SPA_DIR=str(self.root)):
            self.assertEqual(self.client.post('/').status_code, 405)


class TestEndpointTests(TestCase):
    def test_off_by_default(self):
        self.assertEqual(self.client.get('/api/_test/applied?key=k').status_code, 404)
        self.assertEqual(self.client.get('/api/_test/log').status_code, 404)
        self.assertEqual(self.client.get('/api/_test/latency').status_code, 404)

    @override_settings(ETAG_CACHE_TEST_ENDPOINTS=True)
    def test_applied_counts_the_writes_of_a_key(self):
        self.assertEqual(self.client.get('/api/_test/applied?key=k').json(), {'key': 'k', 'applied': 0})
        for _ in range(2):
            self.client.patch('/api/grades/3/', '{"score": 1}', content_type='application/json',
                              HTTP_IDEMPOTENCY_KEY='k')
        self.assertEqual(self.client.get('/api/_test/applied?key=k').json(), {'key': 'k', 'applied': 1})
        self.assertEqual(self.client.get('/api/_test/applied').status_code, 400)

    @override_settings(ETAG_CACHE_TEST_ENDPOINTS=True)
    @modify_settings(MIDDLEWARE={'prepend': 'grades.testing.RequestLogMiddleware'})
    def test_the_request_log(self):
        self.assertEqual(self.client.delete('/api/_test/log').status_code, 204)
        etag = self.client.get('/api/grades/')['ETag']
        self.client.get('/api/grades/', HTTP_IF_NONE_MATCH=etag)
        log = self.client.get('/api/_test/log').json()
        self.assertEqual([(e['method'], e['status'], e['ifNoneMatch']) for e in log],
                         [('GET', 200, ''), ('GET', 304, etag)])
        self.client.delete('/api/_test/log')
        self.assertEqual(self.client.get('/api/_test/log').json(), [])

    @override_settings(ETAG_CACHE_TEST_ENDPOINTS=True)
    def test_latency_setting(self):
        self.assertEqual(self.client.get('/api/_test/latency').json(), {'ms': 0})
        r = self.client.post('/api/_test/latency', '{"ms": 5}', content_type='application/json')
        self.assertEqual(r.json(), {'ms': 5})
        for bad in ('{"ms": -1}', '{"ms": "5"}', '{"ms": true}', '[]', '{}'):
            with self.subTest(bad):
                r = self.client.post('/api/_test/latency', bad, content_type='application/json')
                self.assertEqual(r.status_code, 400)
        self.assertEqual(self.client.get('/api/_test/latency').json(), {'ms': 5})

    def tearDown(self):
        with testing._log_lock:
            testing._log.clear()
        testing._latency_ms = 0
