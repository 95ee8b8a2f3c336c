// Shared plumbing of the end-to-end tests: builds and starts the demo server, launches Debian's Chromium through
// playwright-core, opens the demo page with error collectors, and talks to the server's demo/test-only control API.
//
// Environment: DIST_DIR (built files, default <repo>/dist), CHROMIUM (default /usr/bin/chromium).

import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const distDir = process.env.DIST_DIR ? path.resolve(process.env.DIST_DIR) : path.join(repoRoot, 'dist');
export const outDir = fileURLToPath(new URL('./out/', import.meta.url));

/** Flags for Debian's Chromium on a machine without a network: without the background-networking ones it floods
 * the closed network with connection attempts. */
const CHROME_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Builds the demo server once into a temp dir; returns {bin, cleanup}. Fails early when dist/ lacks the module. */
export async function buildDemo() {
  for (const f of ['etag-cache.js', 'etag-cache.wasm', 'wasm_exec.js']) {
    try {
      await access(path.join(distDir, f));
    } catch {
      throw new Error(`${path.join(distDir, f)} is missing: run \`make build\` first (or set DIST_DIR)`);
    }
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'etag-cache-e2e-'));
  const bin = path.join(dir, 'demo');
  await promisify(execFile)('go', ['build', '-o', bin, './web/demo'], { cwd: repoRoot });
  return { bin, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Starts the demo server on a free loopback port. The server prints its URL as the first stdout line.
 * Returns a handle with the URL, control helpers and stop().
 */
export async function startServer(bin) {
  const proc = spawn(bin, ['-addr', '127.0.0.1:0', '-latency', '0', '-dist', distDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (b) => {
    stderr += b;
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo server printed no URL in 15 s; stderr:\n${stderr}`)), 15000);
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo server exited with ${code}; stderr:\n${stderr}`));
    });
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));

  async function call(method, p, body) {
    const res = await fetch(new URL(p, url), {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  return {
    url,
    call,
    /** The sample-API requests the server saw, oldest first: {seq, method, path, ifNoneMatch, status, pending}. */
    log: () => call('GET', '/api/_control/log'),
    /** Only the GET /api/grades/ requests. */
    gradeGets: async () => (await call('GET', '/api/_control/log')).filter((e) => e.method === 'GET' && e.path === '/api/grades/'),
    setLatency: (ms) => call('POST', '/api/_control/latency', { ms }),
    hold: (on) => call('POST', '/api/_control/hold', { on }),
    editScore: (id, score) => call('POST', `/api/grades/${id}/`, { score }),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROME_ARGS,
  });
}

/**
 * Opens a page in context with collectors for uncaught exceptions (pageErrors) and console errors. Call
 * page.goto yourself (or use gotoDemo).
 */
export async function newDemoPage(context) {
  const page = await context.newPage();
  const pageErrors = [];
  const consoleErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err && err.stack ? err.stack : err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  return { page, pageErrors, consoleErrors };
}

/** Navigates to the demo (query like '?v=demo-v2') and waits until the page finished its first load. */
export async function gotoDemo(page, baseURL, query = '', waitFor = 1) {
  await page.goto(new URL(query, baseURL).href);
  await waitForLoads(page, waitFor);
}

/** Waits until window.__demo recorded n loads (or an error in the status line, which fails loudly). */
export async function waitForLoads(page, n, timeout = 20000) {
  await page.waitForFunction(
    (n) => window.__demo && (window.__demo.loads.length >= n || window.__demo.errors.length > 0),
    n,
    { timeout },
  );
  const errors = await page.evaluate(() => window.__demo.errors);
  if (errors.length > 0) throw new Error(`the demo page reported: ${errors.join(' | ')}`);
}

/** Waits until window.__demo.events holds an event of type (after index from). Returns it. */
export async function waitForEvent(page, type, from = 0, timeout = 20000) {
  const handle = await page.waitForFunction(
    ([type, from]) => window.__demo.events.slice(from).find((e) => e.type === type),
    [type, from],
    { timeout },
  );
  return handle.jsonValue();
}

/** The rows of the grades table as {id, score, source}. */
export function rows(page) {
  return page.$$eval('[data-testid="grade-row"]', (trs) =>
    trs.map((tr) => ({ id: Number(tr.dataset.id), score: Number(tr.dataset.score), source: tr.dataset.source })),
  );
}

/** Watches, from before any page script runs, every grade row ever added, with the source it was rendered from. */
export const recordAddedRows = () => {
  window.__addedRows = [];
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType === 1 && n.dataset && n.dataset.testid === 'grade-row') {
          window.__addedRows.push({ id: Number(n.dataset.id), score: Number(n.dataset.score), source: n.dataset.source });
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
};
