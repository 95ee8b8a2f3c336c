// End-to-end test of the SvelteKit example: the production build (`npm run build`) under `vite preview`, the
// repo's demo server as the sample API behind the preview proxy, and headless Chromium. The steps share one
// browser profile (IndexedDB, service worker) and run in order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { api, chromiumArgs, example, freePort, gradeRequests, out, startDemo, waitForStored } from './helpers.js';

const ROWS = 12; // seed rows of the demo server
let demo, server, base, browser, context, page;
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
      await page?.screenshot({ path: path.join(out, 'sveltekit-failure.png'), timeout: 2000 }).catch(() => {});
      t.diagnostic(`page text at failure:\n${shown}`);
      throw err;
    }
  });
}

const text = (sel) => page.locator(sel).first().textContent();
const rowScore = (id) => page.locator(`tr[data-id="${id}"] [data-testid="score"]`);

before(async () => {
  assert.ok(
    fs.existsSync(path.join(example, '.svelte-kit/output/client/service-worker.js')),
    'no build: run `npm run build` first',
  );
  demo = await startDemo();
  process.env.ETAG_CACHE_API = demo.url; // read by vite.config.js for the /api proxy
  const port = await freePort();
  server = await preview({
    root: example,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: chromiumArgs,
  });
  context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => pageErrors.push(err));
  await api(demo.url, 'POST', '/api/_control/reset');
});

after(async () => {
  await browser?.close();
  await server?.close();
  await demo?.stop();
});

step('first visit: grades come from the network, and the service worker takes control', async () => {
  await page.goto(base + '/');
  await page.locator('[data-testid="source"]').waitFor();
  assert.equal(await text('[data-testid="source"]'), 'network');
  assert.equal(await page.locator('tr[data-id]').count(), ROWS);

  const reqs = await gradeRequests(demo.url);
  assert.equal(reqs.length, 1, `requests: ${JSON.stringify(reqs)}`);
  assert.equal(reqs[0].ifNoneMatch, '', 'a first visit has nothing to revalidate');
  assert.equal(reqs[0].status, 200);

  // The worker installs (precaching the shell, the wrapper and the wasm) and claims the page.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // And the module has arrived and stored the grades, so the next load is a repeat visit.
  await waitForStored(page);
});

step('reload on a slow network: cached rows first, then a 304 and no update', async () => {
  const etag = (await fetch(demo.url + '/api/grades/')).headers.get('etag');
  await api(demo.url, 'DELETE', '/api/_control/log');
  await api(demo.url, 'POST', '/api/_control/latency', { ms: 2000 });

  await page.reload({ waitUntil: 'commit' });
  await page.locator('[data-testid="source"]').waitFor();
  assert.equal(await text('[data-testid="source"]'), 'cache');
  assert.equal(await page.locator('tr[data-id]').count(), ROWS);
  // The rows are on screen while the server has answered nothing yet (it waits 2 s before every answer).
  const early = await gradeRequests(demo.url);
  assert.deepEqual(early.filter((r) => !r.pending), [], `answered before cached rows showed: ${JSON.stringify(early)}`);
  assert.equal(await text('[data-testid="revalidating"]'), 'checking…', 'the store says the 304 is awaited');

  await page.locator('[data-testid="revalidations"]', { hasText: '1' }).waitFor();
  await page.locator('[data-testid="revalidating"]').waitFor({ state: 'detached' });
  const reqs = await gradeRequests(demo.url);
  assert.equal(reqs.length, 1, `requests: ${JSON.stringify(reqs)}`);
  assert.equal(reqs[0].ifNoneMatch, etag);
  assert.equal(reqs[0].status, 304);
  assert.equal(await text('[data-testid="updates"]'), '0');
  assert.equal(await text('[data-testid="age"]'), 'just now', "the 304 refreshed the store's validatedAt");
  assert.equal(await text('[data-testid="source"]'), 'cache');
});

step('server data changed: cached rows first, then the update event re-renders the store', async () => {
  const before = Number(await rowScore(3).textContent());
  const after = (before + 11) % 101;
  await api(demo.url, 'POST', '/api/grades/3/', { score: after });
  await api(demo.url, 'DELETE', '/api/_control/log');
  await api(demo.url, 'POST', '/api/_control/latency', { ms: 1000 });

  await page.reload({ waitUntil: 'commit' });
  await page.locator('[data-testid="source"]', { hasText: 'cache' }).waitFor();
  assert.equal(Number(await rowScore(3).textContent()), before, 'the cached copy is shown first');

  await page.locator('[data-testid="updates"]', { hasText: '1' }).waitFor();
  assert.equal(Number(await rowScore(3).textContent()), after);
  assert.equal(await text('[data-testid="source"]'), 'network');
  assert.equal(await page.locator('tr.changed').count(), 1, 'only the changed row is highlighted');
  assert.equal(await page.locator('tr.changed').getAttribute('data-id'), '3');
  fs.mkdirSync(out, { recursive: true });
  await page.screenshot({ path: path.join(out, 'sveltekit-update.png'), fullPage: true });
  const reqs = await gradeRequests(demo.url);
  assert.equal(reqs.length, 1, `requests: ${JSON.stringify(reqs)}`);
  assert.equal(reqs[0].status, 200);
  assert.notEqual(reqs[0].ifNoneMatch, '');
});

step('offline reload: the service worker starts the app and the cached grades show', async () => {
  const score = await rowScore(3).textContent();
  // Really offline: both servers are gone, and the browser is set offline too.
  await server.close();
  server = null;
  await demo.stop();
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
  await page.screenshot({ path: path.join(out, 'sveltekit-offline.png'), fullPage: true });
  assert.deepEqual(pageErrors.map(String), [], 'no uncaught exception in the page');
});
