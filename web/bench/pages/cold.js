// A repeat visit, measured from navigation start (performance.now() is relative to it) to the first data the page
// gets. ?impl=ours|peer|plain|nostore &url=... &db=... Result in window.__cold.
//   ours:    import etag-cache.js, createCache, get(url)          (module from the HTTP cache, Go started, DB opened)
//   peer:    import the Dexie peer (Dexie's ESM build), open, getCachedData(url)
//   plain:   fetch(url) + res.json(), default cache mode (the browser's HTTP cache may answer or revalidate)
//   nostore: fetch(url, {cache: 'no-store'}) + res.json()         (no cache at all)
const q = new URLSearchParams(location.search);
const impl = q.get('impl');
const url = q.get('url');
const db = q.get('db');
const ttl = q.get('ttl') ? Number(q.get('ttl')) : undefined;
const marks = { script: performance.now() };

// Marks when the module is compiled (from the HTTP cache and Chromium's code cache) and instantiated, before Go's
// main runs; wraps whichever of the WebAssembly entry points the wrapper uses.
for (const name of ['compileStreaming', 'instantiateStreaming', 'instantiate']) {
  const orig = WebAssembly[name];
  if (typeof orig !== 'function') continue;
  WebAssembly[name] = async function (...args) {
    const r = await orig.apply(this, args);
    marks[name === 'compileStreaming' ? 'compiled' : 'instantiated'] = performance.now();
    return r;
  };
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

run().then(
  (r) => { window.__cold = { impl, ...r, marks }; document.title = 'done'; },
  (err) => { window.__cold = { impl, error: String(err && err.stack || err), marks }; document.title = 'done'; },
);
