// cache.js — one job: the EtagCache class, an EventTarget over one handle of the Go side, and openCache, which opens
// one on a loaded api. It checks arguments (options.js), converts results and event details (body.js), dispatches
// events, and composes the per-URL listeners (subscriptions.js) and the world outside the tab (tabs.js).
//
// The api the Go side registers (see loader.js):
//   api.open(options) → Promise<handle>. options: what options.js mapOptions returns, plus onEvent(type, detail),
//     which the Go side calls with `update` (detail: a raw result), `revalidated` {url, status, validatedAt},
//     `error` {url, kind, message, retrying, status?}, `evict` {url, reason} and `warning` {url?, code, message}. It
//     rejects with TypeError for a bad option value, StorageUnavailableError when storage 'indexeddb' cannot be honoured.
//   handle = {get(url, {headers?, cache?, signal?}) → Promise<raw result> (cache: a mode other than 'default';
//     signal: an AbortSignal, which the Go side listens to; it rejects AbortError, NotCachedError too),
//     invalidate(url) → Promise, clear(all: boolean) →
//     Promise<number>, stats() → Promise<stats>, close() → Promise, storage: 'indexeddb' | 'memory',
//     adopt(url, {status, headers, body, receivedAt}) → Promise<boolean> (store a response JS fetched itself),
//     setOnline(online: boolean) → undefined (the browser's connectivity hint, which background retries wait on),
//     and the synchronous cached-read path key(url) → string | null, database() → {db, store} | null,
//     judge(key, record, mode?) → 0 | 1 | 2 (see reader.js)}.
//   raw result = {url, status, etag, lastModified, source, stale, storedAt, validatedAt, contentType, headers,
//     body: ArrayBuffer}. Its url, and the url of events about it, is exactly the href handed to get.
// Its methods reject with Errors whose names are stable (etag-cache.d.ts, EtagCacheErrorName); they may also throw
// synchronously (e.g. once the Go program has exited), which callAsync turns into a rejection.

import { convertBody, convertDetail, convertResult, convertWriteResult, encodeWriteBody } from './body.js';
import { abortError, callAsync, namedError, reportCallbackError, typeError } from './errors.js';
import { Network } from './network.js';
import {
  checkCacheMode, checkSignal, isPlainObject, mapOptions, normalizeHeaders, pageOptions, resolveURL,
} from './options.js';
import { Reader } from './reader.js';
import { Subscriptions } from './subscriptions.js';
import { browserOnline, relayUpdates, rereadWhenOnline, rereadWhenVisible, watchConnectivity } from './tabs.js';

/** Warning code when the module cannot be loaded or opened: the cache then only passes requests to the network. */
const MODULE_UNAVAILABLE = 'module-unavailable';
/** Warning code when the module is not served as application/wasm (slower compile, no code caching). */
const WASM_MIME_TYPE = 'wasm-mime-type';

/** If the page makes no request this soon after createCache, a module that is not local starts downloading. */
const START_AFTER_MS = 2000;

/** Modes the cached-read path may serve (reader.js): the others ask the server first, through the Go side. */
const THIN_MODES = new Set(['default', 'force-cache', 'only-if-cached']);

/** The methods mutate sends. */
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Gives the Go side's ConflictError its current result, and HttpStatusError of a write its data, as users see them. */
function convertWriteError(err) {
  if (!err || typeof err !== 'object') return err;
  try {
    if (err.name === 'ConflictError') {
      err.current = isPlainObject(err.current) ? convertResult(err.current) : null;
    } else if (err.name === 'HttpStatusError' && 'body' in err) {
      const headers = isPlainObject(err.headers) ? err.headers : {};
      err.data = convertBody(err.body, headers['content-type'] || '').data;
      delete err.body;
    }
  } catch (convErr) {
    reportCallbackError(convErr);
  }
  return err;
}

/** Proof that the constructor was called by openCache. */
const INTERNAL = Symbol('etag-cache internal');

function makeEvent(type, detail) {
  if (typeof CustomEvent === 'function') return new CustomEvent(type, { detail });
  const ev = new Event(type);
  Object.defineProperty(ev, 'detail', { value: detail, enumerable: true });
  return ev;
}

