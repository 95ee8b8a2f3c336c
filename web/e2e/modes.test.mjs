// End-to-end tests of get's refresh modes and abort (issue 11), in headless Chromium against the demo server: an
// aborted get rejects with AbortError and its request is cancelled at the server; 'only-if-cached' on a miss rejects
// with NotCachedError and sends nothing; 'no-cache' offline serves the stored copy stale with an `error` event;
// 'reload' reaches the server without validators; 'force-cache' sends nothing.
// Run: cd web && DIST_DIR=$PWD/../dist node --test --test-concurrency=1 e2e/modes.test.mjs   (needs `make build`)
//
// Blank pages of the demo's origin (/demo/blank.html) on a repeat visit: the module is in the HTTP cache, so
// createCache waits for it and the cache stores from the first get on. Requests are told apart with the server's
// log (what reached it, with the If-None-Match it carried, browser-added ones included) and the page's `request`
// events (what the page sent, in the order it sent them).

import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { buildDemo, startServer, launchBrowser, newBlankPage, openCacheIn, eventsIn, waitUntil } from './harness.mjs';

const T = { timeout: 90000 };
const ECHO = '/api/_test/echo';

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

/** A blank page on a repeat visit with an open cache (window.__cache), recording the page's echo requests. */
async function cachePage(dbName) {
  const tab = await newBlankPage(context, server.url);
  await openCacheIn(tab.page, { version: 'v1', dbName: dbName + '-warm-up' });
  await tab.page.evaluate(() => window.__cache.close());
  await tab.page.reload();
  assert.equal(await openCacheIn(tab.page, { version: 'v1', dbName }), 'indexeddb');
  tab.requests = [];
  tab.page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === ECHO || u.pathname === '/api/grades/') tab.requests.push(u.pathname + u.search);
  });
  return tab;
}

/** In the page: get(url, init) settled as {ok, source, stale, etag, n} or {name, message}. */
function getIn(page, url, init = {}) {
  return page.evaluate(async ([url, init]) => {
    try {
      const r = await window.__cache.get(url, init);
      return { ok: true, source: r.source, stale: r.stale, etag: r.etag, n: r.data && r.data.n };
    } catch (e) {
      return { ok: false, name: e.name, message: e.message };
    }
  }, [url, init]);
}

/** The server's log of echo requests from index from on. */
async function echoLog(from = 0) {
  return (await server.log()).slice(from).filter((e) => e.path === ECHO);
}

test('an aborted get rejects with AbortError and the server sees its request cancelled', T, async () => {
  const { page, pageErrors } = await cachePage('modes-abort');
  await server.hold(true);
  await page.evaluate((url) => {
    window.__controller = new AbortController();
    window.__outcome = window.__cache.get(url, { signal: window.__controller.signal })
      .then((r) => ({ ok: true, source: r.source }), (e) => ({ ok: false, name: e.name, same: e === window.__controller.signal.reason }));
  }, `${ECHO}?id=1`);
  await waitUntil(async () => (await echoLog()).some((e) => e.pending), 'the get reaches the server');
  await page.evaluate(() => window.__controller.abort());
  const outcome = await page.evaluate(() => window.__outcome);
  assert.deepEqual(outcome, { ok: false, name: 'AbortError', same: true }, 'rejected with the signal\'s reason');
  // The hold is still on: only the request's cancellation lets the server's handler go on.
  await waitUntil(async () => (await echoLog()).every((e) => !e.pending), 'the server sees the request cancelled');
  assert.equal((await echoLog()).length, 1);

  // An already-aborted signal: rejected, nothing sent.
  const sent = (await echoLog()).length;
  const r = await page.evaluate(async (url) => {
    try {
      await window.__cache.get(url, { signal: AbortSignal.abort() });
      return 'resolved';
    } catch (e) {
      return e.name;
    }
  }, `${ECHO}?id=2`);
  assert.equal(r, 'AbortError');
  await server.hold(false);
  assert.equal((await getIn(page, `${ECHO}?id=3`)).ok, true, 'the cache keeps serving');
  assert.equal((await echoLog()).length, sent + 1, 'only the last get reached the server');
  assert.deepEqual(pageErrors, []);
});

test('one caller\'s abort leaves a shared request to the other', T, async () => {
  const { page, pageErrors } = await cachePage('modes-shared');
  await server.hold(true);
  await page.evaluate((url) => {
    window.__controller = new AbortController();
    window.__a = window.__cache.get(url, { signal: window.__controller.signal }).then(() => 'resolved', (e) => e.name);
    window.__b = window.__cache.get(url).then((r) => r.data.id, (e) => e.name);
  }, `${ECHO}?id=7`);
  await waitUntil(async () => (await echoLog()).some((e) => e.pending), 'the get reaches the server');
  assert.equal(await page.evaluate(() => { window.__controller.abort(); return window.__a; }), 'AbortError');
  await server.hold(false);
  assert.equal(await page.evaluate(() => window.__b), 7, 'the other caller gets the shared response');
  const log = await echoLog();
  assert.equal(log.length, 1, 'one request for both');
  assert.equal(log[0].status, 200);
  assert.deepEqual(pageErrors, []);
});

test('only-if-cached: a miss rejects with NotCachedError and sends nothing; a hit is served', T, async () => {
  const tab = await cachePage('modes-only');
  const url = `${ECHO}?id=11`;
  const miss = await getIn(tab.page, url, { cache: 'only-if-cached' });
  assert.equal(miss.ok, false);
  assert.equal(miss.name, 'NotCachedError');
  assert.deepEqual(tab.requests, [], 'no request');
  assert.equal((await getIn(tab.page, url)).source, 'network');
  const hit = await getIn(tab.page, url, { cache: 'only-if-cached' });
  assert.deepEqual([hit.ok, hit.source], [true, 'cache']);
  // A later request of the page shows that none for the hit came before it (the page's requests are in order).
  await getIn(tab.page, `${ECHO}?id=12`);
  assert.deepEqual(tab.requests, [url, `${ECHO}?id=12`]);
  assert.deepEqual(tab.pageErrors, []);
});

