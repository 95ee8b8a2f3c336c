// cache.js — one job: the EtagCache class, an EventTarget over one handle of the Go side, and openCache, which opens
// one on a loaded api. It checks arguments (options.js), converts results and event details (body.js), dispatches
// events, and composes the per-URL listeners (subscriptions.js) and the world outside the tab (tabs.js).
//
// The api the Go side registers (see loader.js):
//   api.open(options) → Promise<handle>. options: what options.js mapOptions returns, plus onEvent(type, detail),
//     which the Go side calls with `update` (detail: a raw result), `revalidated` {url, status, validatedAt},
//     `error` {url, kind, message, status?}, `evict` {url, reason} and `warning` {url?, code, message}. It rejects
//     with TypeError for a bad option value, StorageUnavailableError when storage 'indexeddb' cannot be honoured.
//   handle = {get(url, {headers}) → Promise<raw result>, invalidate(url) → Promise, clear(all: boolean) →
//     Promise<number>, stats() → Promise<stats>, close() → Promise, storage: 'indexeddb' | 'memory'}.
//   raw result = {url, status, etag, lastModified, source, stale, storedAt, validatedAt, contentType, headers,
//     body: ArrayBuffer}. Its url, and the url of events about it, is exactly the href handed to get.
// Its methods reject with Errors whose names are stable (etag-cache.d.ts, EtagCacheErrorName); they may also throw
// synchronously (e.g. once the Go program has exited), which callAsync turns into a rejection.

import { convertDetail, convertResult } from './body.js';
import { callAsync, namedError, reportCallbackError, typeError } from './errors.js';
import { isPlainObject, mapOptions, normalizeHeaders, resolveURL } from './options.js';
import { Subscriptions } from './subscriptions.js';
import { relayUpdates, rereadWhenOnline } from './tabs.js';

/** Proof that the constructor was called by openCache. */
const INTERNAL = Symbol('etag-cache internal');

function makeEvent(type, detail) {
  if (typeof CustomEvent === 'function') return new CustomEvent(type, { detail });
  const ev = new Event(type);
  Object.defineProperty(ev, 'detail', { value: detail, enumerable: true });
  return ev;
}

/**
 * An open cache: an EventTarget that dispatches `update`, `revalidated`, `error`, `evict` and `warning`
 * CustomEvents. Create it with createCache(); the constructor is not public API.
 */
export class EtagCache extends EventTarget {
  #handle = null;
  #location;
  #closed = false;
  #ready = false;
  #pending = []; // [type, raw detail] that arrived before openCache resolved
  #subs = new Subscriptions((href, headers) => this.#fetch(href, headers));
  #tabs;
  #stopOnline;