/**
 * An open cache: an EventTarget that dispatches `update`, `revalidated`, `error`, `evict`, `warning`, `online` and
 * `offline` CustomEvents. Create it with createCache(); the constructor is not public API.
 *
 * Connectivity (`online`, and the `online` / `offline` events, for a page's "offline — showing saved data" banner):
 * it starts as navigator.onLine; it becomes false on the window's `offline` event and on any request that fails with
 * a network error (an `error` event of kind 'network', a get rejected with NetworkError), even while navigator says
 * online: fetch failures are the truth, navigator.onLine only a hint. It becomes true on the window's `online` event
 * and on any answer from the server that this tab received (a result with source 'network', an `update`, a
 * `revalidated`). Timeouts, HTTP error statuses and storage errors leave it as it is. The events fire only on a
 * change, before the `error` event that caused one; their detail is {cause: 'browser' | 'request'}.
 */
export class EtagCache extends EventTarget {
  #handle = null;
  #reader = null; // the cached-read path, when entries are in IndexedDB
  #network; // serves gets until the Go side is attached
  #start; // begins the module's download (loader.js prepareModule().start)
  #startTimer = null;
  #attached; // Promise<void>: the Go side is attached (rejects when it never will be)
  #location;
  #closed = false;
  #ready = false;
  #pending = []; // [type, raw detail] that arrived before openCache resolved
  #subs = new Subscriptions((href, headers) => this.#read(href, headers));
  #tabs;
  #stopOnline;
  #stopConnectivity;
  #stopVisible;
  #browserOnline; // navigator.onLine, as its events last said: the hint handed to the Go side's retries
  #online; // cache.online

