// End-to-end tests of fault 4 ("never wrong"): tabs of two app versions side by side on one namespace (a phone
// during a release), and a subscribed tab told about content another tab of its version fetched.
// Run: cd web && DIST_DIR=../dist node --test --test-concurrency=1 e2e/versions.test.mjs   (needs `make build` first)
//
// The pages are blank pages of the demo's origin (/demo/blank.html) in one browser context (one IndexedDB, one
// BroadcastChannel space, one Web Locks space), each importing /etag-cache.js as users do. The version tabs read the
// demo server's test-only /api/_test/echo with fetchInit headers naming their version, so every body says which
// version it was fetched for: a tab served the other version's entry would show it.

import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildDemo,
  startServer,
  launchBrowser,
  newBlankPage,
  openCacheIn,
  eventsIn,
  readDatabase,
  parseKey,
  waitUntil,
} from './harness.mjs';

const T = { timeout: 90000 };
const SWEEP_DELAY_MS = 3000; // fetcher.DefaultSweepDelay: the start-up sweep runs this long after createCache

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
  await context?.close();
  await server?.stop();
});

/** In the page: get(url) → {source, ns, v, n} (the echo's body) or {error}. */
function get(page, url) {
  return page.evaluate(async (url) => {
    try {
      const r = await window.__cache.get(url);
      return { source: r.source, ns: r.data.ns, v: r.data.v, n: r.data.n };
    } catch (err) {
      return { error: `${err.name}: ${err.message}` };
    }
  }, url);
}

/** A blank page with a cache of version on the shared database and namespace, its requests echoing both. */
async function versionTab(version, extra = {}) {
  const tab = await newBlankPage(context, server.url);
  const options = {
    version, dbName: 'versions-e2e', namespace: 'school',
    fetchInit: { headers: { 'X-Namespace': 'school', 'X-App-Version': version } }, ...extra,
  };
  tab.storage = await openCacheIn(tab.page, options);
  return tab;
}

const versionEvicts = async (page) => (await eventsIn(page, 'evict')).filter((e) => e.reason === 'version');

test('fault 4: tabs of two app versions each keep serving their own entries; the other version goes once its ' +
  'last tab is closed', T, async (t) => {
  const url = '/api/_test/echo?id=1';
  const href = new URL(url, server.url).href;
  const v1 = await versionTab('v1');
  const v2 = await versionTab('v2');
  const opened = Date.now();
  assert.equal(v1.storage, 'indexeddb');
  assert.equal(v2.storage, 'indexeddb');

  // Alternate reads, 4 each: after each tab's first (a miss), every read is instant, from its own version's entry.
  const reads = { v1: [], v2: [] };
  for (let i = 0; i < 4; i++) {
    for (const [v, tab] of [['v1', v1], ['v2', v2]]) {
      const r = await get(tab.page, url);
      assert.equal(r.error, undefined, `${v} read ${i + 1}: ${r.error}`);
      assert.deepEqual([r.ns, r.v], ['school', v], `${v} read ${i + 1} is ${v}'s content`);
      reads[v].push(r.source);
    }
  }
  t.diagnostic(`sources: v1 ${reads.v1.join(' ')}; v2 ${reads.v2.join(' ')}`);
  assert.deepEqual(reads.v1, ['network', 'cache', 'cache', 'cache']);
  assert.deepEqual(reads.v2, ['network', 'cache', 'cache', 'cache']);

  // Past both tabs' start-up sweeps, with both open: nothing of either version is evicted, both entries are there,
  // and reads are still instant.
  await new Promise((r) => setTimeout(r, Math.max(0, opened + SWEEP_DELAY_MS + 1000 - Date.now())));
  for (const [v, tab] of [['v1', v1], ['v2', v2]]) {
    const r = await get(tab.page, url);
    assert.deepEqual([r.source, r.v], ['cache', v], `${v} after the start-up sweeps`);
    assert.deepEqual(await eventsIn(tab.page, 'evict'), [], `${v}: no evict event while both versions are open`);
  }
  const both = await readDatabase(v1.page, 'versions-e2e', { withBodies: true });
  assert.deepEqual(both.entries.map((e) => [parseKey(e.key).version, e.body.v]).sort(), [['v1', 'v1'], ['v2', 'v2']],
    'one entry per version, each holding its own version\'s body');

  // The v2 tab goes (its Web Lock with it); a new v1 tab's start-up sweep removes the v2 entry, and only it.
  await v2.page.close();
  const v1b = await versionTab('v1');
  const evict = await waitUntil(async () => (await versionEvicts(v1b.page))[0], 'the new v1 tab\'s sweep evicts v2',
    SWEEP_DELAY_MS + 10000);
  t.diagnostic(`the new v1 tab's sweep: ${JSON.stringify(await eventsIn(v1b.page, 'evict'))}`);
  assert.deepEqual(evict, { type: 'evict', url: href, reason: 'version' });
  const left = await readDatabase(v1b.page, 'versions-e2e', { withBodies: true });
  assert.deepEqual(left.entries.map((e) => [parseKey(e.key).version, e.body.v]), [['v1', 'v1']], 'only v1 is left');
  assert.equal(left.totals.bytes, left.bodyBytes, 'the byte total counts what is left');
  for (const tab of [v1, v1b]) {
    const r = await get(tab.page, url);
    assert.deepEqual([r.source, r.v], ['cache', 'v1'], 'the v1 entry stays');
  }
  assert.deepEqual(await versionEvicts(v1.page), [], 'the first v1 tab never evicted anything');
  assert.deepEqual(v1.pageErrors, []);
  assert.deepEqual(v1b.pageErrors, []);
});

