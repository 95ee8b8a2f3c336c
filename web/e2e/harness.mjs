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
import { inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const distDir = process.env.DIST_DIR ? path.resolve(process.env.DIST_DIR) : path.join(repoRoot, 'dist');
export const outDir = fileURLToPath(new URL('./out/', import.meta.url));

/** Flags for Debian's Chromium on a machine without a network: without the background-networking ones it floods
 * the closed network with connection attempts. */
export const CHROME_ARGS = [
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
 * Starts the demo server on a free loopback port, serving the built files of dist (default distDir). The server
 * prints its URL as the first stdout line. Returns a handle with the URL, control helpers and stop().
 */
export async function startServer(bin, { dist = distDir } = {}) {
  const proc = spawn(bin, ['-addr', '127.0.0.1:0', '-latency', '0', '-dist', dist], {
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
 * Launches Chromium on a persistent profile in a new temp dir (a real on-disk profile: what DevTools' per-origin
 * quota override needs to produce real QuotaExceededErrors). Returns {context, close()}; close also removes the dir.
 */
export async function launchPersistent() {
  const dir = await mkdtemp(path.join(tmpdir(), 'etag-cache-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROME_ARGS,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a page of context on the demo's blank page (/demo/blank.html), with the collectors of newDemoPage. */
export async function newBlankPage(context, baseURL) {
  const p = await newDemoPage(context);
  await p.page.goto(new URL('/demo/blank.html', baseURL).href);
  return p;
}

/**
 * In the page: imports /etag-cache.js, opens a cache with options (waiting until the module is attached, so
 * entries are stored from the first get on), keeps it as window.__cache and records its events in window.__events as {type, ...detail}
 * (an `update`'s data is left out: it can be large). Returns cache.storage.
 */
export function openCacheIn(page, options) {
  return page.evaluate(async (options) => {
    const { createCache } = await import('/etag-cache.js');
    window.__events = [];
    const cache = await createCache(options);
    window.__cache = cache;
    for (const type of ['update', 'revalidated', 'error', 'evict', 'warning']) {
      cache.addEventListener(type, (e) => {
        const { data, ...rest } = e.detail;
        window.__events.push({ type, ...rest });
      });
    }
    // stats() starts the module's download at once on a first visit (else it waits for the page to be idle).
    await cache.stats().catch(() => {});
    await cache.ready;
    return cache.storage;
  }, options);
}

/** In the page: the events window.__cache recorded (openCacheIn), optionally only those of type. */
export function eventsIn(page, type) {
  return page.evaluate((type) => window.__events.filter((e) => !type || e.type === type), type);
}

/**
 * In a page of the database's origin: reads IndexedDB database dbName directly (opened without a version, so never
 * upgraded; close every cache on it first). Returns {entries: [{key, size, bodyBytes, version, body}], bodyBytes
 * (the sum of the records' body.byteLength), sizes (the sum of their size fields), totals (the 'meta' store's
 * record under 'totals')}. body is the body decoded as JSON when withBodies (else undefined).
 */
export function readDatabase(page, dbName, { withBodies = false } = {}) {
  return page.evaluate(async ([dbName, withBodies]) => {
    const req = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const db = await req(indexedDB.open(dbName));
    try {
      const tx = db.transaction(['entries', 'meta'], 'readonly');
      const entries = [];
      let bodyBytes = 0;
      let sizes = 0;
      await new Promise((resolve, reject) => {
        const c = tx.objectStore('entries').openCursor();
        c.onerror = () => reject(c.error);
        c.onsuccess = () => {
          const cur = c.result;
          if (!cur) return resolve();
          const rec = cur.value;
          const n = rec.body instanceof ArrayBuffer ? rec.body.byteLength : -1;
          bodyBytes += n;
          sizes += rec.size;
          let body;
          if (withBodies) {
            try {
              body = JSON.parse(new TextDecoder().decode(rec.body));
            } catch {
              body = null;
            }
          }
          entries.push({ key: cur.key, size: rec.size, bodyBytes: n, version: rec.version, body });
          cur.continue();
        };
      });
      const totals = await req(tx.objectStore('meta').get('totals'));
      return { entries, bodyBytes, sizes, totals: totals ?? null };
    } finally {
      db.close();
    }
  }, [dbName, withBodies]);
}

/** The namespace and version a key of the IndexedDB store names ("<len>:<ns>|<len>:<version>|<METHOD>|<URL>"). */
export function parseKey(key) {
  let i = 0;
  const part = () => {
    const colon = key.indexOf(':', i);
    const n = Number(key.slice(i, colon));
    const s = key.slice(colon + 1, colon + 1 + n);
    i = colon + 1 + n + 1; // past the '|'
    return s;
  };
  const ns = part();
  const version = part();
  const rest = key.slice(i);
  const bar = rest.indexOf('|');
  return { ns, version, method: rest.slice(0, bar), url: rest.slice(bar + 1) };
}

/** Polls cond (async) every 50 ms until it is truthy; returns its value. Throws naming what after timeout ms. */
export async function waitUntil(cond, what, timeout = 20000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
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

/**
 * Navigates to the demo (query like '?v=demo-v2') and waits until the page finished its first load and settled: the
 * module has arrived and the data is stored (or cannot be), so that a reload is a repeat visit. (On a first visit
 * the module downloads after the first data.)
 */
export async function gotoDemo(page, baseURL, query = '', waitFor = 1) {
  await page.goto(new URL(query, baseURL).href);
  await waitForLoads(page, waitFor);
  await page.waitForFunction(() => window.__demo.settled, null, { timeout: 20000 });
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

/** Reads a PNG's size from IHDR and counts the distinct byte values of its inflated image data. */
export function pngInfo(buf) {
  if (buf.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG: no PNG signature');
  let off = 8;
  let width = 0;
  let height = 0;
  const idat = [];
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const seen = new Set();
  for (let i = 0; i < raw.length && seen.size < 256; i += 7) seen.add(raw[i]);
  return { width, height, distinctBytes: seen.size };
}