  /**
   * Not public: createCache() is the way to make one. openCache passes the token, its env, the api.open options and
   * an object that receives the controls only it may use: attach(handle), ready() and onEvent(type, detail).
   */
  constructor(token, env, open, controls) {
    if (token !== INTERNAL) throw new TypeError('etag-cache: use createCache() to create an EtagCache');
    super();
    this.#location = env.location;
    this.#tabs = relayUpdates(env.BroadcastChannel, open, {
      update: (raw) => this.#accept('update', raw),
      warning: (detail) => this.#accept('warning', detail),
    });
    this.#stopOnline = rereadWhenOnline(env.window, () => {
      if (!this.#closed) this.#subs.reread();
    });
    controls.attach = (handle) => {
      this.#handle = handle;
    };
    controls.ready = () => this.#release();
    controls.onEvent = (type, detail) => this.#onEvent(type, detail);
  }

  /** Where entries live: 'indexeddb', or 'memory' when IndexedDB is unavailable (or storage: 'memory' was asked). */
  get storage() {
    return this.#handle ? this.#handle.storage : undefined;
  }

  /** Whether close() was called. */
  get closed() {
    return this.#closed;
  }

  #checkOpen() {
    if (this.#closed) throw namedError('EtagCacheError', 'etag-cache: the cache is closed');
  }

  #resolve(url) {
    const loc = this.#location;
    return resolveURL(url, loc && typeof loc.href === 'string' ? loc.href : undefined);
  }

  /**
   * Fetches url through the cache. Resolves with the cached result at once when a valid entry exists (and
   * revalidates it in the background), else with the network result. `onUpdate` is called once, on the next `update`
   * of this URL. Rejects with TypeError for a bad URL, NetworkError / TimeoutError / HttpStatusError when there is no
   * cached copy to serve.
   */
  async get(url, init = {}) {
    this.#checkOpen();
    if (!isPlainObject(init)) throw typeError('get(url, init): init must be an object');
    const href = this.#resolve(url);
    if (init.onUpdate !== undefined && typeof init.onUpdate !== 'function') {
      throw typeError('init.onUpdate must be a function');
    }
    const headers = normalizeHeaders(init.headers, 'init.headers');
    const dropOnUpdate = init.onUpdate ? this.#subs.once(href, init.onUpdate) : null;
    try {
      return await this.#fetch(href, headers);
    } catch (err) {
      if (dropOnUpdate) dropOnUpdate();
      throw err;
    }
  }

  async #fetch(href, headers) {
    const raw = await callAsync(() => this.#handle.get(href, headers ? { headers } : {}));
    return convertResult(raw);
  }

  /**
   * Calls fn with the result for url (cached or network), then with every later update of that URL (from this tab
   * or, via BroadcastChannel, from another). Errors never call fn; they go to options.onError when given (rejections
   * of the reads and `error` events of this URL). Returns a function that stops the subscription. Throws TypeError
   * for a bad URL or a non-function fn.
   */
  subscribe(url, fn, options = {}) {
    this.#checkOpen();
    if (typeof fn !== 'function') throw typeError('subscribe(url, fn): fn must be a function');
    if (!isPlainObject(options)) throw typeError('subscribe(url, fn, options): options must be an object');
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw typeError('options.onError must be a function');
    }
    const href = this.#resolve(url);
    const headers = normalizeHeaders(options.headers, 'options.headers');
    return this.#subs.subscribe(href, fn, { onError: options.onError, headers });
  }

  /** Drops the stored entry of url (emits `evict` with reason 'manual'). */
  async invalidate(url) {
    this.#checkOpen();
    const href = this.#resolve(url);
    await callAsync(() => this.#handle.invalidate(href));
  }

  /** Deletes the entries of this namespace, or of every namespace with { all: true }. Resolves with the count. */
  async clear(options = {}) {
    this.#checkOpen();
    if (!isPlainObject(options)) throw typeError('clear(options): options must be an object');
    if (options.all !== undefined && typeof options.all !== 'boolean') {
      throw typeError('clear(options): options.all must be a boolean');
    }
    return callAsync(() => this.#handle.clear(options.all === true));
  }

  /** Counters since the cache was opened, plus the current entry count and size. */
  async stats() {
    this.#checkOpen();
    return callAsync(() => this.#handle.stats());
  }

  /**
   * Stops subscriptions, the BroadcastChannel and the `online` listener, and closes the Go side's cache.
   * Calling it again does nothing. Later calls of get/subscribe/... reject (or throw) EtagCacheError.
   */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#tabs.close();
    this.#stopOnline();
    this.#subs.clear();
    this.#pending = [];
    if (this.#handle) await callAsync(() => this.#handle.close());
  }

  /**
   * The onEvent function handed to api.open; never throws back into Go. A local `update` is shared with the other
   * tabs. Event types beyond the five documented ones are dispatched as they come (forward compatibility).
   */
  #onEvent(type, detail) {
    try {
      if (this.#closed || typeof type !== 'string' || type === '') return;
      if (type === 'update') this.#tabs.post(detail);
      this.#accept(type, detail);
    } catch (err) {
      reportCallbackError(err);
    }
  }

  /** Delivers an event now, or queues it until openCache has resolved. */
  #accept(type, detail) {
    if (this.#closed) return;
    if (this.#ready) this.#deliver(type, detail);
    else this.#pending.push([type, detail]);
  }

  /** From now on events are delivered as they come; the queued ones go first. */
  #release() {
    this.#ready = true;
    const queued = this.#pending;
    this.#pending = [];
    for (const [type, detail] of queued) this.#deliver(type, detail);
  }

  /** Converts and dispatches one event, then hands updates and errors to the listeners of its URL. */
  #deliver(type, rawDetail) {
    if (this.#closed) return;
    let detail;
    try {
      detail = convertDetail(type, rawDetail);
    } catch (err) {
      reportCallbackError(err);
      return;
    }
    this.dispatchEvent(makeEvent(type, detail));
    if (type === 'update') this.#subs.update(detail);
    else if (type === 'error') this.#subs.error(detail);
  }
}

/**
 * Opens a cache on api, the object the Go module registers (see the contract above). options are createCache's
 * (checked and mapped by mapOptions: TypeError before api.open is called); env is {location, window,
 * BroadcastChannel}, the page's or a test's. Rejects with api.open's error unchanged, with EtagCacheError when api
 * has no open. Events raised while opening are dispatched on the next task, after the caller's await has had the
 * chance to add listeners.
 */
export async function openCache(api, options, env) {
  const loc = env.location;
  const open = mapOptions(options, loc && typeof loc.origin === 'string' ? loc.origin : undefined);
  if (!api || typeof api.open !== 'function') {
    throw namedError('EtagCacheError', 'etag-cache: the wasm module did not register an api');
  }
  const controls = {};
  const cache = new EtagCache(INTERNAL, env, open, controls);
  open.onEvent = controls.onEvent;
  let handle;
  try {
    handle = await callAsync(() => api.open(open));
  } catch (err) {
    await cache.close();
    throw err;
  }
  controls.attach(handle);
  setTimeout(controls.ready, 0);
  return cache;
}
