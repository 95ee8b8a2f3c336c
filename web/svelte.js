// svelte.js — a Svelte readable store over an etag-cache URL. No runtime dependency on svelte: the object returned
// follows the store contract (subscribe(run) calls run synchronously with the current value and returns an
// unsubscribe function), so `$grades` works in components and `get(store)` works in plain code.

function initialValue() {
  return { data: undefined, loading: true, error: null, source: null, stale: false, storedAt: null, validatedAt: null };
}

/**
 * cachedStore(cache, url, init?) returns a readable store whose value is
 * { data, loading, error, source, stale, storedAt, validatedAt } (the two times in ms since the epoch, so a page can
 * show how old cached data is).
 *
 * - `cache` is an EtagCache, a Promise of one (typical: created in onMount or behind `browser`), or null/undefined
 *   (SSR, or not created yet): then the value stays { loading: true } and nothing throws.
 * - Without `window` (server-side rendering) the store never touches the cache and stays loading.
 * - The first subscriber starts cache.subscribe(url); the last unsubscribe stops it. The value then keeps the last
 *   data; a later first subscriber starts again (and re-reads the URL).
 * - A result sets { data, loading: false, error: null, source, stale, storedAt, validatedAt }. A failed read, an `error` event of this URL,
 *   or a cache Promise that rejects sets `error` and loading: false and keeps the last data (offline: the cached
 *   rows stay on screen with the error next to them).
 * - init.headers are sent with this URL's reads (like get's init.headers).
 */
export function cachedStore(cache, url, init = {}) {
  let value = initialValue();
  const runs = new Set(); // of { run }
  let stop = null;

  function set(next) {
    value = next;
    for (const sub of [...runs]) sub.run(value);
  }

  function fail(error) {
    set({ ...value, loading: false, error });
  }

  function start() {
    if (typeof window === 'undefined' || cache === null || cache === undefined) return () => {};
    let active = true;
    let off = null;
    Promise.resolve(cache).then(
      (c) => {
        if (!active || c === null || c === undefined) return;
        if (typeof c.subscribe !== 'function') {
          fail(new TypeError('etag-cache/svelte: cachedStore(cache): cache is not an EtagCache'));
          return;
        }
        try {
          off = c.subscribe(
            url,
            (result) => set({ data: result.data, loading: false, error: null, source: result.source,
              stale: result.stale === true, storedAt: result.storedAt, validatedAt: result.validatedAt }),
            { headers: init && init.headers, onError: (err) => active && fail(err) },
          );
        } catch (err) {
          fail(err);
        }
      },
      (err) => {
        if (active) fail(err);
      },
    );
    return () => {
      active = false;
      if (off) off();
    };
  }

  return {
    subscribe(run) {
      if (typeof run !== 'function') throw new TypeError('etag-cache/svelte: subscribe(run): run must be a function');
      const sub = { run }; // one entry per call: the same function may subscribe twice
      runs.add(sub);
      if (runs.size === 1) stop = start();
      run(value);
      return () => {
        if (!runs.delete(sub)) return;
        if (runs.size === 0 && stop) {
          stop();
          stop = null;
        }
      };
    },
  };
}
