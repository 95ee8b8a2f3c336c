// The measurements of issue 5, and the first visit on slow 3G of "Speed where our users feel it". Each takes the
// shared environment {context, base, cfg, dist, floor, br, log} and returns plain data (raw samples included) for the
// JSON output; report.js turns it into tables.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { benchTab, coldVisit, firstVisit, serverCount, serverReset } from './env.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const blob = (size, id) => `/api/blob?size=${size}&id=${id}`;
const item = (k) => `/api/item/${k}`;
const range = (a, b) => Array.from({ length: b - a }, (_, i) => a + i);

/** 1. Warm cached reads: ours vs raw IndexedDB (bytes, and a parsed-object variant) vs the Dexie peer. */
export async function warmReads({ context, base, cfg, log }) {
  const { page } = await benchTab(context, base);
  const isolated = await page.evaluate(() => window.bench.isolated());
  const kinds = ['ours', 'floor', 'floorObject', 'peer'];
  const dbs = { ours: 'ours-warm', floor: 'floor-warm', floorObject: 'floorobj-warm', peer: 'peer-warm' };
  const out = { isolated, sizes: {} };
  for (const size of cfg.warm.sizes) {
    const n = cfg.warm.n[size];
    log(`warm read ${size} B: ${n} rounds`);
    out.sizes[size] = await page.evaluate((a) => window.bench.warm(a),
      { kinds, dbs, url: blob(size, 'warm'), n, warmup: cfg.warm.warmup });
  }
  await page.close();
  return out;
}

/**
 * Visits of cold.html (repeat visits in context unless `visit` says otherwise), impls interleaved per round;
 * `warmup` unmeasured rounds first.
 */
async function visits({ context, base, impls, params, rounds, warmup, throttle, warmThrottle,
  visit = (p, t) => coldVisit(context, base, p, t) }) {
  const out = Object.fromEntries(impls.map((i) => [i, []]));
  for (let r = 0; r < warmup + rounds; r++) {
    for (let j = 0; j < impls.length; j++) {
      const impl = impls[(r + j) % impls.length];
      const res = await visit({ impl, ...params(impl) }, r < warmup ? warmThrottle : throttle);
      if (r >= warmup) out[impl].push(res);
    }
  }
  return out;
}

/** 2. Cold start (navigation start -> first cached data), unthrottled and with the CPU throttled 4x. */
export async function coldStart({ context, base, cfg, log }) {
  const url = blob(cfg.cold.size, 'cold');
  const params = (impl) => ({ url, db: `${impl}-cold` });
  const out = {};
  for (const cpu of [1, 4]) {
    log(`cold start, CPU ${cpu}x: ${cfg.cold.n} rounds`);
    out[`cpu${cpu}`] = await visits({
      context, base, impls: ['ours', 'peer'], params, rounds: cfg.cold.n, warmup: cpu === 1 ? 2 : 1,
      throttle: { cpu }, warmThrottle: { cpu },
    });
  }
  return out;
}

/** raw / gzip -9 / brotli 11 sizes of a module; the brotli copy is the one run.js made and the server sends. */
function moduleSizes(path, brPath) {
  const wasm = readFileSync(path);
  return { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length, brotli: readFileSync(brPath).length };
}

/**
 * 3. Transfer: module size raw/gzip/brotli, ours and the floor module (syscall/js + go-indexeddb reading one key,
 * web/bench/floor); bytes on the wire to fetch vs revalidate an unchanged 100 KB body.
 */
export async function transfer({ context, base, cfg, dist, floor, br, log }) {
  const module = moduleSizes(join(dist, 'etag-cache.wasm'), join(br, 'dist', 'etag-cache.wasm.br'));
  const floorModule = moduleSizes(join(floor, 'floor.wasm'), join(br, 'floor', 'floor.wasm.br'));
  log(`transfer: module ${JSON.stringify(module)}, floor module ${JSON.stringify(floorModule)}`);
  const { page, cdp } = await benchTab(context, base);
  // The floor module must be a working program, not just a size: run it once (it reads a key the page stored).
  floorModule.run = await page.evaluate(() => window.bench.floorModule());
  log(`transfer: the floor module ran in ${floorModule.run.ms.toFixed(0)} ms`);
  await cdp.send('Network.enable');
  const reqs = new Map();
  cdp.on('Network.requestWillBeSent', (e) => reqs.set(e.requestId, { url: e.request.url }));
  // loadingFinished never comes for a response whose (empty) body the page does not read, as with the peer's 304:
  // then the bytes received by responseReceived (the headers) are all there was.
  cdp.on('Network.responseReceived', (e) => {
    const r = reqs.get(e.requestId);
    if (r) { r.status = e.response.status; r.bytes = Math.max(r.bytes || 0, e.response.encodedDataLength || 0); }
  });
  cdp.on('Network.loadingFinished', (e) => { const r = reqs.get(e.requestId); if (r) r.bytes = Math.max(r.bytes || 0, e.encodedDataLength); });
  const wire = {};
  for (const kind of ['ours', 'peer']) {
    const url = blob(cfg.transfer.size, `transfer-${kind}`);
    for (const step of ['fetch', 'revalidate']) {
      reqs.clear();
      const source = await page.evaluate((a) => window.bench.once(a), { kind, db: `${kind}-transfer`, url });
      await sleep(500); // let loadingFinished arrive
      const seen = [...reqs.values()].filter((r) => r.url === base + url);
      wire[`${kind}.${step}`] = { source, requests: seen.length, status: seen.map((r) => r.status),
        bytes: seen.reduce((s, r) => s + (r.bytes || 0), 0) };
    }
  }
  await page.close();
  return { module, floorModule, wire };
}

