// svelte.js — a Svelte readable store over an etag-cache URL. No runtime dependency on svelte: the object returned
// follows the store contract (subscribe(run) calls run synchronously with the current value and returns an
// unsubscribe function), so `$grades` works in components and `get(store)` works in plain code.

function initialValue() {
  return { data: undefined, loading: true, error: null, source: null, stale: false, storedAt: null, validatedAt: null,
    revalidating: false, pending: false };
}

/** Whether u is a store (of URLs): an object with a subscribe method. A URL object or a string is not. */
function isStore(u) {
  return u !== null && typeof u === 'object' && typeof u.subscribe === 'function';
}

/** A URL store's value as the URL to read: null (nothing to read) for null/undefined, an href for a URL object. */
function urlOf(u) {
  if (u === null || u === undefined) return null;
  return typeof u === 'string' ? u : String(u);
}

/**
 * Whether a cached read leaves a background revalidation under way: the result says so (CacheResult.revalidating).
 * A result from an older cache without the field counts as revalidating when it came from the cache, which is what
 * the cache does with the default minRevalidateInterval (0) for a response without max-age / Expires.
 */
function revalidates(result) {
  return typeof result.revalidating === 'boolean' ? result.revalidating : result.source === 'cache';
}

/**
 * cachedStore(cache, url, init?) returns a readable store whose value is
 * { data, loading, error, source, stale, storedAt, validatedAt, revalidating, pending } (the two times in ms since the
 * epoch, so a page can show how old cached data is), and a refresh() method.
 *
 * - `cache` is an EtagCache, a Promise of one (typical: created in onMount or behind `browser`), or null/undefined
 *   (SSR, or not created yet): then the value stays { loading: true } and nothing throws.
 * - `url` is a URL (string or URL object), or a store of them (e.g. derived from a route parameter). When the URL
 *   store changes, the old URL's subscription stops, the value goes back to loading *without* the previous data
 *   (it belongs to another URL: another student's grades must not show under this one's name), and the new URL is
 *   read. A null/undefined URL reads nothing and stays loading.
 * - Without `window` (server-side rendering) the store never touches the cache (nor the URL store) and stays loading.
 * - The first subscriber starts cache.subscribe(url); the last unsubscribe stops it. The value then keeps the last
 *   data; a later first subscriber starts again (and re-reads the URL).
 * - A result sets { data, loading: false, error: null, source, stale, storedAt, validatedAt, revalidating, pending }.
 *   revalidating is true after a cached read until the outcome of its revalidation arrives: a `revalidated` event of
 *   this URL (which also sets validatedAt, stale: false, error: null), an update, or an error. pending is
 *   result.pending === true (optimistic writes not yet confirmed by the server).
 * - A failed read, an `error` event of this URL, or a cache Promise that rejects sets `error`, loading: false and
 *   revalidating: false and keeps the last data (offline: the cached rows stay on screen with the error next to
 *   them).
 * - refresh() reads the URL again (cache.get), which revalidates it; it resolves when the read has settled (its
 *   result or error lands in the value) and never rejects. Without a subscriber, in SSR or before the cache has
 *   resolved it does nothing.
 * - init.headers are sent with this URL's reads (like get's init.headers).
 */
