// End-to-end test of the SvelteKit example against the Django example (web/examples/django): Django serves the
// production build (`npm run build`, adapter-static's build/) and the DRF grades API from one origin, with the
// settings its README recommends (ConditionalGetMiddleware, GZipMiddleware, LocaleMiddleware, Cache-Control:
// private, no-cache, CORS). Headless Chromium; the steps share one browser profile (IndexedDB, service worker) and
// run in order. grades.test.js drives the same app against the Go demo server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { api, chromiumArgs, example, freePort, out, startDjango, waitForStored } from './helpers.js';

const ROWS = 12; // seed rows of the Django example's migration
let django, base, port, browser, context, page;
const pageErrors = [];

// The steps build on each other: after a failure the rest are skipped (not timed out one by one), and the
// page's text and a screenshot are kept for diagnosis.
let failed = null;
function step(name, fn) {
  test(name, async (t) => {
    if (failed) return t.skip(`an earlier step failed: ${failed}`);
    try {
      await fn();
    } catch (err) {
      failed = name;
      fs.mkdirSync(out, { recursive: true });
      const shown = await page?.locator('body').innerText({ timeout: 1000 }).catch(() => '(no page text)');
      await page?.screenshot({ path: path.join(out, 'django-failure.png'), timeout: 2000 }).catch(() => {});
      t.diagnostic(`page text at failure:\n${shown}`);
      throw err;
    }
  });
}

const text = (sel) => page.locator(sel).first().textContent();
const rowScore = (id) => page.locator(`tr[data-id="${id}"] [data-testid="score"]`);
/** The /api/grades/ requests Django has seen since the last clear (status null: not answered yet). */
const gradeRequests = async () => (await api(django.url, 'GET', '/api/_test/log')).filter((e) => e.method === 'GET');
const clearLog = () => api(django.url, 'DELETE', '/api/_test/log');
const setLatency = (ms) => api(django.url, 'POST', '/api/_test/latency', { ms });

/** A JSON request to Django from Node (not through the page), answering { status, headers, body }. */
async function call(method, p, { body, headers = {} } = {}) {
  const r = await fetch(django.url + p, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = await r.text();
  return { status: r.status, headers: r.headers, body: raw ? JSON.parse(raw) : null };
}

before(async () => {
  for (const file of ['index.html', 'service-worker.js']) {
    assert.ok(fs.existsSync(path.join(example, 'build', file)), `no build/${file}: run \`npm run build\` first`);
  }
  // A port known up front, so that the CORS step's other origin (localhost instead of 127.0.0.1) can be allowed.
  port = await freePort();
  django = await startDjango({ port, corsOrigins: [`http://localhost:${port}`] });
  base = django.url;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: chromiumArgs,
  });
  context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => pageErrors.push(err));
  await clearLog();
});

after(async () => {
  await browser?.close();
  await django?.stop();
});

let firstETag;

step('first visit: grades come from Django, and the service worker takes control', async () => {
  await page.goto(base + '/');
  await page.locator('[data-testid="source"]').waitFor();
  assert.equal(await text('[data-testid="source"]'), 'network');
  assert.equal(await page.locator('tr[data-id]').count(), ROWS);
  assert.equal(await page.locator('tr[data-id="1"] td').nth(1).textContent(), 'Mathematics');

  const reqs = await gradeRequests();
  assert.equal(reqs.length, 1, `requests: ${JSON.stringify(reqs)}`);
  assert.equal(reqs[0].ifNoneMatch, '', 'a first visit has nothing to revalidate');
  assert.equal(reqs[0].status, 200);
  // Chromium accepts gzip, so GZipMiddleware compressed the list and made the view's ETag weak.
  assert.match(reqs[0].etag, /^W\/"grades-en-12-\d+"$/);
  firstETag = reqs[0].etag;

  // The worker installs (precaching the shell, the wrapper and the wasm, all served by Django) and claims the page.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // And the module has arrived and stored the grades, so the next load is a repeat visit.
  await waitForStored(page);
});

