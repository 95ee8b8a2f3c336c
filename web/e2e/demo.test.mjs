// End-to-end tests of the demo page in headless Chromium (issue 4, scenarios 1-8).
// Run: cd web && node --test e2e/   (needs `make build` first; DIST_DIR overrides <repo>/dist)
//
// Each test gets its own demo server (fresh data and request log) and a fresh browser context (fresh IndexedDB).
// Orderings are asserted through the server's request log and window.__demo, never through timings; the measured
// times are printed as diagnostics.

import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  buildDemo,
  startServer,
  launchBrowser,
  newDemoPage,
  gotoDemo,
  waitForLoads,
  waitForEvent,
  rows,
  recordAddedRows,
  outDir,
  pngInfo,
} from './harness.mjs';

const SEED_ROWS = 12;
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

const demo = (page) => page.evaluate(() => window.__demo);

test('1. first visit: data comes from the network', T, async (t) => {
  const { page, pageErrors, consoleErrors } = await newDemoPage(context);
  await gotoDemo(page, server.url);

  const d = await demo(page);
  assert.equal(d.source, 'network');
  assert.deepEqual(d.sources, ['network']);
  assert.equal(await page.getByTestId('source').textContent(), 'network');
  const r = await rows(page);
  assert.equal(r.length, SEED_ROWS);
  assert.ok(r.every((x) => x.source === 'network'));
  assert.deepEqual(
    (await server.gradeGets()).map((e) => [e.ifNoneMatch, e.status]),
    [['', 200]],
    'one unconditional GET',
  );
  assert.ok(!d.events.some((e) => e.type === 'error'), `no error events: ${JSON.stringify(d.events)}`);
  assert.deepEqual(pageErrors, []);
  // On a first visit the loader's cache-only probe for the module (loader.js: fetch with cache 'only-if-cached')
  // misses, and Chromium logs every failed fetch. Nothing else asks the cache only; a 404 reads otherwise.
  const probeMiss = 'Failed to load resource: net::ERR_CACHE_MISS';
  assert.ok(consoleErrors.filter((m) => m === probeMiss).length <= 1, `console errors: ${consoleErrors}`);
  assert.deepEqual(consoleErrors.filter((m) => m !== probeMiss), [], 'no console errors (e.g. a 404 for a built file)');
  t.diagnostic(`first visit: first data ${d.firstDataMs} ms after navigation, get took ${d.loads[0].ms} ms`);
});

test('2. reload with 2 s latency: cached rows before the network answers, then a 304 and no update', T, async (t) => {
  const { page, pageErrors } = await newDemoPage(context);
  await gotoDemo(page, server.url);
  const first = await demo(page);
  const seenBefore = (await server.gradeGets()).length;

  await server.setLatency(2000);
  await page.reload();
  await waitForLoads(page, 1);

  // Deterministic ordering: rows are on screen, and every request sent since the reload is still unanswered.
  const atRender = await demo(page);
  const pendingAtRender = (await server.gradeGets()).slice(seenBefore);
  assert.equal(atRender.source, 'cache');
  assert.equal((await rows(page)).length, SEED_ROWS);
  assert.ok(
    pendingAtRender.every((e) => e.pending),
    `the network had not answered when cached rows showed: ${JSON.stringify(pendingAtRender)}`,
  );
  assert.ok(!atRender.events.some((e) => e.type === 'revalidated' || e.type === 'update'));
  t.diagnostic(
    `reload with 2 s latency: cached rows ${atRender.firstDataMs} ms after navigation ` +
      `(issue target 200 ms; first visit took ${first.firstDataMs} ms); page script at ${atRender.marks.script} ms, ` +
      `module imported at ${atRender.marks.imported} ms, cache open (wasm started) at ${atRender.marks.created} ms`,
  );

  const reval = await waitForEvent(page, 'revalidated');
  assert.equal(reval.status, 304);
  const gets = (await server.gradeGets()).slice(seenBefore);
  assert.deepEqual(
    gets.map((e) => [e.ifNoneMatch, e.status]),
    [[first.loads[0].etag, 304]],
    'exactly one conditional GET with the stored ETag, answered 304',
  );
  const d = await demo(page);
  assert.ok(!d.events.some((e) => e.type === 'update'), 'no update event');
  assert.deepEqual(d.sources, ['cache']);
  t.diagnostic(`revalidated (304) ${reval.t} ms after navigation`);
  assert.deepEqual(pageErrors, []);
});

