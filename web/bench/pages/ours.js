// etag-cache as the bench drives it: the public API from dist/, plus a way to wait until the background
// revalidation a cached read started has finished (so one measurement's background work never lands in the next).
import { createCache } from '/dist/etag-cache.js';

/** Opens a cache. Returns { cache, get(url) -> result, settled(url, ms) -> Promise<'event type'|'timeout'> }. */
export async function openOurs(options) {
  const cache = await createCache({ version: 'bench', wasmURL: '/dist/etag-cache.wasm', ...options });
  const waiters = new Map(); // absolute url -> Set<resolve>
  const events = { revalidated: 0, update: 0, error: 0, evict: 0, warning: 0 };
  const evictTimes = [];
  for (const type of Object.keys(events)) {
    cache.addEventListener(type, (e) => {
      events[type]++;
      if (type === 'evict') evictTimes.push(performance.now());
      const url = e.detail && e.detail.url;
      const set = waiters.get(url);
      if (!set || type === 'evict' || type === 'warning') return;
      waiters.delete(url); // no per-URL state left behind: the memory figures must be the library's alone
      for (const resolve of set) resolve(type);
    });
  }
  const abs = (url) => new URL(url, location.href).href;
  /** Resolves with the event type that ended url's next revalidation, or 'timeout'. Call before get. */
  function settled(url, ms = 5000) {
    const key = abs(url);
    return new Promise((resolve) => {
      if (!waiters.has(key)) waiters.set(key, new Set());
      const set = waiters.get(key);
      const timer = setTimeout(() => {
        set.delete(done);
        if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
        resolve('timeout');
      }, ms);
      const done = (type) => { clearTimeout(timer); resolve(type); };
      set.add(done);
    });
  }
  return { cache, get: (url) => cache.get(url), settled, events, evictTimes };
}
