"""Reads: ETags and 304s on the list and a grade, Cache-Control, Vary: Accept-Language and the Urdu answers."""
import gzip
import json

from django.test import TestCase

from grades.models import Grade

LIST = '/api/grades/'


def directives(response):
    return {d.strip() for d in response['Cache-Control'].split(',')}


def vary(response):
    return {v.strip().lower() for v in response['Vary'].split(',')}


class ListTests(TestCase):
    def test_list_has_a_collection_etag_and_revalidation_headers(self):
        r = self.client.get(LIST)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(len(r.json()), 12)
        self.assertRegex(r['ETag'], r'^"grades-en-12-\d+"$')
        self.assertEqual(directives(r), {'private', 'no-cache'})
        self.assertIn('accept-language', vary(r))
        self.assertEqual(r['Content-Language'], 'en')

    def test_matching_if_none_match_is_304_from_one_query_without_rendering(self):
        etag = self.client.get(LIST)['ETag']
        with self.assertNumQueries(1):  # the aggregate of the ETag; no row is read, nothing rendered
            r = self.client.get(LIST, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(r.status_code, 304)
        self.assertEqual(r.content, b'')
        self.assertEqual(r['ETag'], etag)
        self.assertEqual(directives(r), {'private', 'no-cache'})
        self.assertIn('accept-language', vary(r), 'a 304 carries the Vary of the 200')

    def test_if_none_match_forms(self):
        etag = self.client.get(LIST)['ETag']
        cases = {
            'weak form of the tag': ('W/' + etag, 304),
            'in a list': ('"other", ' + etag, 304),
            'star': ('*', 304),
            'another tag': ('"grades-en-0-0"', 200),
            'unquoted': (etag.strip('"'), 200),
            'empty list': (',', 200),
        }
        for name, (header, want) in cases.items():
            with self.subTest(name):
                self.assertEqual(self.client.get(LIST, HTTP_IF_NONE_MATCH=header).status_code, want, header)

    def test_any_write_changes_the_list_etag(self):
        before = self.client.get(LIST)['ETag']
        grade = Grade.objects.get(pk=3)
        grade.score = 12
        grade.save()  # auto_now moves updated_at
        after_edit = self.client.get(LIST)['ETag']
        self.assertNotEqual(after_edit, before)
        self.assertEqual(self.client.get(LIST, HTTP_IF_NONE_MATCH=before).status_code, 200)
        Grade.objects.filter(pk=12).delete()  # the newest row: the count still changes the tag
        self.assertNotIn(self.client.get(LIST)['ETag'], (before, after_edit))

    def test_gzip_makes_the_etag_weak_and_it_still_revalidates(self):
        r = self.client.get(LIST, HTTP_ACCEPT_ENCODING='gzip')
        self.assertEqual(r['Content-Encoding'], 'gzip')
        self.assertTrue(r['ETag'].startswith('W/"grades-en-'), r['ETag'])
        self.assertEqual(len(json.loads(gzip.decompress(r.content))), 12)
        again = self.client.get(LIST, HTTP_ACCEPT_ENCODING='gzip', HTTP_IF_NONE_MATCH=r['ETag'])
        self.assertEqual(again.status_code, 304)
        # GZipMiddleware leaves the empty 304 alone, so it names the strong form; the two match under the weak
        # comparison that If-None-Match uses.
        self.assertEqual(again['ETag'], r['ETag'].removeprefix('W/'))


class DetailTests(TestCase):
    def test_detail_etag_and_304(self):
        r = self.client.get('/api/grades/3/')
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r['ETag'], '"grade-3-v1-en"')
        self.assertEqual(r.json()['score'], 91)
        self.assertEqual(directives(r), {'private', 'no-cache'})
        with self.assertNumQueries(1):
            again = self.client.get('/api/grades/3/', HTTP_IF_NONE_MATCH='"grade-3-v1-en"')
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again['ETag'], '"grade-3-v1-en"')

    def test_missing_grade_is_404(self):
        self.assertEqual(self.client.get('/api/grades/999/').status_code, 404)
        self.assertEqual(self.client.get('/api/grades/999/', HTTP_IF_NONE_MATCH='*').status_code, 404)


class LanguageTests(TestCase):
    def test_urdu_answers_with_their_own_etag(self):
        en = self.client.get(LIST, HTTP_ACCEPT_LANGUAGE='en')
        ur = self.client.get(LIST, HTTP_ACCEPT_LANGUAGE='ur')
        self.assertEqual(ur['Content-Language'], 'ur')
        self.assertIn('accept-language', vary(ur))
        self.assertEqual(en.json()[0]['subject'], 'Mathematics')
        self.assertEqual(ur.json()[0]['subject'], 'ریاضی')
        self.assertEqual(ur.json()[5]['subject'], 'مطالعہ پاکستان')
        self.assertEqual(ur.json()[0]['student'], en.json()[0]['student'])
        self.assertRegex(ur['ETag'], r'^"grades-ur-12-\d+"$')
        self.assertNotEqual(ur['ETag'], en['ETag'], 'two representations, two tags')
        # The English tag does not validate the Urdu answer, nor the other way round.
        for tag, want in ((en['ETag'], 200), (ur['ETag'], 304)):
            self.assertEqual(self.client.get(LIST, HTTP_ACCEPT_LANGUAGE='ur', HTTP_IF_NONE_MATCH=tag).status_code, want)

    def test_language_negotiation(self):
        cases = {'ur-PK,en;q=0.5': 'ur', 'en-GB': 'en', 'fr': 'en', '': 'en', 'fr, ur;q=0.3': 'ur'}
        for header, want in cases.items():
            with self.subTest(header):
                r = self.client.get('/api/grades/1/', HTTP_ACCEPT_LANGUAGE=header)
                self.assertEqual(r['Content-Language'], want)
                self.assertEqual(r['ETag'], f'"grade-1-v1-{want}"')
