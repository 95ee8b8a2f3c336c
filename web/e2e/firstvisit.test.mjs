// End-to-end tests of a first visit (issue 10): the page's first data never waits for the wasm module, and a module
// that cannot load never breaks the page. Run: cd web && node --test e2e/   (needs `make build` first)
//
// The page is a blank page of the demo server's origin (/demo/blank.html) that imports /etag-cache.js the way users
// do, in a fresh browser context (no HTTP cache, no IndexedDB). The demo server's test-only module control holds the
// module back, or answers 404, or an HTML page in its place. Orderings are asserted through the browser's request
// events and the server's logs, never through timings.

import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { buildDemo, startServer, launchBrowser, newDemoPage } from './harness.mjs';

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
  await context?.close();
  await server?.stop();
});

/**
 * Opens a blank page of the server's origin and records, in order, when requests for the module and the API start
 * and finish. Returns {page, pageErrors, order}.
 */
async function blankPage() {
  const { page, pageErrors } = await newDemoPage(context);
  const order = [];
  const name = (req) => {
    const u = new URL(req.url());
    return u.pathname === '/etag-cache.wasm' ? 'wasm' : u.pathname.startsWith('/api/grades/') ? 'api' : null;
  };
  page.on('request', (req) => name(req) && order.push(`${name(req)} start`));
  page.on('requestfinished', (req) => name(req) && order.push(`${name(req)} done`));
  await page.goto(new URL('/demo/blank.html', server.url).href);
  return { page, pageErrors, order };
}

/** In the page: imports the JS face, opens a cache and records its events in window.__events. */
function openCache(page) {
  return page.evaluate(async () => {
    const { createCache } = await import('/etag-cache.js');
    window.__events = [];
    window.__cache = await createCache({ version: 'e2e', namespace: 'first-visit' });
    for (const type of ['update', 'revalidated', 'error', 'evict', 'warning']) {
      window.__cache.addEventListener(type, (e) => window.__events.push({ type, ...e.detail }));
    }
    return window.__cache.storage;
  });
}

/** In the page: cache.get(url) -> a summary, or {error: name}. */
function get(page, url = '/api/grades/') {
  return page.evaluate(async (url) => {
    try {
      const r = await window.__cache.get(url);
      return { source: r.source, rows: Array.isArray(r.data) ? r.data.length : null, etag: r.etag };
    } catch (err) {
      return { error: err.name, message: err.message };
    }
  }, url);
}

test('first visit: get answers from the network while the module is held back; it is stored once the module arrives',
  T, async () => {
    await setModule('hold');
    const { page, pageErrors, order } = await blankPage();

    assert.equal(await openCache(page), 'none', 'no module yet: nothing is stored');
    const [a, b] = await page.evaluate(() => Promise.all([
      window.__cache.get('/api/grades/'), window.__cache.get('/api/grades/'),
    ]).then((rs) => rs.map((r) => ({ source: r.source, rows: r.data.length }))));
    assert.deepEqual(a, { source: 'network', rows: 12 });
    assert.deepEqual(b, a);
    const gets = await server.gradeGets();
    assert.equal(gets.length, 1, 'concurrent gets of one URL share one request');
    assert.equal(gets[0].ifNoneMatch, '', 'a first visit asks unconditionally');

    // The module's download starts only once the page's first data is in: it does not compete for the link.
    await waitUntil(async () => (await moduleState()).requests === 1, 'the module download starts once the page is idle');
    // The browser also reports the loader's cache-only probe for the module (which never reaches the network: the
    // server saw one module request); the download is the last module request, after the data.
    assert.ok(order.indexOf('api done') >= 0 && order.indexOf('api done') < order.lastIndexOf('wasm start'),
      `request order: ${order.join(', ')}`);

    await setModule('normal');
    await page.evaluate(() => window.__cache.ready);
    assert.equal(await page.evaluate(() => window.__cache.storage), 'indexeddb');
    const stats = await page.evaluate(() => window.__cache.stats());
    assert.equal(stats.entries, 1, 'the response fetched before the module arrived is stored');

    const again = await get(page);
    assert.equal(again.source, 'cache', 'the next get is served from IndexedDB');
    assert.equal(again.rows, 12);
    await page.waitForFunction(() => window.__events.some((e) => e.type === 'revalidated'));
    const later = await server.gradeGets();
    assert.equal(later.length, 2);
    assert.ok(again.etag, 'the stored copy kept its validator');
    assert.equal(later[1].ifNoneMatch, again.etag, 'revalidated with the stored ETag');
    assert.deepEqual(pageErrors, []);
  });

for (const [name, mode, cause] of [
  ['404', 'missing', /HTTP 404/],
  ['an HTML page (wrong MIME type)', 'html', /CompileError|magic|wasm/i],
]) {
  test(`a module answered with ${name} leaves get working on the network, with one warning`, T, async () => {
    await setModule(mode);
    const { page, pageErrors } = await blankPage();
    assert.equal(await openCache(page), 'none');
    const first = await get(page);
    assert.deepEqual(first, { source: 'network', rows: 12, etag: first.etag });
    const ready = await page.evaluate(() => window.__cache.ready.then(() => 'ready', (e) => e.name + ': ' + e.message));
    assert.match(ready, /^EtagCacheError: |^CompileError: /);
    assert.match(ready, cause);
    const second = await get(page);
    assert.equal(second.source, 'network', 'still working, from the network');
    const warnings = await page.evaluate(() => window.__events.filter((e) => e.type === 'warning'));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0].code, 'module-unavailable');
    assert.match(warnings[0].message, cause);
    assert.equal((await moduleState()).requests, 1,
      'the module was asked for once (no second download after a failed streaming compile)');
    assert.equal(await page.evaluate(() => window.__cache.storage), 'none');
    assert.equal(await page.evaluate(() => window.__cache.clear()), 0, 'clear() resolves: nothing is stored');
    assert.deepEqual(pageErrors, []);
  });
}

const setModule = (mode) => server.call('POST', '/api/_control/module', { mode });
const moduleState = () => server.call('GET', '/api/_control/module');

async function waitUntil(cond, what, timeout = 20000) {
  const end = Date.now() + timeout;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a module served with the wrong MIME type still loads, from one download, with one warning naming the fix',
  T, async () => {
    await setModule('octet');
    const { page, pageErrors } = await blankPage();
    await openCache(page);
    assert.equal((await get(page)).source, 'network');
    await page.evaluate(() => window.__cache.ready);
    assert.equal(await page.evaluate(() => window.__cache.storage), 'indexeddb');
    const warnings = await page.evaluate(() => window.__events.filter((e) => e.type === 'warning'));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0].code, 'wasm-mime-type');
    assert.match(warnings[0].message, /application\/octet-stream.*application\/wasm/);
    assert.equal((await moduleState()).requests, 1, 'one download');
    assert.deepEqual(pageErrors, []);
  });
