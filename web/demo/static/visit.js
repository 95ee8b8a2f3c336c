// visit.js — the demo's "This visit" panel: what this load of the page cost, from the browser's own measurements
// (Navigation and Resource Timing): whether the page, the JS face and the wasm module came over the network or from a
// cache (the browser's HTTP cache, or the service worker's Cache Storage), their bytes and times, everything this
// visit transferred, and the time from navigation to the first grades on screen.

/** Where a response came from, by Resource Timing's deliveryType (Chromium) and sizes. */
function origin(e) {
  if (e.deliveryType === 'cache-storage') return 'service worker';
  if (e.deliveryType === 'cache') return 'HTTP cache';
  if (e.transferSize === 0) return 'cache'; // a browser without deliveryType
  // A 304: headers only over the network, the body from the HTTP cache (or, for a script the page had in memory,
  // from the renderer's memory cache, which reports no body at all).
  if (e.transferSize < e.encodedBodySize || e.encodedBodySize === 0) return 'revalidated';
  return 'network';
}

/** A request that failed (the loader's cache-only probe on a miss, an offline fetch) has nothing to say. */
const failed = (e) => e.responseStatus === 0 || (e.transferSize === 0 && e.encodedBodySize === 0 && e.decodedBodySize === 0);

function summary(e) {
  return {
    from: origin(e),
    transferSize: e.transferSize, // bytes over the network, headers included; 0 from a cache
    encodedBodySize: e.encodedBodySize, // the body as sent (compressed, if it was)
    ms: Math.round(e.responseEnd - e.startTime), // asked → last byte
    waitMs: Math.round(e.responseStart - e.requestStart), // request sent → first byte: a round trip at least
    bodyMs: Math.round(e.responseEnd - e.responseStart), // first byte → last byte: the body's transfer
  };
}

/**
 * What the browser measured for the file at path (relative to the page), or null before it has arrived. Of several
 * requests for it (a preload and the loader's fetch, say) the one that moved the most bytes over the network.
 */
export function measure(path) {
  const href = new URL(path, location.href).href;
  const entries = performance.getEntriesByName(href, 'resource').filter((e) => !failed(e));
  if (entries.length === 0) return null;
  return summary(entries.reduce((a, b) => (b.transferSize >= a.transferSize ? b : a)));
}

/** The navigation (the page itself), or null. */
export function measurePage() {
  const [nav] = performance.getEntriesByType('navigation');
  return nav ? summary(nav) : null;
}

/** Bytes this visit moved over the network: the page and every resource so far. */
export function transferred() {
  return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .reduce((n, e) => n + (e.transferSize || 0), 0);
}

export function bytes(n) {
  if (!(n >= 0)) return '–';
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(2)} MB`;
}

const seconds = (ms) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** A measured file as a phrase: "4.07 MB over the network in 81.4 s" or "from the service worker (4.07 MB)". */
export function describeFile(m) {
  if (!m) return null;
  switch (m.from) {
    case 'network':
      return `${bytes(m.transferSize)} over the network in ${seconds(m.ms)} (first byte after ${seconds(m.waitMs)})`;
    case 'revalidated':
      return `from the browser's cache, revalidated: ${bytes(m.transferSize)} over the network in ${seconds(m.ms)}`;
    default:
      return `${bytes(m.encodedBodySize)} from the ${m.from}, 0 B over the network`;
  }
}

/**
 * The panel. module(): the module's state as the page knows it ('local' | 'downloading' | 'ready' | 'unavailable' |
 * null before createCache). Renders at once, on every new resource entry and whenever render() is called; returns
 * {render, snapshot} where snapshot() is what the panel shows, as data (window.__demo.visit).
 */
export function watchVisit(el, { module, firstDataMs }) {
  const snapshot = () => ({
    controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
    module: module(),
    page: measurePage(),
    wasm: measure('/etag-cache.wasm'),
    js: measure('/etag-cache.js'),
    transferred: transferred(),
    firstDataMs: firstDataMs(),
  });
  const render = () => {
    const v = snapshot();
    el.kind.textContent = {
      local: 'Repeat visit: the module was at hand without the network, so the cached grades came first',
      downloading: 'First visit: the grades come from the network while the module downloads, after them',
      ready: 'First visit: the grades came from the network, then the module arrived; from now on reads are cached',
      unavailable: 'The module could not load: every read goes to the network',
    }[v.module] || '–';
    el.page.textContent = v.page ? describeFile(v.page) : '–';
    el.wasm.textContent = describeFile(v.wasm) || (v.module === 'downloading' ? 'downloading…' : '–');
    el.js.textContent = describeFile(v.js) || '–';
    el.bytes.textContent = bytes(v.transferred);
    el.firstData.textContent = v.firstDataMs === null ? '–' : `${v.firstDataMs} ms`;
    return v;
  };
  if (typeof PerformanceObserver === 'function') {
    new PerformanceObserver(() => render()).observe({ type: 'resource', buffered: true });
  }
  render();
  return { render, snapshot };
}
