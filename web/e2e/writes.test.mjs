// End-to-end tests of writes (cache.mutate) in a real page against the demo server, whose grade views check If-Match
// (412 with the current grade) and honour Idempotency-Key (a key applied once is never applied again; the
// demo-only /api/_test/applied?key= says how often it was). Offline is Playwright's context.setOffline.
// Run: cd web && DIST_DIR=../dist node --test --test-concurrency=1 e2e/writes.test.mjs   (needs `make build` first)

import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildDemo, startServer, launchBrowser, newBlankPage, newDemoPage, gotoDemo, openCacheIn, waitUntil,
} from './harness.mjs';

const T = { timeout: 90000 };
const OPTS = { version: 'v1', dbName: 'writes' };

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

/** A page with a cache open and its write events recorded in window.__writes. */
async function openPage() {
  const p = await newBlankPage(context, server.url);
  await openCacheIn(p.page, OPTS);
  await p.page.evaluate(() => {
    window.__writes = [];
    for (const type of ['queued', 'sent', 'conflict', 'failed']) {
      window.__cache.addEventListener(type, (e) => {
        const { current, ...rest } = e.detail;
        window.__writes.push({ type, ...rest, current: current ? current.data : undefined });
      });
    }
  });
  return p;
}

/** How often the server applied the write with Idempotency-Key key. */
async function applied(key) {
  const r = await fetch(new URL(`/api/_test/applied?key=${encodeURIComponent(key)}`, server.url));
  return (await r.json()).applied;
}

/** The grade as the server has it now. */
async function serverGrade(id) {
  return (await fetch(new URL(`/api/grades/${id}/`, server.url))).json();
}

test('a PUT with the cached ETag succeeds and the list subscriber gets the update', T, async () => {
  const { page, pageErrors } = await openPage();
  const r = await page.evaluate(async () => {
    const c = window.__cache;
    window.__scores = [];
    c.subscribe('/api/grades/', (res) => window.__scores.push(res.data.find((g) => g.id === 1).score));
    const before = await c.get('/api/grades/1/');
    const res = await c.mutate('/api/grades/1/', {
      method: 'PUT', body: { score: 99 }, invalidates: ['/api/grades/'],
      optimistic: (cur) => ({ ...cur, score: 99 }),
    });
    return { before: before.data.score, res };
  });
  assert.equal(r.res.queued, false);
  assert.equal(r.res.status, 200);
  assert.equal(r.res.data.score, 99);
  assert.match(r.res.etag, /^"grade_1_/);
  assert.equal(await applied(r.res.id), 1, 'the write carried its Idempotency-Key and was applied once');
  await waitUntil(() => page.evaluate(() => window.__scores.at(-1) === 99), 'the list subscriber gets the new score');
  const after = await page.evaluate(() => window.__cache.get('/api/grades/1/', { cache: 'only-if-cached' }));
  assert.equal(after.pending, false);
  assert.deepEqual(pageErrors, []);
});

test('a PUT after another client changed the record rejects with ConflictError and rolls back', T, async () => {
  const { page, pageErrors } = await openPage();
  await page.evaluate(() => window.__cache.get('/api/grades/2/'));
  // Another teacher edits grade 2.
  const other = await fetch(new URL('/api/grades/2/', server.url), {
    method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ score: 42 }),
  });
  assert.equal(other.status, 200);
  const r = await page.evaluate(async () => {
    const c = window.__cache;
    try {
      await c.mutate('/api/grades/2/', { method: 'PUT', body: { score: 77 }, optimistic: (cur) => ({ ...cur, score: 77 }) });
      return { resolved: true };
    } catch (err) {
      const now = await c.get('/api/grades/2/', { cache: 'only-if-cached' });
      return { name: err.name, status: err.status, current: err.current && err.current.data, now: now.data.score,
        pending: now.pending };
    }
  });
  assert.equal(r.name, 'ConflictError');
  assert.equal(r.status, 412);
  assert.equal(r.current.score, 42, "the error carries the server's copy");
  assert.equal(r.now, 42, 'the optimistic 77 was replaced by the server copy');
  assert.equal(r.pending, false);
  assert.equal((await serverGrade(2)).score, 42, 'nothing was overwritten');
  assert.deepEqual(pageErrors, []);
});

