// End-to-end tests of what the soak test (soak.test.mjs) turned up around a cache's life in a page: gets in flight
// when close() is called, and a cache opened after another one in the same page.
// Run: cd web && DIST_DIR=../dist node --test --test-concurrency=1 e2e/lifecycle.test.mjs   (needs `make build` first)
//
// Blank pages of the demo's origin (/demo/blank.html) importing /etag-cache.js as users do. "Repeat visit" pages are
// reloaded once the module is in the HTTP cache, so createCache waits for the module and reads are cached at once.

import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { buildDemo, startServer, launchBrowser, newBlankPage, openCacheIn, waitUntil } from './harness.mjs';

const T = { timeout: 90000 };

let build;
let browser;
let server;
let context;

before(async () => {
  build = await buildDemo();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await build?.cleanup();
});

beforeEach(async () => {
  server = await startServer(build.bin);
  context = await browser.newContext();
});

afterEach(async () => {
  await server?.hold(false).catch(() => {});
  await context?.close();
  await server?.stop();
});

/** A blank page on a repeat visit: the module is in the HTTP cache (a first cache loaded it), then a reload. */
async function repeatVisitPage() {
  const tab = await newBlankPage(context, server.url);
  await openCacheIn(tab.page, { version: 'v1', dbName: 'lifecycle-warm-up' });
  await tab.page.evaluate(() => window.__cache.close());
  await tab.page.reload();
  return tab;
}

test('a get waiting for the server when close() is called rejects with EtagCacheError saying the cache is closed',
  T,
  async (t) => {
    const { page } = await repeatVisitPage();
    assert.equal(await openCacheIn(page, { version: 'v1', namespace: 'x', dbName: 'lifecycle' }), 'indexeddb');
    await server.hold(true);
    await page.evaluate(() => {
      window.__outcome = window.__cache.get('/api/_test/echo?id=1')
        .then((r) => `resolved ${r.source}`, (e) => `${e.name}: ${e.message}`);
    });
    await waitUntil(async () => (await server.log()).some((e) => e.pending), 'the get reaches the server');
    const closed = await page.evaluate(() => window.__cache.close().then(() => 'closed', (e) => `${e.name}: ${e.message}`));
    await server.hold(false);
    const got = await page.evaluate(() => window.__outcome);
    t.diagnostic(`close(): ${closed}; the get: ${got}`);
    assert.equal(closed, 'closed');
    assert.match(got, /^EtagCacheError: .*closed/i,
      'a get cut short by close() is not a network failure (an app would show "offline")');
  });

test('gets started just before close() settle with a result or EtagCacheError "closed", never "malformed result", ' +
  'and the page logs no "call to released function"',
  T,
  async (t) => {
    const { page, consoleErrors } = await repeatVisitPage();
    const errorsBefore = consoleErrors.length;
    const outcomes = await page.evaluate(async () => {
      const { createCache } = await import('/etag-cache.js');
      const out = {};
      let id = 100;
      for (let i = 0; i < 30; i++) {
        const c = await createCache({ version: 'v1', namespace: 'x', dbName: 'lifecycle' });
        const gets = [0, 1, 2].map(() => c.get(`/api/_test/echo?id=${id++}`)
          .then((r) => `resolved ${r.source}`, (e) => `${e.name}: ${e.message.replace(/"?http\S+/g, 'URL')}`));
        await new Promise((r) => setTimeout(r, i % 4));
        await c.close();
        for (const o of await Promise.all(gets)) out[o] = (out[o] || 0) + 1;
      }
      return out;
    });
    const logged = consoleErrors.slice(errorsBefore);
    t.diagnostic(`outcomes of 90 gets: ${JSON.stringify(outcomes)}`);
    t.diagnostic(`console errors: ${logged.length} ${JSON.stringify([...new Set(logged)])}`);
    for (const o of Object.keys(outcomes)) {
      assert.match(o, /^resolved |^EtagCacheError: .*closed/i, `a get cut short by close(): ${o}`);
    }
    assert.deepEqual(logged.filter((e) => /released function/.test(e)), [], 'no call into a released function');
  });

test('a cache opened after another in the same page serves stored entries at once, offline too, even when the ' +
  'page\'s first cache was a first visit',
  T,
  async (t) => {
    // A first visit: the module is not in the HTTP cache; the first cache stores the entry once the module is there.
    const { page } = await newBlankPage(context, server.url);
    await openCacheIn(page, { version: 'v1', namespace: 'teacher-1', dbName: 'lifecycle' });
    assert.equal(await page.evaluate(() => window.__cache.get('/api/_test/echo?id=7').then((r) => r.source)), 'network');
    assert.equal(await page.evaluate(() => window.__cache.get('/api/_test/echo?id=7').then((r) => r.source)), 'cache');
    await page.evaluate(() => window.__cache.close());

    // Same page, the module long loaded: another cache on the same partition (a user logging in again), offline.
    await context.setOffline(true);
    const second = await page.evaluate(async () => {
      const { createCache } = await import('/etag-cache.js');
      const c = await createCache({ version: 'v1', namespace: 'teacher-1', dbName: 'lifecycle' });
      const storage = c.storage;
      const first = await c.get('/api/_test/echo?id=7')
        .then((r) => `resolved ${r.source}`, (e) => `${e.name}: ${e.message}`);
      await c.close();
      return { storage, first };
    });
    t.diagnostic(`the second cache: ${JSON.stringify(second)}`);
    assert.deepEqual(second, { storage: 'indexeddb', first: 'resolved cache' });
  });

// The control for the test above: on a repeat visit the same steps pass.
test('on a repeat visit a cache opened after another in the same page serves stored entries at once, offline too',
  T, async () => {
    const { page } = await repeatVisitPage();
    assert.equal(await openCacheIn(page, { version: 'v1', namespace: 'teacher-1', dbName: 'lifecycle' }), 'indexeddb');
    assert.equal(await page.evaluate(() => window.__cache.get('/api/_test/echo?id=7').then((r) => r.source)), 'network');
    await page.evaluate(() => window.__cache.close());
    await context.setOffline(true);
    const second = await page.evaluate(async () => {
      const { createCache } = await import('/etag-cache.js');
      const c = await createCache({ version: 'v1', namespace: 'teacher-1', dbName: 'lifecycle' });
      const storage = c.storage;
      const first = await c.get('/api/_test/echo?id=7')
        .then((r) => `resolved ${r.source}`, (e) => `${e.name}: ${e.message}`);
      await c.close();
      return { storage, first };
    });
    assert.deepEqual(second, { storage: 'indexeddb', first: 'resolved cache' });
  });
