// End-to-end tests of issue 11's connectivity work in a real page: invalidate refreshes a subscriber, a failed
// background revalidation is reported at once while offline and retried only once the context is back online, and
// a page that becomes visible again re-reads its subscribed URLs.
// Run: cd web && DIST_DIR=../dist node --test --test-concurrency=1 e2e/online.test.mjs   (needs `make build` first)
//
// Blank pages of the demo's origin (/demo/blank.html) importing /etag-cache.js as users do. Offline is Playwright's
// context.setOffline, which makes fetch fail, sets navigator.onLine and fires the window's online/offline events.

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
  await context?.setOffline(false).catch(() => {});
  await context?.close();
  await server?.stop();
});

/** The requests the server saw for path (query left out). */
async function requestsFor(path) {
  return (await server.log()).filter((e) => e.method === 'GET' && e.path === path);
}

// The demo's responses are all no-cache (every read revalidates, whatever minRevalidateInterval says), so this shows
// the refetch and the subscriber's fresh data, not the throttle being passed (the unit and host tests cover that the
// entry is gone, so the read fetches). The browser's own HTTP cache may add If-None-Match to the refetch (fetch with
// cache: 'no-cache'), so the request log cannot tell our conditional requests from its.
test('invalidate refetches a subscribed URL and hands its subscriber the fresh data', T,
  async () => {
    const { page, pageErrors } = await newBlankPage(context, server.url);
    await openCacheIn(page, { version: 'v1', dbName: 'online-invalidate', minRevalidateInterval: 3600_000 });
    await page.evaluate(() => {
      window.__views = [];
      window.__cache.subscribe('/api/grades/', (r) => {
        window.__views.push(r.data.find((g) => g.id === 1).score);
      });
    });
    await waitUntil(() => page.evaluate(() => window.__views.length === 1), 'the subscriber gets the grades');
    const first = await page.evaluate(() => window.__views[0]);
    await server.editScore(1, first === 42 ? 43 : 42);
    const edited = first === 42 ? 43 : 42;

    const before = (await requestsFor('/api/grades/')).length;
    await page.evaluate(() => window.__cache.invalidate('/api/grades/'));
    await waitUntil(() => page.evaluate(() => window.__views.length === 2), 'the subscriber gets the fresh grades');
    assert.deepEqual(await page.evaluate(() => window.__views), [first, edited]);
    const gets = await requestsFor('/api/grades/');
    assert.equal(gets.length, before + 1, 'one fetch for the invalidated URL');
    assert.equal(gets.at(-1).status, 200, 'the server sent the edited list');
    const evicts = await page.evaluate(() => window.__events.filter((e) => e.type === 'evict'));
    assert.deepEqual(evicts.map((e) => e.reason), ['manual']);
    assert.deepEqual(pageErrors, []);
  });