  /**
   * Not public: createCache() is the way to make one. openCache passes the token, its env, the api.open options,
   * the module's start function, a Promise that settles when the Go side is attached, and an object that receives
   * the controls only it may use: attach(handle), ready(), unavailable(error) and onEvent(type, detail).
   */
  constructor(token, env, open, start, attached, controls, page = { revalidateOnFocus: true }) {
    if (token !== INTERNAL) throw new TypeError('etag-cache: use createCache() to create an EtagCache');
    super();
    this.#browserOnline = browserOnline(env.window);
    this.#online = this.#browserOnline;
    this.#location = env.location;
    this.#start = start;
    this.#attached = attached;
    this.#network = new Network({ headers: open.headers, credentials: open.credentials }, open.timeout,
      () => this.#startModule());
    this.#tabs = relayUpdates(env.BroadcastChannel, open, {
      update: (raw) => this.#accept('update', raw),
      fetched: (result) => {
        if (!this.#closed) this.#subs.fetched(result);
      },
      warning: (detail) => this.#accept('warning', detail),
    });
    // Before the re-reads below: the Go side's waiting retries are released in the same task as the re-reads start.
    this.#stopConnectivity = watchConnectivity(env.window, (online) => {
      if (this.#closed) return;
      this.#browserOnline = online;
      this.#tellGo(this.#handle);
      this.#setOnline(online, 'browser');
    });
    this.#stopOnline = rereadWhenOnline(env.window, () => {
      if (!this.#closed) this.#subs.reread();
    });
    this.#stopVisible = rereadWhenVisible(env.document, () => {
      if (this.#closed) return;
      if (page.revalidateOnFocus) this.#subs.reread();
      // Queued writes go when the page comes back into view (a phone unlocked in class).
      if (this.#handle && typeof this.#handle.flush === 'function') {
        callAsync(() => this.#handle.flush()).catch(reportCallbackError);
      }
    });
    controls.attach = (handle, notes = []) => {
      this.#handle = handle;
      this.#tellGo(handle);
      for (const message of notes) this.#accept('warning', { code: WASM_MIME_TYPE, message: 'etag-cache: ' + message });
      this.#stopTimer();
      if (typeof handle.database === 'function') this.#reader = new Reader(handle);
      this.#network.handOver((r) => {
        const { url, ...response } = r;
        if (!this.#closed) callAsync(() => handle.adopt(url, response)).catch(reportCallbackError);
      });
    };
    controls.ready = () => this.#release();
    controls.unavailable = (err) => {
      this.#stopTimer();
      this.#network.drop();
      this.#accept('warning', { code: MODULE_UNAVAILABLE, message: 'etag-cache: not caching, requests go to the ' +
        `network: ${err && err.message ? err.message : String(err)}` });
    };
    controls.waitForRequests = () => {
      this.#startTimer = setTimeout(() => this.#startModule(), START_AFTER_MS);
    };
    controls.onEvent = (type, detail) => this.#onEvent(type, detail);
  }

  /**
   * Where entries live: 'indexeddb', or 'memory' when IndexedDB is unavailable (or storage: 'memory' was asked);
   * 'none' while the module is not there yet (a first visit: gets go to the network) or when it cannot load.
   */
  get storage() {
    return this.#handle ? this.#handle.storage : 'none';
  }

  /**
   * Settles when the Go side is attached, i.e. from when responses are cached: at once after createCache on a
   * repeat visit, once the module has downloaded on a first one. Rejects (with EtagCacheError, or the TypeError of
   * an option value Go refused) when it never will be; gets keep working from the network, and a `warning` with
   * code 'module-unavailable' says why.
   */
  get ready() {
    return this.#attached;
  }

  #startModule() {
    this.#stopTimer();
    if (this.#start) this.#start();
  }

  #stopTimer() {
    if (this.#startTimer !== null) clearTimeout(this.#startTimer);
    this.#startTimer = null;
  }

  /** Waits for the Go side, starting the module's download if it has not started. */
  async #whenAttached() {
    if (!this.#handle) {
      this.#startModule();
      await this.#attached;
    }
    this.#checkOpen();
    return this.#handle;
  }

  /** Whether close() was called. */
  get closed() {
    return this.#closed;
  }

  /**
   * Whether the server can be reached, as far as this tab knows: false after the window's `offline` event or a
   * request that failed with a network error, true after the window's `online` event or an answer from the server.
   * Starts as navigator.onLine. `online` / `offline` events announce each change.
   */
  get online() {
    return this.#online;
  }

  /** Records the connectivity state and announces a change (cause: 'browser' or 'request'). */
  #setOnline(online, cause) {
    if (online === this.#online || this.#closed) return;
    this.#online = online;
    this.#accept(online ? 'online' : 'offline', { cause });
  }

  /** Hands the browser's word on connectivity to the Go side, whose background retries wait while it says offline. */
  #tellGo(handle) {
    if (!handle || typeof handle.setOnline !== 'function') return;
    try {
      handle.setOnline(this.#browserOnline);
    } catch (err) {
      reportCallbackError(err); // e.g. the Go program exited: gets report it
    }
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
   * of this URL. `cache` is the refresh mode, as fetch spells it ('default', 'no-cache', 'reload', 'force-cache',
   * 'only-if-cached'; see etag-cache.d.ts) and `signal` an AbortSignal that rejects this call with AbortError.
   * Rejects with TypeError for a bad URL or init, NetworkError / TimeoutError / HttpStatusError when there is no
   * cached copy to serve, NotCachedError for 'only-if-cached' without one.
   */
  async get(url, init = {}) {
    this.#checkOpen();
    if (!isPlainObject(init)) throw typeError('get(url, init): init must be an object');
    const href = this.#resolve(url);
    if (init.onUpdate !== undefined && typeof init.onUpdate !== 'function') {
      throw typeError('init.onUpdate must be a function');
    }
    const headers = normalizeHeaders(init.headers, 'init.headers');
    const mode = checkCacheMode(init.cache);
    const signal = checkSignal(init.signal);
    if (signal && signal.aborted) throw abortError(signal); // before anything is read or sent
    const dropOnUpdate = init.onUpdate ? this.#subs.once(href, init.onUpdate) : null;
    try {
      return await this.#read(href, headers, mode, signal);
    } catch (err) {
      if (dropOnUpdate) dropOnUpdate();
      throw err;
    }
  }

  /**
   * Reads href: from the network while the Go side is not attached; else the cached-read path (reader.js) when it
   * can answer (no per-read headers, entries in IndexedDB, a servable record, a mode it serves), else the Go side's
   * get. A get whose signal is aborted by the time it settles rejects with the abort's error, as fetch does.
   */
  async #read(href, headers, mode = 'default', signal = undefined) {
    const handle = this.#handle;
    if (!handle) {
      if (mode === 'only-if-cached') {
        // Before the module has arrived nothing here can tell what is stored; answering at once keeps the mode's
        // promise of never waiting for the network (the module is a download too). `await cache.ready` first to
        // read what an earlier visit stored.
        throw namedError('NotCachedError', `etag-cache: ${href} is not cached (the cache's module has not ` +
          'arrived yet: await cache.ready to read stored entries)');
      }
      this.#stopTimer();
      return this.#shareFetched(
        await this.#noteFailure(this.#network.get(href, headers, { reload: mode === 'reload', signal })));
    }
    if (!headers && this.#reader && THIN_MODES.has(mode)) {
      const r = await this.#reader.read(href, mode);
      if (r) {
        if (signal && signal.aborted) throw abortError(signal);
        return r;
      }
      // close() may have run meanwhile: the Go side releases the handle's functions, and calling one then only
      // logs "call to released function" and returns undefined.
      this.#checkOpen();
      if (signal && signal.aborted) throw abortError(signal);
    }
    // The default read hands Go what it always did: only a get with a mode or a signal pays for them.
    const init = headers ? { headers } : {};
    if (mode !== 'default') init.cache = mode;
    if (signal) init.signal = signal;
    let raw;
    try {
      raw = await this.#noteFailure(callAsync(() => handle.get(href, init)));
    } catch (err) {
      if (signal && signal.aborted) throw abortError(signal);
      throw err;
    }
    if (signal && signal.aborted) throw abortError(signal);
    return this.#shareFetched(convertResult(raw));
  }

  /** Passes on p's outcome; a NetworkError says the server cannot be reached (cache.online). */
  async #noteFailure(p) {
    try {
      return await p;
    } catch (err) {
      if (err && err.name === 'NetworkError') this.#setOnline(false, 'request');
      throw err;
    }
  }

  /**
   * A result fetched from the network for a URL this tab had not stored raises no `update` (nothing to compare
   * with), yet another tab may show an older copy of it: its subscribers get the result.
   */
  #shareFetched(result) {
    if (result.source === 'network') {
      this.#setOnline(true, 'request');
      this.#tabs.postFetched(result);
    }
    return result;
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

  /**
   * Drops the stored entry of url (emits `evict` with reason 'manual'). On a first visit it waits for the module;
   * when the module cannot load there is nothing stored, and it resolves. When url has subscribers in this tab it is
   * then read again for them: the read fetches it from the server (whatever minRevalidateInterval says, since nothing
   * is stored) and each subscriber's fn gets the fresh result — a new stored version, even when the server sends the
   * same content — or its onError the failure. No `update` event: nothing stored was compared with.
   */
  async invalidate(url) {
    this.#checkOpen();
    const href = this.#resolve(url);
    const handle = await this.#whenAttached().catch(() => null);
    if (handle) await callAsync(() => handle.invalidate(href));
    if (!this.#closed) this.#subs.rereadURL(href);
  }

  /**
   * Deletes the entries of this namespace, or of every namespace with { all: true }. Resolves with the count. The
   * outbox of queued writes is left alone (a teacher logging out must not lose unsent grades) unless { outbox: true }
   * asks for it too (this namespace's writes; their optimistic patches are rolled back).
   */
  async clear(options = {}) {
    this.#checkOpen();
    if (!isPlainObject(options)) throw typeError('clear(options): options must be an object');
    if (options.all !== undefined && typeof options.all !== 'boolean') {
      throw typeError('clear(options): options.all must be a boolean');
    }
    if (options.outbox !== undefined && typeof options.outbox !== 'boolean') {
      throw typeError('clear(options): options.outbox must be a boolean');
    }
    const handle = await this.#whenAttached().catch(() => null);
    if (!handle) return 0;
    if (options.outbox === true) await callAsync(() => handle.clearOutbox());
    return callAsync(() => handle.clear(options.all === true));
  }

  /**
   * Sends a write (POST, PUT, PATCH, DELETE) with If-Match and Idempotency-Key, or keeps it in the durable outbox
   * when the network is unreachable; see etag-cache.d.ts MutateOptions. Resolves {queued: false, id, status, data,
   * etag, headers} or {queued: true, id}. Rejects TypeError (bad arguments), ConflictError (412; .current is the
   * server's copy, now stored), HttpStatusError (.status, .data), NetworkError / TimeoutError (unreachable with
   * queue: false). Waits for the module on a first visit: the outbox lives on the Go side.
   */
  async mutate(url, options = {}) {
    this.#checkOpen();
    if (!isPlainObject(options)) throw typeError('mutate(url, options): options must be an object');
    const href = this.#resolve(url);
    const method = options.method === undefined ? 'POST' : options.method;
    if (typeof method !== 'string' || !WRITE_METHODS.has(method.toUpperCase())) {
      throw typeError("options.method must be 'POST', 'PUT', 'PATCH' or 'DELETE'");
    }
    const headers = normalizeHeaders(options.headers, 'options.headers') || {};
    const ifMatch = options.ifMatch === undefined ? 'auto' : options.ifMatch;
    if (ifMatch !== false && typeof ifMatch !== 'string') {
      throw typeError("options.ifMatch must be 'auto', false or an ETag string");
    }
    if (options.invalidates !== undefined && !Array.isArray(options.invalidates)) {
      throw typeError('options.invalidates must be an array of URLs');
    }
    const invalidates = (options.invalidates || []).map((u) => this.#resolve(u));
    if (options.optimistic !== undefined && typeof options.optimistic !== 'function') {
      throw typeError('options.optimistic must be a function');
    }
    if (options.queue !== undefined && typeof options.queue !== 'boolean') {
      throw typeError('options.queue must be a boolean');
    }
    const { body, contentType } = await encodeWriteBody(options.body);
    if (contentType && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = contentType;
    }
    const handle = await this.#whenAttached();
    const init = { method: method.toUpperCase(), headers, ifMatch, invalidates, queue: options.queue !== false };
    if (body !== undefined) init.body = body;
    if (options.optimistic) {
      const current = await this.get(href, { cache: 'only-if-cached' }).catch(() => null);
      if (current) init.patch = (await encodeWriteBody(options.optimistic(current.data))).body;
    }
    this.#checkOpen();
    try {
      return convertWriteResult(await this.#noteFailure(callAsync(() => handle.mutate(href, init))));
    } catch (err) {
      throw convertWriteError(err);
    }
  }

  /**
   * The queued writes of this namespace, in queue order: [{ id, url, method, queuedAt, attempts, state: 'pending' |
   * 'failed', lastError }]. Waits for the module on a first visit ([] when it cannot load).
   */
  async outbox() {
    this.#checkOpen();
    const handle = await this.#whenAttached().catch(() => null);
    return handle ? callAsync(() => handle.outbox()) : [];
  }

  /** Sends the pending writes now (unless the browser says it is offline); resolves when that replay is over. */
  async flush() {
    this.#checkOpen();
    const handle = await this.#whenAttached();
    await callAsync(() => handle.flush());
  }

  /** Moves the failed write `id` back to pending and starts a replay. Rejects EtagCacheError for an unknown id. */
  async retry(id) {
    this.#checkOpen();
    if (typeof id !== 'string') throw typeError('retry(id): id must be a string');
    const handle = await this.#whenAttached();
    await callAsync(() => handle.retry(id));
  }

  /** Drops the queued write `id` and rolls back its optimistic patch. Rejects EtagCacheError for an unknown id. */
  async discard(id) {
    this.#checkOpen();
    if (typeof id !== 'string') throw typeError('discard(id): id must be a string');
    const handle = await this.#whenAttached();
    await callAsync(() => handle.discard(id));
  }

  /**
   * The entries of this namespace (every app version), without bodies: [{ url, namespace, version, status, etag,
   * lastModified, size, storedAt, validatedAt, vary, stale, expired }], for inspecting the cache. On a first visit
   * it waits for the module; when the module cannot load there is nothing stored, and it resolves with [].
   */
  async entries() {
    this.#checkOpen();
    const handle = await this.#whenAttached().catch(() => null);
    return handle ? callAsync(() => handle.entries()) : [];
  }

  /**
   * Counters since the cache was opened, plus the current entry count and size. On a first visit it waits for the
   * module; it rejects like `ready` when the module cannot load.
   */
  async stats() {
    this.#checkOpen();
    const handle = await this.#whenAttached();
    return callAsync(() => handle.stats());
  }

  /**
   * Stops subscriptions, the BroadcastChannel and the window and document listeners, and closes the Go side's cache.
   * Calling it again does nothing. Later calls of get/subscribe/... reject (or throw) EtagCacheError.
   */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopTimer();
    this.#tabs.close();
    this.#stopOnline();
    this.#stopConnectivity();
    this.#stopVisible();
    this.#subs.clear();
    this.#pending = [];
    if (this.#reader) this.#reader.close();
    if (this.#handle) await callAsync(() => this.#handle.close());
  }

  /**
   * The onEvent function handed to api.open; never throws back into Go. A local `update` is shared with the other
   * tabs. An `error` of kind 'network' says the server cannot be reached, an `update` or `revalidated` that it
   * answered (cache.online). Event types beyond the documented ones are dispatched as they come (forward
   * compatibility).
   */
  #onEvent(type, detail) {
    try {
      if (this.#closed || typeof type !== 'string' || type === '') return;
      if (type === 'update') this.#tabs.post(detail);
      if (type === 'error' && isPlainObject(detail) && detail.kind === 'network') this.#setOnline(false, 'request');
      else if (type === 'update' || type === 'revalidated') this.#setOnline(true, 'request');
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
 * Opens a cache on the api the Go module registers (see the contract above). `api` is the api or a Promise of it;
 * options are createCache's (checked and mapped by mapOptions: TypeError before anything else); env is {location,
 * window, document, BroadcastChannel}, the page's or a test's. `module` says how the module arrives: {local, start,
 * notes} where local tells whether the api is at hand without the network (loader.js prepareModule), start() begins its
 * download, and notes are what to fix about how it is served (each becomes a `warning`).
 *
 * When local (the default), it resolves once the Go side has opened the cache, and rejects with api.open's error
 * unchanged (a TypeError for a bad option value, StorageUnavailableError); a module that cannot load leaves a cache
 * that passes gets to the network, with one `warning`. When not local it resolves at once: gets go to the network
 * until the module has arrived and the Go side is attached (cache.ready), and the responses fetched meanwhile are
 * then stored. Events raised while opening are dispatched on the next task, after the caller's await has had the
 * chance to add listeners.
 */
export async function openCache(api, options, env, module = { local: true, start: null, notes: [] }) {
  const loc = env.location;
  const open = mapOptions(options, loc && typeof loc.origin === 'string' ? loc.origin : undefined);
  const controls = {};
  let settle;
  const attached = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  attached.catch(() => {}); // rejections reach whoever awaits cache.ready; none must go unhandled
  const cache = new EtagCache(INTERNAL, env, open, module.start, attached, controls, pageOptions(options));
  open.onEvent = controls.onEvent;

  // Two stages: the module loads (a failure leaves a network-only cache), then Go opens the cache (a refusal is
  // the caller's error: a bad option value, IndexedDB demanded but unavailable).
  const loading = Promise.resolve(api).then((loaded) => {
    if (!loaded || typeof loaded.open !== 'function') {
      throw namedError('EtagCacheError', 'etag-cache: the wasm module did not register an api');
    }
    return loaded;
  });
  const fail = (err) => {
    controls.unavailable(err);
    settle.reject(err);
  };
  const opening = loading.then(
    (loaded) => callAsync(() => loaded.open(open)).then((handle) => {
      controls.attach(handle, module.notes);
      settle.resolve();
    }),
    (err) => {
      fail(err);
      return 'unavailable';
    },
  );
  if (!module.local) {
    opening.catch(fail);
    controls.waitForRequests();
    setTimeout(controls.ready, 0);
    return cache;
  }
  try {
    await opening;
  } catch (err) {
    settle.reject(err);
    await cache.close();
    throw err;
  }
  setTimeout(controls.ready, 0);
  return cache;
}
