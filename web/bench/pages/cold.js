// A visit -- a repeat visit, or a first visit on a fresh profile -- measured from navigation start
// (performance.now() is relative to it) to the first data the page gets. ?impl=ours|peer|plain|nostore &url=...
// &db=... [&module=wait] Result in window.__cold. The code is the same for both: exactly what a user's page does.
//   ours:    import etag-cache.js, createCache, get(url)          (repeat: module from the HTTP cache, Go started, DB opened)
//   peer:    import the Dexie peer (Dexie's ESM build), open, getCachedData(url)
//   plain:   fetch(url) + res.json(), default cache mode (the browser's HTTP cache may answer or revalidate)
//   nostore: fetch(url, {cache: 'no-store'}) + res.json()         (no cache at all)
const q = new URLSearchParams(location.search);
const impl = q.get('impl');
const url = q.get('url');
const db = q.get('db');
const ttl = q.get('ttl') ? Number(q.get('ttl')) : undefined;
const marks = { script: performance.now() };

// Marks when the module is compiled (on a repeat visit from the HTTP cache and Chromium's code cache; on a first
// visit a streaming compile ends as the download does) and instantiated, before Go's main runs; wraps whichever of
// the WebAssembly entry points the wrapper uses (compile is its fallback without application/wasm).
for (const name of ['compileStreaming', 'compile', 'instantiateStreaming', 'instantiate']) {
  const orig = WebAssembly[name];
  if (typeof orig !== 'function') continue;
  WebAssembly[name] = async function (...args) {
    const r = await orig.apply(this, args);
    marks[name.startsWith('compile') ? 'compiled' : 'instantiated'] = performance.now();
    return r;
  };
}

/**
 * What the page loaded, from Resource Timing (same origin, so sizes and times are not hidden): per resource its
 * path, when its last byte arrived (ms since navigation) and its sizes on the wire and decoded. Taken after the
 * data arrived, so it costs the measurement nothing.
 */
function resources() {
  const nav = performance.getEntriesByType('navigation')[0];
  return [nav, ...performance.getEntriesByType('resource')].filter(Boolean).map((e) => ({
    path: new URL(e.name).pathname, end: e.responseEnd, transfer: e.transferSize,
    encoded: e.encodedBodySize, decoded: e.decodedBodySize,
  }));
}

async function run() {
  if (impl === 'ours') {
    const { createCache } = await import('/dist/etag-cache.js');
    marks.imported = performance.now();
    const cache = await createCache({ version: 'bench', wasmURL: '/dist/etag-cache.wasm', dbName: db, ttl });
    marks.opened = performance.now();
    const r = await cache.get(url);
    marks.data = performance.now();
    return { source: r.source, count: r.data && r.data.count };
  }
  if (impl === 'peer') {
    const { openPeer } = await import('/peer/peer.js');
    marks.imported = performance.now();
    const p = openPeer({ dbName: db, version: 'bench' });
    await p.db.open();
    marks.opened = performance.now();
    const r = await p.getCachedData(url);
    marks.data = performance.now();
    return { source: r.source, count: r.data && r.data.count };
  }
  if (impl === 'plain' || impl === 'nostore') {
    const res = await fetch(url, impl === 'nostore' ? { cache: 'no-store' } : {});
    const data = await res.json();
    marks.data = performance.now();
    return { source: 'network', count: data.count, status: res.status };
  }
  throw new Error('unknown impl ' + impl);
}

/**
 * With ?module=wait (first visits), waits after the data (so unmeasured) until ours' module is instantiated, at most
 * limitMs: a library may load it after the data, in the background, and when it arrived is still worth reporting.
 */
async function moduleLoaded(limitMs) {
  const t0 = performance.now();
  while (marks.instantiated === undefined && performance.now() - t0 < limitMs) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

run().then(
  async (r) => {
    if (impl === 'ours' && q.get('module') === 'wait') await moduleLoaded(90000);
    window.__cold = { impl, ...r, marks, resources: resources() };
    document.title = 'done';
  },
  (err) => { window.__cold = { impl, error: String(err && err.stack || err), marks }; document.title = 'done'; },
);