/** 4. Slow 3G repeat visit: time to first data with our cache vs the peer vs no cache. */
export async function slow3g({ context, base, cfg, log }) {
  const url = blob(cfg.slow3g.size, 'slow3g');
  const net = { latency: 400, down: 400 * 1000 / 8, up: 400 * 1000 / 8 };
  log(`slow 3G: ${cfg.slow3g.n} rounds`);
  return visits({
    context, base, impls: ['ours', 'peer', 'plain', 'nostore'], params: (impl) => ({ url, db: `${impl}-3g` }),
    rounds: cfg.slow3g.n, warmup: 1, throttle: { net }, warmThrottle: {},
  });
}

/**
 * 5. First visit on slow 3G: each visit a new browser on a brand-new profile, throttled before it navigates, the
 * static files served brotli-compressed; ours vs the peer vs a plain fetch, time to first data.
 */
export async function firstVisitSlow3g({ base, cfg, log }) {
  const { size, n, net: { latency, kbps } } = cfg.firstvisit;
  const url = blob(size, 'first');
  const net = { latency, down: kbps * 1000 / 8, up: kbps * 1000 / 8 };
  log(`first visit on slow 3G (${latency} ms, ${kbps} kbit/s): ${n} rounds of 3 fresh profiles`);
  const visitsOut = await visits({
    base, impls: ['ours', 'peer', 'plain'], params: (impl) => ({ url, db: `${impl}-first`, module: 'wait' }),
    rounds: n, warmup: 0, throttle: { net }, visit: (p, t) => firstVisit(base, p, t),
  });
  return { size, net: { latency, kbps }, visits: visitsOut };
}

/**
 * 6. Scale: warm read and cold start with N entries stored; sweep of 10% expired entries at the largest N.
 * The first stage is stored through the library (its write rate is reported); the rest is bulk-written straight
 * into IndexedDB by cloning a record the library wrote (bench.bulkFill), since the library's write path is slow.
 */
export async function scale({ context, base, cfg, log }) {
  const db = 'scale';
  const tab = await benchTab(context, base);
  const stages = {};
  const first = cfg.scale.stages[0];
  const write = await tab.page.evaluate((a) => window.bench.populate(a), { db, urls: range(0, first).map(item) });
  write.n = first;
  log(`scale: stored ${first} through the library: ${Math.round(first / (write.ms / 1000))} puts/s`);
  let stored = first;
  for (const n of cfg.scale.stages) {
    if (n > stored) {
      const r = await tab.page.evaluate((a) => window.bench.bulkFill(a), { db, template: item(0), urls: range(stored, n).map(item) });
      log(`scale: bulk-wrote ${r.written} entries in ${Math.round(r.ms)} ms`);
      stored = n;
      // A bulk import of thousands of records leaves the browser's IndexedDB backing store compacting for a while;
      // a store that grew over weeks of use would not be. Let it settle before reading.
      await sleep(cfg.scale.settle);
    }
    log(`scale ${n}: warm reads and cold starts`);
    const warm = await tab.page.evaluate((a) => window.bench.warmList(a),
      { db, urls: range(0, n).map(item), n: cfg.scale.reads, warmup: 5 });
    const cold = await visits({
      context, base, impls: ['ours'], params: () => ({ url: item(n - 1), db }), rounds: cfg.scale.cold, warmup: 1,
    });
    stages[n] = { warm, cold: cold.ours };
  }
  const expire = range(first, first + Math.round(stored / 10)).map(item);
  const aged = await tab.page.evaluate((a) => window.bench.age(a), { db, urls: expire, ageMs: 8 * 24 * 3600 * 1000 });
  await tab.page.close();
  log(`scale: aged ${aged} of ${stored} entries past the 7-day TTL; timing the sweep`);
  const t = await benchTab(context, base);
  const sweep = await t.page.evaluate((a) => window.bench.sweepTiming(a), { db, wait: 60000 });
  sweep.stored = stored;
  sweep.aged = aged;
  await t.page.close();
  return { write, stages, sweep };
}

