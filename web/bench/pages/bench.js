// The in-page half of `make bench`: the driver (../run.js) calls these through page.evaluate. Every timing is taken
// here with performance.now() (5 µs resolution: the page is cross-origin isolated), so the driver's own latency
// never enters a number.
import { instances, wasmMemoryBytes } from './capture.js';
import { openOurs } from './ours.js';
import { openFloor } from './floor.js';
import { openPeer } from '/peer/peer.js';

const opened = new Map(); // "kind:db" -> implementation

async function impl(kind, db, extra = {}) {
  const key = `${kind}:${db}:${JSON.stringify(extra)}`;
  if (!opened.has(key)) {
    let p;
    if (kind === 'ours') p = openOurs({ dbName: db, ...extra });
    else if (kind === 'floor') p = openFloor({ dbName: db, mode: 'bytes' });
    else if (kind === 'floorObject') p = openFloor({ dbName: db, mode: 'object' });
    else if (kind === 'peer') p = Promise.resolve(openPeer({ dbName: db, version: 'bench' }));
    else throw new Error('unknown kind ' + kind);
    opened.set(key, p);
  }
  return opened.get(key);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const settleTimeouts = { n: 0 };

/** One cached read of url by kind; resolves with {ms, data}. Waits (untimed) for its background work after. */
async function readOnce(kind, db, url) {
  const c = await impl(kind, db);
  if (kind === 'ours') {
    const done = c.settled(url);
    const t0 = performance.now();
    const r = await c.get(url);
    const ms = performance.now() - t0;
    if (r.source !== 'cache') throw new Error(`ours: ${url} came from ${r.source}, not the cache`);
    if ((await done) === 'timeout') settleTimeouts.n++;
    return { ms, data: r.data };
  }
  if (kind === 'peer') {
    const t0 = performance.now();
    const r = await c.getCachedData(url);
    const ms = performance.now() - t0;
    if (r.source !== 'cache') throw new Error(`peer: ${url} came from ${r.source}, not the cache`);
    await r.revalidation;
    return { ms, data: r.data };
  }
  const t0 = performance.now();
  const data = await c.get(url);
  const ms = performance.now() - t0;
  if (data === undefined) throw new Error(`${kind}: ${url} is not stored`);
  return { ms, data };
}

/** Stores url in every kind's database (from the network) and checks they all read back the same document. */
async function prepare(kinds, dbs, url) {
  for (const kind of kinds) {
    const c = await impl(kind, dbs[kind]);
    if (kind === 'ours') {
      for (let i = 0; i < 20; i++) {
        const r = await c.get(url);
        if (r.source === 'cache') break;
        await sleep(50);
      }
    } else if (kind === 'peer') {
      await (await c.getCachedData(url)).revalidation;
    } else {
      await c.put(url);
    }
  }
  const counts = [];
  for (const kind of kinds) counts.push((await readOnce(kind, dbs[kind], url)).data.count);
  if (new Set(counts).size !== 1) throw new Error(`kinds disagree on ${url}: ${counts}`);
}

/**
 * Warm cached reads of url: n measured rounds after `warmup` unmeasured ones. Each round reads once with every kind,
 * the order rotating per round so drift and GC hit all kinds alike. Returns {kind: [ms...]} (index i = round i).
 */
async function warm({ kinds, dbs, url, n, warmup }) {
  await prepare(kinds, dbs, url);
  const out = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let i = 0; i < warmup + n; i++) {
    for (let j = 0; j < kinds.length; j++) {
      const kind = kinds[(i + j) % kinds.length];
      const { ms } = await readOnce(kind, dbs[kind], url);
      if (i >= warmup) out[kind].push(ms);
    }
  }
  return { samples: out, settleTimeouts: settleTimeouts.n };
}

/** Fills ours (db) with urls from the network, `conc` at a time. Returns {ms, entries}. */
async function populate({ db, urls, conc = 16, ttl }) {
  const c = await impl('ours', db, ttl ? { ttl } : {});
  const t0 = performance.now();
  let next = 0;
  async function worker() {
    while (next < urls.length) {
      const url = urls[next++];
      await c.get(url);
    }
  }
  await Promise.all(Array.from({ length: conc }, worker));
  const ms = performance.now() - t0;
  const s = await c.cache.stats();
  return { ms, entries: s.entries };
}