test('3. server data changed: cached rows first, then the changed row updates in place', T, async (t) => {
  const { page, pageErrors } = await newDemoPage(context);
  await gotoDemo(page, server.url);
  const before = (await rows(page)).find((r) => r.id === 3);
  const newScore = before.score === 12 ? 13 : 12;
  await server.editScore(3, newScore);

  await server.hold(true); // the revalidation waits at the server until released
  await page.reload();
  await waitForLoads(page, 1);
  assert.equal((await demo(page)).source, 'cache');
  assert.equal((await rows(page)).find((r) => r.id === 3).score, before.score, 'the cached (old) score shows first');
  const row3 = page.locator('[data-testid="grade-row"][data-id="3"]');
  await row3.evaluate((tr) => {
    tr.__sameNode = true;
  });
  await server.hold(false);

  await page.waitForFunction((s) => document.querySelector('[data-testid="grade-row"][data-id="3"]').dataset.score === String(s), newScore);
  assert.equal(await row3.evaluate((tr) => tr.__sameNode === true), true, 'the same <tr> was updated in place');
  assert.equal(await row3.evaluate((tr) => tr.classList.contains('changed')), true, 'the changed row is highlighted');
  const others = await page.$$eval('[data-testid="grade-row"].changed', (trs) => trs.map((tr) => tr.dataset.id));
  assert.deepEqual(others, ['3'], 'only the changed row is highlighted');

  const d = await demo(page);
  assert.deepEqual(d.sources, ['cache', 'update']);
  const update = d.events.find((e) => e.type === 'update');
  assert.ok(update, 'an update event fired');
  assert.notEqual(update.etag, d.loads[0].etag, 'the update carries the new ETag');
  const gets = await server.gradeGets();
  assert.deepEqual(gets.at(-1).status, 200, 'the revalidation got the changed body');
  assert.equal(gets.at(-1).ifNoneMatch, d.loads[0].etag);
  assert.deepEqual(pageErrors, []);
  t.diagnostic(`changed row shown via update event; events: ${d.events.map((e) => e.type).join(', ')}`);
});

// The browser's own HTTP cache may revalidate an unconditional fetch with the ETag it remembers (the server then
// answers 304 and the browser hands the body it has over as a 200): so "never shown" is checked on what is rendered,
// with the server's data changed in between, not on the request headers.
for (const [name, firstQuery, secondQuery, waitMs] of [
  ['4. app version bumped: the old entry is never shown', '', '?v=demo-v2', 0],
  // The Go side reads the real clock; wait for the 1 s TTL to run out.
  ['5. short TTL: an expired entry is never shown', '?ttl=1000', '?ttl=1000', 1300],
]) {
  test(name, T, async (t) => {
    const { page, pageErrors } = await newDemoPage(context);
    await gotoDemo(page, server.url, firstQuery); // stores the entry
    assert.equal((await demo(page)).source, 'network');
    const old = (await rows(page)).find((r) => r.id === 1).score;
    const fresh = old === 12 ? 13 : 12;
    await server.editScore(1, fresh);
    const seenBefore = (await server.gradeGets()).length;
    if (waitMs) await new Promise((resolve) => setTimeout(resolve, waitMs));

    await page.addInitScript(recordAddedRows);
    await gotoDemo(page, server.url, secondQuery);
    const d = await demo(page);
    assert.equal(d.source, 'network');
    assert.deepEqual(d.sources, ['network'], 'nothing was rendered from the cache');
    const added = await page.evaluate(() => window.__addedRows);
    assert.equal(added.length, SEED_ROWS, `rows ever added: ${JSON.stringify(added)}`);
    assert.ok(added.every((r) => r.source === 'network'), `rows ever added: ${JSON.stringify(added)}`);
    assert.equal(added.find((r) => r.id === 1).score, fresh, 'row 1 was never shown with its old score');
    const gets = (await server.gradeGets()).slice(seenBefore);
    assert.equal(gets.length, 1, `one request: ${JSON.stringify(gets)}`);
    assert.deepEqual(pageErrors, []);
    t.diagnostic(`server saw ${JSON.stringify(gets)}; events: ${JSON.stringify(d.events.map((e) => [e.type, e.reason]))}`);
  });
}

for (const how of ['browser offline', 'server stopped']) {
  test(`6. API unreachable after load (${how}): cached rows stay, the error event shows, no uncaught exception`, T, async (t) => {
    const { page, pageErrors } = await newDemoPage(context);
    await gotoDemo(page, server.url);
    const eventsBefore = (await demo(page)).events.length;

    if (how === 'browser offline') await context.setOffline(true);
    else await server.stop();
    await page.getByTestId('reload-data').click();
    await waitForLoads(page, 2);
    const err = await waitForEvent(page, 'error', eventsBefore);
    assert.equal(err.kind, 'network');

    const d = await demo(page);
    assert.equal(d.loads[1].source, 'cache', 'the cached copy is served while the API is unreachable');
    assert.equal((await rows(page)).length, SEED_ROWS);
    assert.equal(await page.locator('[data-testid="event-log"] li[data-type="error"]').count(), 1);
    assert.match(await page.getByTestId('status').textContent(), /Revalidation failed/);
    assert.deepEqual(pageErrors, [], 'no uncaught exception');
    t.diagnostic(`error event: ${JSON.stringify(err)}`);

    if (how === 'browser offline') {
      // Back online: the next read revalidates again.
      await context.setOffline(false);
      const n = (await demo(page)).events.length;
      await page.getByTestId('reload-data').click();
      const reval = await waitForEvent(page, 'revalidated', n);
      assert.equal(reval.status, 304);
      assert.deepEqual(pageErrors, []);
    }
  });
}