test('fault 4: a subscribed tab is told about content another tab of its version fetched for a URL it had not ' +
  'stored, without a request of its own and without an update event', T, async (t) => {
  const url = '/api/grades/';
  const tab = async (version, storage) => {
    const p = await newBlankPage(context, server.url);
    p.storage = await openCacheIn(p.page, { version, dbName: 'relay-e2e', namespace: 'school', storage });
    p.requests = [];
    p.page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/api/')) p.requests.push(`${req.method()} ${req.url()}`);
    });
    return p;
  };
  const subscribe = (page) => page.evaluate((url) => {
    window.__got = [];
    window.__cache.subscribe(url, (r) => window.__got.push({
      source: r.source, etag: r.etag, score: r.data.find((g) => g.id === 1).score,
    }));
  }, url);
  const got = (page) => page.evaluate(() => window.__got);

  // Tab A (v1) subscribes: a miss, fetched and stored. Tab C (v2, same namespace) subscribes too.
  const a = await tab('v1', 'auto');
  const c = await tab('v2', 'auto');
  assert.equal(a.storage, 'indexeddb');
  await subscribe(a.page);
  await waitUntil(async () => (await got(a.page)).length === 1, 'A\'s first result');
  const [first] = await got(a.page);
  assert.deepEqual(first, { source: 'network', etag: first.etag, score: 78 });
  await subscribe(c.page);
  await waitUntil(async () => (await got(c.page)).length === 1, 'C\'s first result');
  const aRequests = a.requests.length;
  t.diagnostic(`A's requests so far: ${JSON.stringify(a.requests)}`);

  // The server's content changes; tab B (v1, memory storage: the URL is a miss there) reads it from the network.
  await server.editScore(1, 42);
  const logFrom = (await server.log()).length;
  const b = await tab('v1', 'memory');
  assert.equal(b.storage, 'memory');
  const rb = await b.page.evaluate(async (url) => {
    const r = await window.__cache.get(url);
    return { source: r.source, etag: r.etag, score: r.data.find((g) => g.id === 1).score };
  }, url);
  assert.deepEqual(rb, { source: 'network', etag: rb.etag, score: 42 });
  assert.notEqual(rb.etag, first.etag);

  // A's subscriber gets B's result: no request from A, no update event in A.
  await waitUntil(async () => (await got(a.page)).length === 2, 'A\'s subscriber is told about B\'s fetch', 10000);
  const second = (await got(a.page))[1];
  t.diagnostic(`A's subscriber: ${JSON.stringify(await got(a.page))}`);
  assert.deepEqual(second, { source: 'network', etag: rb.etag, score: 42 });
  assert.equal(a.requests.length, aRequests, `A made no request: ${JSON.stringify(a.requests.slice(aRequests))}`);
  // (B's request may carry the browser HTTP cache's own If-None-Match: A's response is in the context's HTTP cache.)
  const log = (await server.log()).slice(logFrom).filter((e) => e.path === '/api/grades/');
  assert.deepEqual(log.map((e) => [e.method, e.status]), [['GET', 200]], 'the server saw one request after the change');
  assert.deepEqual(b.requests, [`GET ${new URL(url, server.url).href}`], 'it was B\'s');
  assert.deepEqual(await eventsIn(a.page, 'update'), [], 'A dispatched no update event');

  // The v2 tab, subscribed to the same URL in the same namespace, is not handed v1's result.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await got(c.page)).length, 1, 'the v2 subscriber got nothing from the v1 tabs');
  for (const p of [a, b, c]) assert.deepEqual(p.pageErrors, []);
});