/**
 * Warm reads over a list of stored urls (random picks): ours through the library, and, in the same round, the raw
 * floor reading the very record ours stored (own connection, readonly get + JSON.parse). Returns {ours, raw}.
 */
async function warmList({ db, urls, n, warmup }) {
  const conn = await idbReq(indexedDB.open(db));
  const decoder = new TextDecoder();
  const out = { ours: [], raw: [] };
  try {
    for (let i = 0; i < warmup + n; i++) {
      const url = urls[Math.floor(Math.random() * urls.length)];
      const rawRead = async () => {
        const t0 = performance.now();
        const rec = await idbReq(conn.transaction('entries').objectStore('entries').get(ourKey(url)));
        JSON.parse(decoder.decode(rec.body));
        return performance.now() - t0;
      };
      let raw = i % 2 ? await rawRead() : 0;
      const { ms } = await readOnce('ours', db, url);
      if (i % 2 === 0) raw = await rawRead();
      if (i >= warmup) { out.ours.push(ms); out.raw.push(raw); }
    }
  } finally {
    conn.close();
  }
  return out;
}

/** Waits until ours' start-up sweep of db has run (it starts 3 s after open) and a read goes through. */
async function afterSweep({ db, url }) {
  await impl('ours', db);
  await sleep(3300);
  await readOnce('ours', db, url);
}

/** n concurrent gets of url by kind. Returns the results' sources. */
async function concurrent({ kind, db, url, n }) {
  const c = await impl(kind, db);
  const rs = await Promise.all(Array.from({ length: n }, () =>
    kind === 'ours' ? c.get(url) : c.getCachedData(url)));
  return rs.map((r) => r.source);
}

/** Reads urls once each with ours (results dropped), waiting for each background revalidation. */
async function readAll({ db, urls }) {
  const c = await impl('ours', db);
  for (const url of urls) {
    const done = c.settled(url);
    const r = await c.get(url);
    if (r.source !== 'cache') throw new Error(`ours: ${url} came from ${r.source}`);
    await done;
  }
  return urls.length;
}

/** Reads urls once each with the peer (results dropped), waiting for each background revalidation. */
async function readAllPeer({ db, urls }) {
  const c = await impl('peer', db);
  for (const url of urls) {
    const r = await c.getCachedData(url);
    await r.revalidation;
  }
  return urls.length;
}

/** Opens ours on db with options and reports when its sweep's evict events arrived. */
async function sweepTiming({ db, ttl, wait = 20000 }) {
  const t0 = performance.now();
  const c = await impl('ours', db, { ttl });
  const tOpen = performance.now();
  const deadline = tOpen + wait;
  let last = -1;
  // Evict events arrive in a burst once the sweep returns; wait until the count stops changing.
  while (performance.now() < deadline) {
    await sleep(250);
    if (c.evictTimes.length > 0 && c.evictTimes.length === last) break;
    last = c.evictTimes.length;
  }
  const s = await c.cache.stats();
  return {
    openMs: tOpen - t0,
    evicted: c.evictTimes.length,
    firstEvictAfterOpen: c.evictTimes.length ? c.evictTimes[0] - tOpen : null,
    lastEvictAfterOpen: c.evictTimes.length ? c.evictTimes[c.evictTimes.length - 1] - tOpen : null,
    entriesAfter: s.entries,
  };
}

/** One get of url by kind, waiting for its background revalidation. Returns the source. */
async function once({ kind, db, url }) {
  const c = await impl(kind, db);
  if (kind === 'ours') {
    const done = c.settled(url);
    const r = await c.get(url);
    if (r.source === 'cache') await done;
    return r.source;
  }
  const r = await c.getCachedData(url);
  await r.revalidation;
  return r.source;
}

function idbReq(r) {
  return new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
}
function idbDone(tx) {
  return new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = tx.onabort = () => reject(tx.error); });
}
// cache.Key("", "bench", "GET", url): <len(ns)>:<ns>|<len(version)>:<version>|METHOD|url (cache/key.go).
const ourKey = (url) => '0:|5:bench|GET|' + new URL(url, location.href).href;