/** 7. Dedup: n concurrent gets of one URL -> requests the server saw (empty cache, then cached). */
export async function dedup({ context, base, cfg }) {
  const { page } = await benchTab(context, base);
  const out = {};
  for (const kind of ['ours', 'peer']) {
    const url = blob(1024, `dedup-${kind}-${Date.now()}`);
    for (const state of ['empty', 'cached']) {
      await serverReset(base);
      const sources = await page.evaluate((a) => window.bench.concurrent(a), { kind, db: `${kind}-dedup`, url, n: cfg.dedup.n });
      await sleep(2000); // background revalidations
      const c = await serverCount(base, url);
      out[`${kind}.${state}`] = { gets: cfg.dedup.n, requests: c.requests, ok: c.ok, notModified: c.notModified,
        fromCache: sources.filter((s) => s === 'cache').length };
    }
  }
  await page.close();
  return out;
}

/** JS heap (after a full GC) and wasm linear memory of a tab. */
async function memoryOf(tab) {
  await tab.cdp.send('HeapProfiler.collectGarbage');
  const heap = await tab.cdp.send('Runtime.getHeapUsage');
  const wasm = await tab.page.evaluate(() => window.bench.wasmMemoryBytes());
  return { jsHeapUsed: heap.usedSize, jsHeapTotal: heap.totalSize, wasmMemory: wasm };
}

/** 8. Memory after reading `few` vs `many` distinct 10 KB entries (results dropped). */
export async function memory({ context, base, cfg, log }) {
  const urls = range(0, cfg.memory.many).map((k) => blob(cfg.memory.size, `mem${k}`));
  log(`memory: storing ${urls.length} entries`);
  const fill = await benchTab(context, base);
  await fill.page.evaluate((a) => window.bench.populate(a), { db: 'ours-mem', urls });
  await fill.page.evaluate((a) => window.bench.readAllPeer(a), { db: 'peer-mem', urls });
  await fill.page.close();
  const out = {};
  for (const kind of ['ours', 'peer']) {
    const tab = await benchTab(context, base);
    const fn = kind === 'ours' ? 'readAll' : 'readAllPeer';
    const db = `${kind}-mem`;
    await tab.page.evaluate(([f, a]) => window.bench[f](a), [fn, { db, urls: urls.slice(0, cfg.memory.few) }]);
    const few = await memoryOf(tab);
    await tab.page.evaluate(([f, a]) => window.bench[f](a), [fn, { db, urls: urls.slice(cfg.memory.few) }]);
    const many = await memoryOf(tab);
    // The same entries once more: growth here is the garbage collector's headroom, not memory held per entry.
    await tab.page.evaluate(([f, a]) => window.bench[f](a), [fn, { db, urls }]);
    const again = await memoryOf(tab);
    out[kind] = { few, many, again, nFew: cfg.memory.few, nMany: cfg.memory.many };
    await tab.page.close();
  }
  out.pinned = await pinnedBodies({ context, base, cfg, log });
  return out;
}

/**
 * Resident memory of the renderer processes (MB, from /proc; Linux only, 0 elsewhere). ArrayBuffer contents live
 * outside the JS heap, so only the process size shows bodies that stay referenced.
 */
function rendererRSS() {
  let kb = 0;
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // the process ended meanwhile
    }
  }
  return kb / 1024;
}

/**
 * One large body read again and again in one tab: renderer memory after each batch. A read must not keep its
 * body alive (syscall/js frees a JS value only when Go's GC finalizes its reference).
 */
async function pinnedBodies({ context, base, cfg, log }) {
  const { size, batches, perBatch } = cfg.memory.pinned;
  const url = blob(size, 'pinned');
  const out = {};
  for (const kind of ['ours', 'peer']) {
    log(`memory: ${kind} reading one ${size} B body ${batches * perBatch} times`);
    const tab = await benchTab(context, base);
    const fn = kind === 'ours' ? 'readAll' : 'readAllPeer';
    const db = `${kind}-pinned`;
    await tab.page.evaluate(([f, a]) => window.bench[f](a), [kind === 'ours' ? 'populate' : fn, { db, urls: [url] }]);
    await tab.cdp.send('HeapProfiler.collectGarbage');
    const rss = [rendererRSS()];
    for (let b = 0; b < batches; b++) {
      await tab.page.evaluate(([f, a]) => window.bench[f](a), [fn, { db, urls: Array(perBatch).fill(url) }]);
      await tab.cdp.send('HeapProfiler.collectGarbage');
      rss.push(rendererRSS());
    }
    out[kind] = { size, perBatch, rss };
    await tab.page.close();
  }
  return out;
}
