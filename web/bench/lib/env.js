// The bench's environment: the loopback server and a headless Chromium with a real on-disk profile (a persistent
// context, so IndexedDB and the HTTP cache live on disk as on a phone, not in an incognito profile's memory).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Builds and starts web/bench/server; resolves with {url, stop()}. floor: the directory holding floor.wasm;
 * br: the directory of brotli copies (DIR/<url path>.br), none when absent.
 */
export async function startServer({ repo, dist, outDir, floor = join(outDir, 'floor'), br }) {
  const bin = join(outDir, 'benchserver');
  execFileSync('go', ['build', '-o', bin, './web/bench/server'], { cwd: repo, stdio: 'inherit' });
  const args = ['-addr', '127.0.0.1:0', '-dist', dist, '-root', join(repo, 'web', 'bench'), '-floor', floor];
  if (br) args.push('-br', br);
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout });
    rl.once('line', (line) => resolve(line.trim()));
    proc.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { url, stop: () => proc.kill() };
}

/** Launches Chromium on a fresh temporary profile; resolves with {context, version, close()}. */
export async function launch() {
  const dir = mkdtempSync(join(tmpdir(), 'etag-bench-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: FLAGS,
  });
  const version = context.browser() ? context.browser().version() : chromiumVersion();
  return {
    context,
    version,
    close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Chromium's version string from the binary. */
export function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

/** A new tab with a CDP session; throttle: {cpu?: rate, net?: {latency, down, up}} applied before any navigation. */
export async function newTab(context, throttle = {}) {
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  const cdp = await context.newCDPSession(page);
  if (throttle.cpu) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle.cpu });
  if (throttle.net) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: throttle.net.latency,
      downloadThroughput: throttle.net.down, uploadThroughput: throttle.net.up,
    });
  }
  return { page, cdp };
}

/** Opens the bench page in a new tab and waits until window.bench exists. */
export async function benchTab(context, base, throttle) {
  const tab = await newTab(context, throttle);
  await tab.page.goto(base + '/pages/bench.html');
  await tab.page.waitForFunction(() => window.bench !== undefined, null, { timeout: 30000 });
  return tab;
}

/** One repeat visit of cold.html in a fresh tab (closed after); resolves with window.__cold. */
export async function coldVisit(context, base, params, throttle) {
  const { page } = await newTab(context, throttle);
  try {
    // The load event can take a while on an emulated slow network (a first visit downloads cold.js too).
    await page.goto(base + '/pages/cold.html?' + new URLSearchParams(params), { timeout: 120000 });
    await page.waitForFunction(() => window.__cold !== undefined, null, { timeout: 120000 });
    const r = await page.evaluate(() => window.__cold);
    if (r.error) throw new Error(`cold visit ${JSON.stringify(params)}: ${r.error}`);
    return r;
  } finally {
    await page.close();
  }
}

/**
 * One first visit of cold.html: a new Chromium on a brand-new on-disk profile (no HTTP cache, code cache,
 * IndexedDB or service worker), throttled before it navigates; resolves with window.__cold. A new browser rather
 * than a new incognito context, so that IndexedDB and the HTTP cache are on disk as on a phone.
 */
export async function firstVisit(base, params, throttle) {
  const browser = await launch();
  try {
    return await coldVisit(browser.context, base, params, throttle);
  } finally {
    await browser.close();
  }
}

/** Server request counts: {requests, ok, notModified} for one request URI, or the totals. */
export async function serverCount(base, uri) {
  const res = await fetch(base + '/_stats' + (uri ? '?uri=' + encodeURIComponent(uri) : ''));
  return res.json();
}

export async function serverReset(base) {
  await fetch(base + '/_reset');
}
