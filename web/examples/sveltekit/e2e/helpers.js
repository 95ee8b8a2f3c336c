// Helpers of the example's end-to-end tests: the sample API (the repo's Go demo server, or the Django example serving
// the built app itself), the built app under `vite preview`, and headless Chromium (Debian's, driven by
// playwright-core).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repo = path.resolve(example, '../../..');
export const out = path.join(example, 'e2e', 'out');

/** Flags for Debian's Chromium in a closed network: without the background-networking ones it floods the network
 * with connection attempts. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Starts the demo server (the sample API) on a free loopback port. DEMO_BIN names a built binary; otherwise it
 * is built from web/demo with the Go toolchain. Resolves with { url, stop }.
 */
export async function startDemo() {
  fs.mkdirSync(out, { recursive: true });
  let bin = process.env.DEMO_BIN;
  if (!bin) {
    bin = path.join(out, 'demo');
    execFileSync('go', ['build', '-o', bin, './web/demo'], { cwd: repo, stdio: 'inherit' });
  }
  return startServer('demo server', bin, ['-addr', '127.0.0.1:0', '-dist', path.join(repo, 'dist')]);
}

export const djangoDir = path.join(repo, 'web', 'examples', 'django');

/**
 * Starts the Django example (web/examples/django) with `manage.py serve` on 127.0.0.1:port (0: a free one): a fresh
 * SQLite database seeded by its migrations, its test-only endpoints on (/api/_test/), and the built app (build/)
 * served at / from the same origin. PYTHON names the interpreter that has Django and DRF (default Debian's
 * /usr/bin/python3, which `make django-deps` provides). corsOrigins are the origins its CORS middleware allows.
 * Resolves with { url, stop }.
 */
export async function startDjango({ port = 0, corsOrigins = [] } = {}) {
  fs.mkdirSync(out, { recursive: true });
  const python = process.env.PYTHON || '/usr/bin/python3';
  const args = ['manage.py', 'serve', '--addr', `127.0.0.1:${port}`, '--static', path.join(example, 'build')];
  return startServer('Django', python, [...args, '--reset', '-v', '0'], {
    cwd: djangoDir,
    env: {
      ...process.env,
      DJANGO_DB_PATH: path.join(out, 'django.sqlite3'),
      DJANGO_TEST_ENDPOINTS: '1',
      DJANGO_CORS_ALLOWED_ORIGINS: corsOrigins.join(','),
      PYTHONDONTWRITEBYTECODE: '1',
    },
  });
}

/** Spawns a server that prints its URL as the first line on stdout; resolves with { url, stop }. */
async function startServer(name, command, args, options = {}) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line.trim().replace(/\/$/, '')));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before printing its URL`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A free loopback port (vite preview wants a number up front). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Calls a control or API endpoint of the demo server directly (not through the app's proxy). */
export async function api(base, method, p, body) {
  const r = await fetch(base + p, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${p}: HTTP ${r.status}`);
  return r.status === 204 ? null : r.json();
}

/** The GET /api/grades/ requests the demo server has seen since the last log clear. */
export async function gradeRequests(base) {
  const log = await api(base, 'GET', '/api/_control/log');
  return log.filter((e) => e.method === 'GET' && e.path === '/api/grades/');
}

/**
 * Resolves once etag-cache's IndexedDB database holds a response (rejects after timeoutMs). On a first visit the
 * module arrives after the page's first data and stores that data then, which may be after the service worker took
 * control: a reload before it would be another first visit, so tests wait for this before they reload. Polled from
 * Node (page.waitForFunction does not await a Promise its function returns). Opens the database only once it
 * exists, as an open would create it.
 */
export async function waitForStored(page, { dbName = 'etag-cache', timeoutMs = 20_000 } = {}) {
  const count = (name) =>
    page.evaluate(async (name) => {
      if (!(await indexedDB.databases()).some((d) => d.name === name)) return 0;
      const done = (req) =>
        new Promise((resolve, reject) => {
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      const db = await done(indexedDB.open(name));
      try {
        if (!db.objectStoreNames.contains('entries')) return 0;
        return await done(db.transaction('entries').objectStore('entries').count());
      } finally {
        db.close();
      }
    }, name);
  const deadline = Date.now() + timeoutMs;
  while ((await count(dbName)) === 0) {
    if (Date.now() > deadline) throw new Error(`nothing stored in IndexedDB ${dbName} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