export function cachedStore(cache, url, init = {}) {
  const urlStore = isStore(url) ? url : null;
  const headers = init && init.headers;
  let value = initialValue();
  const runs = new Set(); // of { run }
  let session = null; // while subscribed in a browser: see start()
  let lastURL; // the URL the value's data belongs to (undefined: none yet); kept across stop/start

  function set(next) {
    value = next;
    for (const sub of [...runs]) sub.run(value);
  }

  /** Whether the value is still the initial one (nothing to reset, no reason to call the subscribers). */
  function pristine() {
    return value.loading && value.data === undefined && value.error === null && value.source === null;
  }

  function fail(error) {
    set({ ...value, loading: false, error, revalidating: false });
  }

  function accept(result) {
    set({ data: result.data, loading: false, error: null, source: result.source, stale: result.stale === true,
      storedAt: result.storedAt, validatedAt: result.validatedAt, revalidating: revalidates(result),
      pending: result.pending === true });
  }

  function start() {
    if (typeof window === 'undefined' || cache === null || cache === undefined) return null;
    // s.gen counts URL switches: a callback of an earlier URL (a late refresh, an event) finds it changed.
    const s = { active: true, cache: null, url: undefined, href: null, gen: 0, off: null, stopURL: null };

    function attach() {
      const c = s.cache;
      if (!s.active || !c || s.url === null || s.url === undefined) return;
      const gen = s.gen;
      const mine = (fn) => (arg) => {
        if (s.active && s.gen === gen) fn(arg);
      };
      try {
        s.off = c.subscribe(s.url, mine((result) => {
          s.href = result.url;
          accept(result);
        }), { headers, onError: mine(fail) });
      } catch (err) {
        fail(err);
      }
    }

    function detach() {
      if (s.off) s.off();
      s.off = null;
    }

    /** Reads u from now on; a URL other than the one the data belongs to starts from loading. */
    function switchTo(u) {
      const next = urlOf(u);
      if (next === s.url) return;
      detach();
      s.gen += 1;
      s.url = next;
      s.href = null;
      if (next !== lastURL) {
        lastURL = next;
        if (!pristine()) set(initialValue());
      }
      attach();
    }

    s.onRevalidated = (e) => {
      const d = e && e.detail;
      if (!s.active || !d || s.href === null || d.url !== s.href) return;
      set({ ...value, validatedAt: d.validatedAt, stale: false, error: null, revalidating: false });
    };

    s.refresh = () => {
      const c = s.cache;
      if (!s.active || !c || s.url === null || s.url === undefined) return Promise.resolve();
      const gen = s.gen;
      const current = () => s.active && s.gen === gen;
      return Promise.resolve()
        .then(() => c.get(s.url, headers ? { headers } : {}))
        .then(
          (result) => {
            // An update that overtook this read is newer: keep it.
            if (!current() || (value.storedAt !== null && result.storedAt < value.storedAt)) return;
            s.href = result.url;
            accept(result);
          },
          (err) => {
            if (current()) fail(err);
          },
        );
    };

    if (urlStore) s.stopURL = urlStore.subscribe(switchTo);
    else s.url = urlOf(url);
    if (!urlStore) lastURL = s.url;

    Promise.resolve(cache).then(
      (c) => {
        if (!s.active || c === null || c === undefined) return;
        if (typeof c.subscribe !== 'function') {
          fail(new TypeError('etag-cache/svelte: cachedStore(cache): cache is not an EtagCache'));
          return;
        }
        s.cache = c;
        if (typeof c.addEventListener === 'function') c.addEventListener('revalidated', s.onRevalidated);
        attach();
      },
      (err) => {
        if (s.active) fail(err);
      },
    );

    s.stop = () => {
      s.active = false;
      detach();
      if (s.stopURL) s.stopURL();
      if (s.cache && typeof s.cache.removeEventListener === 'function') {
        s.cache.removeEventListener('revalidated', s.onRevalidated);
      }
      // No outcome arrives once stopped; a later start re-reads and sets it again.
      value = { ...value, revalidating: false };
    };
    return s;
  }

  return {
    subscribe(run) {
      if (typeof run !== 'function') throw new TypeError('etag-cache/svelte: subscribe(run): run must be a function');
      const sub = { run }; // one entry per call: the same function may subscribe twice
      runs.add(sub);
      if (runs.size === 1) session = start();
      run(value);
      return () => {
        if (!runs.delete(sub)) return;
        if (runs.size === 0 && session) {
          session.stop();
          session = null;
        }
      };
    },
    refresh() {
      return session ? session.refresh() : Promise.resolve();
    },
  };
}