step('reload: cached rows first, then a 304 from Django and no update', async () => {
  await clearLog();
  await setLatency(2000);

  await page.reload({ waitUntil: 'commit' });
  await page.locator('[data-testid="source"]').waitFor();
  assert.equal(await text('[data-testid="source"]'), 'cache');
  assert.equal(await page.locator('tr[data-id]').count(), ROWS);
  // The rows are on screen while Django has answered nothing yet (it waits 2 s before every grades GET).
  const early = await gradeRequests();
  assert.deepEqual(early.filter((r) => r.status !== null), [], `answered before cached rows: ${JSON.stringify(early)}`);

  await page.locator('[data-testid="revalidations"]', { hasText: '1' }).waitFor();
  await page.locator('[data-testid="revalidating"]').waitFor({ state: 'detached' });
  const reqs = await gradeRequests();
  assert.equal(reqs.length, 1, `requests: ${JSON.stringify(reqs)}`);
  assert.equal(reqs[0].ifNoneMatch, firstETag, 'the weak ETag is sent back verbatim');
  assert.equal(reqs[0].status, 304);
  assert.equal(await text('[data-testid="updates"]'), '0');
  assert.equal(await text('[data-testid="source"]'), 'cache');
  await setLatency(0);
});

step('a grade changed through the API (PUT with If-Match): cached rows first, then the update re-renders', async () => {
  const before = Number(await rowScore(3).textContent());
  const after = (before + 11) % 101;

  // The way a client edits a grade: read it for its ETag, write with If-Match and an Idempotency-Key.
  const read = await call('GET', '/api/grades/3/');
  assert.equal(read.status, 200);
  assert.equal(read.body.score, before);
  const etag = read.headers.get('etag');
  const put = { body: { score: after }, headers: { 'If-Match': etag, 'Idempotency-Key': 'e2e-put-3' } };
  const written = await call('PUT', '/api/grades/3/', put);
  assert.equal(written.status, 200);
  assert.equal(written.body.score, after);
  assert.notEqual(written.headers.get('etag'), etag, 'the answer carries the new ETag');
  // A retry (the answer was lost, say) gets the first answer and changes nothing.
  const retried = await call('PUT', '/api/grades/3/', put);
  assert.equal(retried.status, 200);
  assert.equal(retried.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(retried.body, written.body);
  assert.deepEqual(await api(django.url, 'GET', '/api/_test/applied?key=e2e-put-3'), { key: 'e2e-put-3', applied: 1 });
  // Another client still holding the old ETag is refused, and told what the grade is now.
  const stale = await call('PATCH', '/api/grades/3/', { body: { score: 1 }, headers: { 'If-Match': etag } });
  assert.equal(stale.status, 412);
  assert.equal(stale.body.score, after);
  assert.equal(stale.headers.get('etag'), written.headers.get('etag'));

  await clearLog();
  await setLatency(2000);
  await page.reload({ waitUntil: 'commit' });
  await page.locator('[data-testid="source"]', { hasText: 'cache' }).waitFor();
  assert.equal(Number(await rowScore(3).textContent()), before, 'the cached copy is shown first');

  await page.locator('[data-testid="updates"]', { hasText: '1' }).waitFor();
  assert.equal(Number(await rowScore(3).textContent()), after);
  assert.equal(await text('[data-testid="source"]'), 'network');
  assert.equal(await page.locator('tr.changed').count(), 1, 'only the changed row is highlighted');
  assert.equal(await page.locator('tr.changed').getAttribute('data-id'), '3');
  fs.mkdirSync(out, { recursive: true });
  await page.screenshot({ path: path.join(out, 'django-update.png'), fullPage: true });
  const reqs = await gradeRequests();
  assert.equal(reqs.length, 1, `requests: ${JSON.stringify(reqs)}`);
  // The 304 of the last step named the strong form (GZipMiddleware leaves an empty 304 alone), and a 304 refreshes
  // the stored headers: the same validator under weak comparison.
  assert.equal(reqs[0].ifNoneMatch, firstETag.replace(/^W\//, ''));
  assert.equal(reqs[0].status, 200);
  await setLatency(0);
});

step('another origin: CORS lets the page read the ETag and revalidate with If-None-Match', async () => {
  // http://localhost:PORT is another origin than http://127.0.0.1:PORT, and the only one Django allows.
  const other = await context.newPage();
  try {
    await other.goto(`http://localhost:${port}/api/_test/latency`); // any document of that origin
    await clearLog();
    const seen = await other.evaluate(async (url) => {
      const first = await fetch(url);
      const etag = first.headers.get('etag');
      const again = await fetch(url, { headers: { 'If-None-Match': etag } });
      return { status: first.status, etag, vary: first.headers.get('vary'), again: again.status };
    }, `${base}/api/grades/`);
    assert.equal(seen.status, 200);
    assert.match(seen.etag ?? '', /grades-en-12-\d+"$/, 'ETag is exposed (Access-Control-Expose-Headers)');
    assert.match(seen.vary ?? '', /Accept-Language/);
    assert.equal(seen.again, 304, 'If-None-Match is allowed (Access-Control-Allow-Headers)');
    const reqs = await api(django.url, 'GET', '/api/_test/log');
    const preflights = reqs.filter((r) => r.method === 'OPTIONS');
    assert.equal(preflights.length, 1, `one preflight, for If-None-Match: ${JSON.stringify(reqs)}`);
    assert.equal(preflights[0].status, 204);
  } finally {
    await other.close();
  }
});

step('offline reload: the service worker starts the app and the cached grades show', async () => {
  const score = await rowScore(3).textContent();
  // Really offline: Django is gone, and the browser is set offline too.
  await django.stop();
  await context.setOffline(true);

  await page.reload({ waitUntil: 'commit' });
  await page.locator('[data-testid="source"]').waitFor();
  assert.equal(await text('[data-testid="source"]'), 'cache');
  assert.equal(await page.locator('tr[data-id]').count(), ROWS);
  assert.equal(await rowScore(3).textContent(), score, 'the updated entry was stored');
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'served by the worker');
  // The failed revalidation is reported next to the cached rows.
  await page.locator('[data-testid="error"]').waitFor();

  fs.mkdirSync(out, { recursive: true });
  await page.screenshot({ path: path.join(out, 'django-offline.png'), fullPage: true });
  assert.deepEqual(pageErrors.map(String), [], 'no uncaught exception in the page');
});

step('an offline write waits in the outbox, survives a reload, and is applied once when Django is back', async () => {
  // Still offline (the step above): Django is stopped and the browser is offline.
  const first = page.locator('tr[data-id]').first();
  const rowId = Number(await first.getAttribute('data-id'));
  const shown = Number(await first.locator('[data-testid="score"]').textContent());
  await page.locator('[data-testid="mark"]').click();
  const outbox = page.locator('[data-testid="outbox"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="outbox"]').textContent.startsWith('1 '));
  const id = await outbox.getAttribute('data-ids');
  assert.match(id, /^[0-9a-f-]{36}$/, 'one queued write, named by its Idempotency-Key');

  await page.reload({ waitUntil: 'commit' });
  await page.waitForFunction((id) => document.querySelector('[data-testid="outbox"]')?.dataset.ids === id, id,
    { timeout: 20000 });

  django = await startDjango({ port, corsOrigins: [`http://localhost:${port}`] }); // fresh data, same origin
  await context.setOffline(false); // `online`: the outbox is replayed
  await page.waitForFunction(() => document.querySelector('[data-testid="outbox"]').textContent.startsWith('0 '),
    null, { timeout: 30000 });
  const applied = await call('GET', `/api/_test/applied?key=${id}`);
  assert.equal(applied.body.applied, 1, 'sent and applied exactly once');
  const after = (await call('GET', '/api/grades/')).body.find((g) => g.id === rowId);
  assert.equal(after.score, (shown + 1) % 101, 'the mark the teacher made offline landed');
  assert.deepEqual(pageErrors.map(String), [], 'no uncaught exception in the page');
});
