// End-to-end test of Vary (RFC 9111 §4.1) in a real page: Urdu and English pages of one URL (the demo's
// /api/_test/lang answers by Accept-Language, with Vary: Accept-Language, as Django's LocaleMiddleware does) are
// stored side by side and each is served from the cache only to its own language -- through per-call headers (the
// Go side's get) and through a cache's default headers (the cached-read path that reads IndexedDB in JavaScript).
// Run: cd web && DIST_DIR=../dist node --test --test-concurrency=1 e2e/vary.test.mjs   (needs `make build` first)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildDemo, startServer, launchBrowser, newBlankPage, openCacheIn } from './harness.mjs';

let build;
let browser;
let server;

before(async () => {
  build = await buildDemo();
  browser = await launchBrowser();
  server = await startServer(build.bin);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await build?.cleanup();
});

const URL_ = '/api/_test/lang';

/** In the page: reads URL_ through cache (a global name) with init; {source, lang, error}. */
function read(page, cache, init) {
  return page.evaluate(async ([cache, url, init]) => {
    try {
      const r = await window[cache].get(url, init);
      return { source: r.source, lang: r.data.lang };
    } catch (e) {
      return { error: `${e.name}: ${e.message}` };
    }
  }, [cache, URL_, init]);
}

test('Urdu and English variants of one URL are served side by side from the cache', { timeout: 90000 }, async (t) => {
  const context = await browser.newContext();
  try {
    const { page, pageErrors } = await newBlankPage(context, server.url);
    assert.equal(await openCacheIn(page, { version: 'v1', dbName: 'vary-e2e' }), 'indexeddb');
    await page.evaluate(() => { window.perCall = window.__cache; });
    const ur = { headers: { 'Accept-Language': 'ur' } };
    const en = { headers: { 'Accept-Language': 'en' } };

    assert.deepEqual(await read(page, 'perCall', ur), { source: 'network', lang: 'ur' });
    assert.deepEqual(await read(page, 'perCall', en), { source: 'network', lang: 'en' },
      'the stored Urdu page is not served to an English request');
    for (const [init, lang] of [[ur, 'ur'], [en, 'en'], [ur, 'ur'], [en, 'en']]) {
      assert.deepEqual(await read(page, 'perCall', init), { source: 'cache', lang });
    }
    assert.equal((await page.evaluate(() => window.perCall.stats())).entries, 2, 'one entry per variant');

    // Caches whose default headers pick the language: their plain gets take the cached-read path first.
    for (const lang of ['ur', 'en']) {
      await page.evaluate(async ([lang]) => {
        const { createCache } = await import('/etag-cache.js');
        window[lang] = await createCache({
          version: 'v1', dbName: 'vary-e2e', fetchInit: { headers: { 'Accept-Language': lang } },
        });
      }, [lang]);
      assert.deepEqual(await read(page, lang, {}), { source: 'cache', lang }, `a cache reading in ${lang}`);
    }

    // The server answered 200 once per language; every revalidation named its own variant's ETag (another's would
    // have drawn a 200 with the other language).
    const log = (await server.log()).filter((e) => e.path.startsWith(URL_));
    t.diagnostic(`requests: ${JSON.stringify(log.map((e) => [e.ifNoneMatch, e.status]))}`);
    assert.equal(log.filter((e) => e.status === 200).length, 2);
    assert.ok(log.length > 2, 'cached reads were revalidated');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