test('7. two tabs: an update fetched in tab A appears in tab B without B refetching', T, async (t) => {
  const a = await newDemoPage(context);
  await gotoDemo(a.page, server.url);
  const b = await newDemoPage(context);
  await gotoDemo(b.page, server.url);
  assert.equal((await demo(b.page)).source, 'cache');
  await waitForEvent(b.page, 'revalidated'); // B's own background revalidation is over

  const before = (await rows(b.page)).find((r) => r.id === 5);
  const newScore = before.score === 42 ? 43 : 42;
  await server.editScore(5, newScore);
  const seenBefore = (await server.gradeGets()).length;

  await a.page.getByTestId('reload-data').click();
  await waitForEvent(a.page, 'update');
  await b.page.waitForFunction(
    (s) => document.querySelector('[data-testid="grade-row"][data-id="5"]').dataset.score === String(s),
    newScore,
  );

  const gets = (await server.gradeGets()).slice(seenBefore);
  assert.equal(gets.length, 1, `only tab A asked the server: ${JSON.stringify(gets)}`);
  assert.equal(gets[0].status, 200);
  const db = await demo(b.page);
  assert.equal(db.loads.length, 1, 'tab B did not reload');
  assert.ok(db.events.some((e) => e.type === 'update'), 'tab B got the update event');
  assert.equal(
    await b.page.locator('[data-testid="grade-row"][data-id="5"]').evaluate((tr) => tr.classList.contains('changed')),
    true,
  );
  assert.deepEqual(a.pageErrors, []);
  assert.deepEqual(b.pageErrors, []);
  t.diagnostic(`tab B events: ${db.events.map((e) => e.type).join(', ')}`);
});

test('8. a screenshot of the demo page is saved and is not blank', T, async (t) => {
  const { page, pageErrors } = await newDemoPage(context);
  await page.setViewportSize({ width: 1100, height: 900 });
  await gotoDemo(page, server.url);
  await server.editScore(1, 99);
  await page.getByTestId('reload-data').click();
  await waitForEvent(page, 'update'); // a highlighted row and a filled event log make a livelier picture

  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, 'demo.png');
  const rowsAtCapture = (await rows(page)).length;
  await page.screenshot({ path: file, fullPage: true });
  assert.equal(rowsAtCapture, SEED_ROWS, 'the table had rows at capture');

  const png = await readFile(file);
  const { size } = await stat(file);
  assert.ok(size > 10 * 1024, `screenshot is ${size} bytes`);
  const info = pngInfo(png);
  assert.ok(info.width >= 1000 && info.height >= 800, `screenshot is ${info.width}x${info.height}`);
  assert.ok(info.distinctBytes > 32, `the image has ${info.distinctBytes} distinct byte values: blank?`);
  assert.deepEqual(pageErrors, []);
  t.diagnostic(`screenshot: ${file} (${size} bytes, ${info.width}x${info.height})`);
});

test('9. the inspector lists what the cache holds and follows an update', T, async (t) => {
  const { page, pageErrors } = await newDemoPage(context);
  await gotoDemo(page, server.url);
  await page.reload(); // a repeat visit: the entry is stored and the module attached
  await waitForLoads(page, 1);
  const inspector = page.getByTestId('inspector');
  const grades = new URL('/api/grades/', server.url).href;
  const row = inspector.locator('tbody tr', { hasText: grades });
  await row.waitFor({ timeout: 20000 });
  const cells = async () => row.locator('td').allTextContents();
  const first = await cells();
  t.diagnostic(`inspector row: ${JSON.stringify(first)}`);
  assert.equal(first[0], grades);
  assert.equal(first[2], (await demo(page)).loads[0].etag, 'the ETag the page was served');
  assert.match(first[3], /^\d+(\.\d)? (B|kB)$/);
  assert.match(await inspector.locator('[part="summary"]').textContent(), /^1 entries · .* · indexeddb$/);

  await server.editScore(3, 77);
  const from = (await demo(page)).events.length;
  await page.getByTestId('reload-data').click();
  const update = await waitForEvent(page, 'update', from);
  await page.waitForFunction(
    ([etag]) => [...document.querySelector('[data-testid="inspector"]').shadowRoot.querySelectorAll('td')]
      .some((td) => td.textContent === etag),
    [update.etag],
  );
  assert.equal((await cells())[2], update.etag, 'the row shows the new ETag after the update');
  assert.deepEqual(pageErrors, []);
});