test('force-cache serves the stored copy without asking the server', T, async () => {
  const tab = await cachePage('modes-force');
  const url = `${ECHO}?id=21`;
  const first = await getIn(tab.page, url, { cache: 'force-cache' });
  assert.equal(first.source, 'network', 'a miss fetches');
  // The echo responses are private, no-cache: a default read would revalidate at once.
  const r = await getIn(tab.page, url, { cache: 'force-cache' });
  assert.deepEqual([r.source, r.etag], ['cache', first.etag]);
  await getIn(tab.page, `${ECHO}?id=22`);
  assert.deepEqual(tab.requests, [url, `${ECHO}?id=22`], 'no revalidation');
  // Against a default read of the same entry, which does revalidate.
  await getIn(tab.page, url);
  await waitUntil(() => tab.requests.length === 3, 'the default read revalidates');
  assert.deepEqual(tab.pageErrors, []);
});

test('no-cache revalidates before answering; offline it serves the stored copy stale with an error event', T,
  async () => {
    const tab = await cachePage('modes-nocache');
    const url = `${ECHO}?id=31`;
    const stored = await getIn(tab.page, url);
    const from = (await server.log()).length;
    const r = await getIn(tab.page, url, { cache: 'no-cache' });
    assert.deepEqual([r.ok, r.source, r.stale], [true, 'network', false]);
    const log = await echoLog(from);
    assert.equal(log.length, 1, 'asked the server before answering');
    assert.equal(log[0].ifNoneMatch, stored.etag, 'with the stored ETag');

    await context.setOffline(true);
    const errorsBefore = (await eventsIn(tab.page, 'error')).length;
    const off = await getIn(tab.page, url, { cache: 'no-cache' });
    assert.deepEqual([off.ok, off.source, off.stale, off.etag], [true, 'cache', true, stored.etag]);
    const errors = (await eventsIn(tab.page, 'error')).slice(errorsBefore);
    assert.equal(errors.length, 1, 'an error event, by the time the get resolved');
    assert.equal(errors[0].kind, 'network');
    assert.equal(new URL(errors[0].url).pathname + new URL(errors[0].url).search, url);
    await context.setOffline(false);
    assert.deepEqual(tab.pageErrors, []);
  });

test('reload reaches the server without validators and stores the response', T, async () => {
  const tab = await cachePage('modes-reload');
  const url = `${ECHO}?id=41`;
  await getIn(tab.page, url);
  await getIn(tab.page, `${ECHO}?id=42`); // settles the first get's background revalidation, if any
  const from = (await server.log()).length;
  const r = await getIn(tab.page, url, { cache: 'reload' });
  assert.deepEqual([r.ok, r.source], [true, 'network']);
  const log = await echoLog(from);
  assert.equal(log.length, 1);
  assert.equal(log[0].ifNoneMatch, '', 'no If-None-Match: neither ours nor the browser HTTP cache\'s');
  assert.equal(log[0].status, 200);
  const hit = await getIn(tab.page, url, { cache: 'only-if-cached' });
  assert.deepEqual([hit.source, hit.etag, hit.n], ['cache', r.etag, r.n], 'the reload\'s response is what is stored');
  assert.deepEqual(tab.pageErrors, []);
});

test('before the module arrives: only-if-cached rejects at once, an abort cancels the network fetch, reload ' +
  'fetches without validators', T, async () => {
  await server.call('POST', '/api/_control/module', { mode: 'hold' });
  const { page, pageErrors } = await newBlankPage(context, server.url);
  const storage = await page.evaluate(async () => {
    const { createCache } = await import('/etag-cache.js');
    window.__cache = await createCache({ version: 'v1', dbName: 'modes-first' });
    return window.__cache.storage;
  });
  assert.equal(storage, 'none', 'the module is held back: gets go to the network');

  const miss = await getIn(page, `${ECHO}?id=51`, { cache: 'only-if-cached' });
  assert.deepEqual([miss.ok, miss.name], [false, 'NotCachedError']);
  assert.deepEqual(await echoLog(), [], 'nothing sent');

  await server.hold(true);
  await page.evaluate((url) => {
    window.__controller = new AbortController();
    window.__outcome = window.__cache.get(url, { signal: window.__controller.signal }).then(() => 'resolved', (e) => e.name);
  }, `${ECHO}?id=52`);
  await waitUntil(async () => (await echoLog()).some((e) => e.pending), 'the get reaches the server');
  assert.equal(await page.evaluate(() => { window.__controller.abort(); return window.__outcome; }), 'AbortError');
  await waitUntil(async () => (await echoLog()).every((e) => !e.pending), 'the server sees the fetch cancelled');
  await server.hold(false);

  const url = `${ECHO}?id=53`;
  await getIn(page, url); // in the browser's HTTP cache now (private, no-cache)
  const from = (await server.log()).length;
  const r = await getIn(page, url, { cache: 'reload' });
  assert.deepEqual([r.ok, r.source], [true, 'network']);
  const log = await echoLog(from);
  assert.equal(log.length, 1);
  assert.equal(log[0].ifNoneMatch, '', 'no validator of the browser HTTP cache\'s either');
  assert.deepEqual(pageErrors, []);
});
