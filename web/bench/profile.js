#!/usr/bin/env node
// Where a warm cached read of ours spends its time: a DevTools CPU profile of `n` warm reads in the bench page,
// summed by function (self time). Build the module WITHOUT -s -w first so wasm function names survive, e.g.
//   GOOS=js GOARCH=wasm go build -trimpath -o /tmp/distprof/etag-cache.wasm ./wasm  (+ the web/*.js modules and wasm_exec.js, as make build copies them)
// then: DIST_DIR=/tmp/distprof node web/bench/profile.js [size] [n]
// It also prints a split of one cached read (with and without its revalidation started, and a bare round trip).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launch, benchTab } from './lib/env.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const dist = resolve(process.env.DIST_DIR || join(repo, 'dist'));
const size = Number(process.argv[2] || 1024);
const n = Number(process.argv[3] || 300);

const server = await startServer({ repo, dist, outDir: join(here, 'out') });
const b = await launch();
try {
  const { page, cdp } = await benchTab(b.context, server.url);
  const url = `/api/blob?size=${size}&id=prof`;
  await page.evaluate((a) => window.bench.warm(a), { kinds: ['ours'], dbs: { ours: 'prof' }, url, n: 5, warmup: 5 });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const r = await page.evaluate((a) => window.bench.warm(a), { kinds: ['ours'], dbs: { ours: 'prof' }, url, n, warmup: 0 });
  const { profile } = await cdp.send('Profiler.stop');
  // Split a cached read: with its background revalidation started (the default), without (minRevalidateInterval
  // 1 h), and a bare round trip into Go and back that touches IndexedDB (stats()).
  const split = await page.evaluate(async ({ url, n }) => {
    const { openOurs } = await import('/pages/ours.js');
    const a = await openOurs({ dbName: 'split-a' });
    const q = await openOurs({ dbName: 'split-b', minRevalidateInterval: 3600e3 });
    for (const c of [a, q]) { await c.get(url); await c.get(url); }
    const t = { 'get (revalidation started)': [], 'get (no revalidation due)': [], 'stats() round trip': [] };
    for (let i = 0; i < n; i++) {
      let t0 = performance.now();
      const done = a.settled(url);
      await a.get(url);
      t['get (revalidation started)'].push(performance.now() - t0);
      await done;
      t0 = performance.now();
      await q.get(url);
      t['get (no revalidation due)'].push(performance.now() - t0);
      t0 = performance.now();
      await q.cache.stats();
      t['stats() round trip'].push(performance.now() - t0);
    }
    return Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, xs.sort((x, y) => x - y)[xs.length >> 1]]));
  }, { url, n: 200 });
  console.log(`split of a cached read of ${size} B (medians of 200):`);
  for (const [k, v] of Object.entries(split)) console.log(`  ${v.toFixed(3).padStart(8)} ms  ${k}`);
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url ? f.url.split('/').pop() : ''}`.trim();
    self.set(name, (self.get(name) || 0) + (dt[i] || 0) / 1000);
  });
  const total = [...self.values()].reduce((a, x) => a + x, 0);
  const ms = r.samples.ours.sort((a, x) => a - x)[Math.floor(n / 2)];
  console.log(`${n} warm reads of ${size} B, median ${ms.toFixed(3)} ms; profile ${total.toFixed(0)} ms, top self time:`);
  for (const [name, t] of [...self.entries()].sort((a, x) => x[1] - a[1]).slice(0, 30)) {
    console.log(`${t.toFixed(1).padStart(8)} ms ${(100 * t / total).toFixed(1).padStart(5)}%  ${name}`);
  }
} finally {
  await b.close();
  server.stop();
}
