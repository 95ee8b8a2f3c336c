// tabs.js — one job: keeping a cache in step with the world outside its tab. `update`s, and results fetched for URLs
// a tab had not stored, are relayed to and from the other tabs of the same (dbName, namespace, version) over a
// BroadcastChannel; subscribed URLs are read again when the window comes back online or the page becomes visible
// again; and the browser's word on connectivity (navigator.onLine, `online` / `offline`) is passed on. Each observes
// the cache through a small interface and knows nothing of its insides.

import { reportCallbackError } from './errors.js';
import { isPlainObject } from './options.js';

/**
 * The channel shared by the tabs of one database partition. JSON keeps the two parts apart: ('app', 'u:1') and
 * ('app:u', '1') get different names (joined with ':' both were 'etag-cache:app:u:1', and one user got the other's
 * data).
 */
function channelName(dbName, namespace) {
  return 'etag-cache:' + JSON.stringify([dbName, namespace]);
}

/**
 * Relays `update` details between the tabs of one (dbName, namespace, version) over a BroadcastChannel.
 *
 * - BC: the BroadcastChannel constructor; without one (or when it throws) the relay does nothing.
 * - scope: {version, dbName, namespace}; a message is accepted only when all three match, besides its shape.
 * - cache: {update(rawDetail), fetched(result), warning(detail)}. update gets the raw detail (as the Go side emitted
 *   it, body an ArrayBuffer) another tab posted: an object with a string url. fetched gets a result (data decoded)
 *   another tab fetched for a URL it had not stored. warning gets a `broadcast-failed` warning detail when posting
 *   fails.
 *
 * Returns {post(rawDetail), postFetched(result), close()}: post shares a local update with the other tabs,
 * postFetched a result fetched from the network; close stops the relay.
 */
export function relayUpdates(BC, { version, dbName, namespace }, cache) {
  let channel = null;
  const accepts = (msg) =>
    isPlainObject(msg) && (msg.type === 'update' || msg.type === 'fetched') && msg.version === version &&
    msg.dbName === dbName && msg.namespace === namespace && isPlainObject(msg.detail) &&
    typeof msg.detail.url === 'string';
  if (typeof BC === 'function') {
    try {
      channel = new BC(channelName(dbName, namespace));
      channel.onmessage = (ev) => {
        try {
          const msg = ev && ev.data;
          if (!accepts(msg)) return;
          if (msg.type === 'update') cache.update(msg.detail);
          else if (typeof cache.fetched === 'function') cache.fetched(msg.detail);
        } catch (err) {
          reportCallbackError(err);
        }
      };
    } catch {
      channel = null;
    }
  }
  const send = (type, detail) => {
    if (!channel) return;
    try {
      channel.postMessage({ type, version, dbName, namespace, detail });
    } catch (err) {
      const message = `etag-cache: could not share an update with other tabs: ${err && err.message}`;
      cache.warning({ code: 'broadcast-failed', message });
    }
  };
  return {
    post(detail) {
      send('update', detail);
    },
    postFetched(result) {
      send('fetched', result);
    },
    close() {
      if (!channel) return;
      try {
        channel.close();
      } catch {
        // already closed
      }
      channel = null;
    },
  };
}

/**
 * Calls reread() on each `online` event of win (the window; without one, never): reading the subscribed URLs again
 * revalidates them. Returns a function that stops listening.
 */
export function rereadWhenOnline(win, reread) {
  if (!win || typeof win.addEventListener !== 'function') return () => {};
  const listener = () => reread();
  win.addEventListener('online', listener);
  return () => {
    if (typeof win.removeEventListener === 'function') win.removeEventListener('online', listener);
  };
}

/** Adds listener for type on target (when it can take one); returns a function that removes it. */
function listen(target, type, listener) {
  if (!target || typeof target.addEventListener !== 'function') return () => {};
  target.addEventListener(type, listener);
  return () => {
    if (typeof target.removeEventListener === 'function') target.removeEventListener(type, listener);
  };
}

/** What win's navigator says of the network: false only when navigator.onLine is false (no navigator: online). */
export function browserOnline(win) {
  const nav = win && win.navigator;
  return !(nav && nav.onLine === false);
}

/**
 * Calls onChange(true) on each `online` event of win and onChange(false) on each `offline` event (without a window,
 * never). Returns a function that stops listening.
 */
export function watchConnectivity(win, onChange) {
  const stopOnline = listen(win, 'online', () => onChange(true));
  const stopOffline = listen(win, 'offline', () => onChange(false));
  return () => {
    stopOnline();
    stopOffline();
  };
}

/**
 * Calls reread() each time doc (the page's document; without one, never) becomes visible again (`visibilitychange`
 * with visibilityState 'visible'): a phone's user comes back to the tab. Reads of cached URLs revalidate them when
 * due, so the Go side's minRevalidateInterval bounds how often this asks the server. Returns a function that stops
 * listening.
 */
export function rereadWhenVisible(doc, reread) {
  return listen(doc, 'visibilitychange', () => {
    if (doc.visibilityState === 'visible') reread();
  });
}