test('offline writes are queued, outlive their tab, and are sent once with two tabs open, in order', T, async () => {
  const a = await openPage();
  await a.page.evaluate(() => window.__cache.get('/api/grades/3/'));
  // Two more tabs, opened while online (an offline context cannot load a page: the demo's blank page has no
  // service worker).
  const b = await openPage();
  const c2 = await openPage();
  await context.setOffline(true);
  const q = await a.page.evaluate(async () => {
    const c = window.__cache;
    const r1 = await c.mutate('/api/grades/3/', { method: 'PUT', body: { score: 10 }, optimistic: (cur) => ({ ...cur, score: 10 }) });
    const r2 = await c.mutate('/api/grades/3/', { method: 'PUT', body: { score: 11 }, optimistic: (cur) => ({ ...cur, score: 11 }) });
    const r3 = await c.mutate('/api/grades/4/', { method: 'PATCH', body: { score: 999 } }); // the server refuses it (400)
    const seen = await c.get('/api/grades/3/');
    return { r1, r2, r3, score: seen.data.score, pending: seen.pending };
  });
  assert.equal(q.r1.queued, true);
  assert.equal(q.r2.queued, true);
  assert.equal(q.score, 11, 'the patched copy is served offline');
  assert.equal(q.pending, true);

  // The tab that queued them goes away; another tab's cache reads them from IndexedDB.
  await a.page.close();
  const listed = await b.page.evaluate(() => window.__cache.outbox());
  assert.deepEqual(listed.map((m) => m.id), [q.r1.id, q.r2.id, q.r3.id]);
  assert.deepEqual(listed.map((m) => m.state), ['pending', 'pending', 'pending']);

  await context.setOffline(false); // both tabs see `online`
  await waitUntil(async () => (await b.page.evaluate(() => window.__cache.outbox())).length === 1 &&
    (await b.page.evaluate(() => window.__cache.outbox()))[0].state === 'failed', 'the replay ends', 30000);
  assert.equal(await applied(q.r1.id), 1, 'sent exactly once');
  assert.equal(await applied(q.r2.id), 1, 'sent exactly once');
  assert.equal((await serverGrade(3)).score, 11, 'both edits applied, in order, with no conflict');
  const puts = (await server.log()).filter((e) => e.method === 'PUT' && e.path === '/api/grades/3/');
  assert.equal(puts.length, 2, 'one request per write, though two tabs went online');
  const writes = [
    ...(await b.page.evaluate(() => window.__writes)), ...(await c2.page.evaluate(() => window.__writes)),
  ];
  assert.equal(writes.filter((w) => w.type === 'conflict').length, 0);
  assert.equal(writes.filter((w) => w.type === 'sent').length, 2);
  assert.equal(writes.filter((w) => w.type === 'failed' && w.status === 400).length, 1);

  // The refused write stays failed across a reload.
  await b.page.close();
  const d = await openPage();
  const left = await d.page.evaluate(() => window.__cache.outbox());
  assert.equal(left.length, 1);
  assert.equal(left[0].id, q.r3.id);
  assert.equal(left[0].state, 'failed');
  assert.equal(left[0].lastError, 'HTTP 400');
  const stats = await d.page.evaluate(() => window.__cache.stats());
  assert.equal(stats.failed, 1);
  assert.equal(stats.pending, 0);
  await d.page.evaluate((id) => window.__cache.discard(id), q.r3.id);
  assert.deepEqual(await d.page.evaluate(() => window.__cache.outbox()), []);
  for (const p of [c2, d]) assert.deepEqual(p.pageErrors, []);
});

test("the demo's teacher edit waits in the outbox while offline and goes when the network is back", T, async () => {
  const { page, pageErrors } = await newDemoPage(context);
  await gotoDemo(page, server.url);
  await context.setOffline(true);
  await page.click('[data-testid="teacher-edit"]');
  await page.waitForSelector('[data-testid="outbox"] li[data-state="pending"]', { timeout: 20000 });
  const text = await page.textContent('[data-testid="outbox"]');
  assert.match(text, /PATCH \/api\/grades\/\d+\/ — pending/);
  await context.setOffline(false);
  await page.waitForFunction(() => !document.querySelector('[data-testid="outbox"] li[data-state]'), null,
    { timeout: 30000 });
  const patches = (await server.log()).filter((e) => e.method === 'PATCH');
  assert.equal(patches.length, 1, 'sent once');
  assert.deepEqual(pageErrors, []);
});
