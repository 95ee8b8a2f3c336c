// Helpers of the example's end-to-end test: the sample API (the repo's demo server), the built app under
// `vite preview`, and headless Chromium (Debian's, driven by playwright-core).
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
  const child = spawn(bin, ['-addr', '127.0.0.1:0', '-dist', path.join(repo, 'dist')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line.trim().replace(/\/$/, '')));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`demo server exited (${code}) before printing its URL`)));
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
  return r.json();
}

/** The GET /api/grades/ requests the demo server has seen since the last log clear. */
export async function gradeRequests(base) {
  const log = await api(base, 'GET', '/api/_control/log');
  return log.filter((e) => e.method === 'GET' && e.path === '/api/grades/');
}