/**
 * Bulk-fills ours' database straight through IndexedDB: clones the record the library itself wrote for `template`
 * (so the shape is exactly the library's), changing key, url, etag and timestamps, and keeps the meta byte total
 * right. For scale only: the library's own write path is measured separately (populate). Returns {ms, written}.
 */
async function bulkFill({ db, template, urls, etagOf }) {
  const conn = await idbReq(indexedDB.open(db));
  try {
    const tmpl = await idbReq(conn.transaction('entries').objectStore('entries').get(ourKey(template)));
    if (!tmpl) throw new Error(`bulkFill: no record for ${template} in ${db}`);
    const t0 = performance.now();
    const now = Date.now();
    for (let i = 0; i < urls.length; i += 2500) {
      const tx = conn.transaction(['entries', 'meta'], 'readwrite');
      const entries = tx.objectStore('entries');
      const meta = tx.objectStore('meta');
      let added = 0;
      for (const url of urls.slice(i, i + 2500)) {
        const key = ourKey(url);
        const fields = { key, url: new URL(url, location.href).href, etag: etagOf(url), storedAt: now };
        // The record (cache/idb_record.go, schema 3) keeps key, URL, validators and storedAt in one JSON string.
        const rec = { ...tmpl, meta: JSON.stringify({ ...JSON.parse(tmpl.meta), ...fields }), validatedAt: now };
        entries.put(rec, key);
        added += tmpl.size;
      }
      const totals = await idbReq(meta.get('totals'));
      meta.put({ bytes: ((totals && totals.bytes) || 0) + added }, 'totals');
      await idbDone(tx);
    }
    return { ms: performance.now() - t0, written: urls.length };
  } finally {
    conn.close();
  }
}

/** Sets validatedAt of urls' records in ours' database `ageMs` into the past (so a sweep finds them expired). */
async function age({ db, urls, ageMs }) {
  const conn = await idbReq(indexedDB.open(db));
  try {
    const tx = conn.transaction('entries', 'readwrite');
    const entries = tx.objectStore('entries');
    let n = 0;
    for (const url of urls) {
      const key = ourKey(url);
      const rec = await idbReq(entries.get(key));
      if (!rec) continue;
      rec.validatedAt = Date.now() - ageMs;
      entries.put(rec, key);
      n++;
    }
    await idbDone(tx);
    return n;
  } finally {
    conn.close();
  }
}

/**
 * Runs the floor module (web/bench/floor/main.go) once, as a check that it is a working program: stores a value
 * under "k" in its database, then instantiates /floor/floor.wasm, which reads it back through go-indexeddb and hands
 * it to globalThis.__floorModuleResult. Returns {ms (instantiate to value), value}.
 */
async function floorModule() {
  const open = indexedDB.open('floor-module', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('entries');
  const db = await idbReq(open);
  const tx = db.transaction('entries', 'readwrite');
  tx.objectStore('entries').put({ n: 42 }, 'k');
  await idbDone(tx);
  db.close();
  if (typeof globalThis.Go !== 'function') await import('/dist/wasm_exec.js');
  const go = new globalThis.Go();
  const result = new Promise((resolve) => { globalThis.__floorModuleResult = resolve; });
  const t0 = performance.now();
  const { instance } = await WebAssembly.instantiateStreaming(fetch('/floor/floor.wasm'), go.importObject);
  const exited = Symbol('exited'); // go.run settles when main returns, just after the handover
  try {
    const value = await Promise.race([result, go.run(instance).then(() => sleep(100)).then(() => exited)]);
    if (value === exited) throw new Error('the floor module exited without handing over a value');
    if (!value || value.n !== 42) throw new Error(`the floor module read ${JSON.stringify(value)}, want {"n":42}`);
    return { ms: performance.now() - t0, value };
  } finally {
    delete globalThis.__floorModuleResult;
  }
}

async function clearOurs({ db }) {
  const c = await impl('ours', db);
  return c.cache.clear();
}

window.bench = {
  warm, populate, warmList, afterSweep, concurrent, readAll, readAllPeer, sweepTiming, clearOurs, once, floorModule,
  bulkFill: (a) => bulkFill({ ...a, etagOf: (url) => `"i-${url.split('/').pop()}"` }), age,
  wasmMemoryBytes, instances: () => instances.length,
  isolated: () => globalThis.crossOriginIsolated === true,
};
document.title = 'bench ready';