test('offline: the error comes at once with retrying, no request goes until the context is back online, then the ' +
  'retry does', T, async (t) => {
  const { page, pageErrors } = await newBlankPage(context, server.url);
  await openCacheIn(page, { version: 'v1', dbName: 'online-offline' });
  const URL_ = '/api/_test/blob?size=200&id=offline-1'; // Cache-Control: no-cache: every read revalidates
  await page.evaluate((u) => {
    // Every fetch of the URL, with when it settled, and the connectivity and error events, with the fetches made
    // before each: a retry sent before the error event would show up there.
    window.__fetches = [];
    const real = window.fetch;
    window.fetch = function (input, init) {
      const rec = { failedAt: 0 };
      if (String(input).includes('id=offline-1')) window.__fetches.push(rec);
      const p = real.call(this, input, init);
      p.catch(() => {
        rec.failedAt = performance.now();
      });
      return p;
    };
    window.__seen = [];
    for (const type of ['online', 'offline', 'error', 'revalidated']) {
      window.__cache.addEventListener(type, (e) => {
        window.__seen.push({ type, at: performance.now(), fetches: window.__fetches.length,
          failed: window.__fetches.filter((f) => f.failedAt > 0).map((f) => f.failedAt), ...e.detail });
      });
    }
    return window.__cache.get(u);
  }, URL_);
  assert.equal(await page.evaluate(() => window.__cache.online), true);

  await context.setOffline(true);
  await waitUntil(() => page.evaluate(() => !navigator.onLine && !window.__cache.online), 'the page sees offline');
  await server.call('DELETE', '/api/_control/log');
  const fetchesBefore = await page.evaluate(() => window.__fetches.length);

  const r = await page.evaluate((u) => window.__cache.get(u).then((r) => r.source), URL_);
  assert.equal(r, 'cache', 'offline, the saved copy is served');
  const err = await waitUntil(() => page.evaluate(() => window.__seen.find((e) => e.type === 'error')),
    'the error event of the failed revalidation');
  t.diagnostic(`error event ${(err.at - err.failed.at(-1)).toFixed(1)} ms after the fetch failed`);
  assert.equal(err.kind, 'network');
  assert.equal(err.retrying, true, 'retries follow');
  assert.equal(err.fetches, fetchesBefore + 1, 'reported before any retry was sent');
  assert.equal(err.failed.length, 1, 'the offline fetch had failed (the first one, online, had not)');
  assert.ok(err.at - err.failed.at(-1) < 1000, 'no backoff waited before the report (generous bound)');

  // The old schedule retried within ~3 s (backoff under 1 s, then under 2 s): past it, still nothing sent.
  await new Promise((r) => setTimeout(r, 3500));
  assert.equal(await page.evaluate(() => window.__fetches.length), fetchesBefore + 1, 'no retry while offline');
  assert.deepEqual(await requestsFor('/api/_test/blob'), [], 'the server saw nothing while offline');
  const errors = await page.evaluate(() => window.__seen.filter((e) => e.type === 'error').length);
  assert.equal(errors, 1, 'one error event');

  await context.setOffline(false);
  const retry = await waitUntil(async () => (await requestsFor('/api/_test/blob'))[0], 'the retry reaches the server');
  assert.match(retry.ifNoneMatch, /blob-offline-1-200/, 'a conditional revalidation');
  await waitUntil(() => page.evaluate(() => window.__seen.some((e) => e.type === 'revalidated')), 'revalidated');
  const seen = await page.evaluate(() => window.__seen.map((e) => [e.type, e.cause ?? e.retrying ?? e.status]));
  assert.deepEqual(seen, [['offline', 'browser'], ['error', true], ['online', 'browser'], ['revalidated', 304]]);
  assert.equal(await page.evaluate(() => window.__cache.online), true);
  assert.deepEqual(pageErrors, []);
});

test('a page that becomes visible again re-reads its subscribed URLs (revalidateOnFocus)', T, async () => {
  const { page } = await newBlankPage(context, server.url);
  await openCacheIn(page, { version: 'v1', dbName: 'online-focus' });
  const path = '/api/_test/blob';
  await page.evaluate(() => {
    window.__n = 0;
    window.__cache.subscribe('/api/_test/blob?size=200&id=focus-1', () => window.__n++);
  });
  await waitUntil(() => page.evaluate(() => window.__n === 1), 'the subscriber gets the blob');
  await waitUntil(async () => (await requestsFor(path)).length === 1, 'one fetch');
  // Headless pages stay visible: the event a tab switch back fires is dispatched by hand.
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  const gets = await waitUntil(async () => {
    const g = await requestsFor(path);
    return g.length === 2 && g;
  }, 'the re-read revalidates (no-cache)');
  assert.match(gets[1].ifNoneMatch, /blob-focus-1-200/);

  await page.evaluate(async () => {
    await window.__cache.close();
    const { createCache } = await import('/etag-cache.js');
    window.__off = await createCache({ version: 'v1', dbName: 'online-focus', revalidateOnFocus: false });
    await window.__off.ready;
    window.__off.subscribe('/api/_test/blob?size=200&id=focus-1', () => {});
  });
  await waitUntil(async () => (await requestsFor(path)).length === 3, 'the new subscriber reads (and revalidates)');
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await requestsFor(path)).length, 3, 'revalidateOnFocus: false: no re-read');
});
