// etag-cache.js — the JavaScript face of the etag-cache WebAssembly module.
//
// An offline-first HTTP response cache: `get` answers at once from IndexedDB and revalidates in the background with
// If-None-Match / If-Modified-Since; a changed response fires an `update` event. The work happens in Go (the wasm
// module); this file loads the module once per wasmURL, validates arguments, turns bodies into JS values, dispatches
// events, keeps subscribers, relays updates to other tabs (BroadcastChannel) and re-reads subscribed URLs when the
// browser comes back online.
//
// Plain ES module, no dependencies. See etag-cache.d.ts for the typed API and the README for deployment notes.

/** Default IndexedDB database name. */
const DEFAULT_DB_NAME = 'etag-cache';

const STORAGE_MODES = ['auto', 'indexeddb', 'memory'];
const CREDENTIALS_MODES = ['omit', 'same-origin', 'include'];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE_FORBIDDEN = /[\r\n\0]/;

// ---------------------------------------------------------------------------------------------------------------
// Errors

/**
 * Returns an Error whose name is one of the stable etag-cache error names
 * (EtagCacheError, StorageUnavailableError, NetworkError, TimeoutError, HttpStatusError).
 */
function namedError(name, message, extra) {
  const err = new Error(message);
  err.name = name;
  if (extra) Object.assign(err, extra);
  return err;
}

function typeError(message) {
  return new TypeError('etag-cache: ' + message);
}

/** Turns anything thrown synchronously by the Go side into a rejected Promise. */
function callAsync(fn) {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : namedError('EtagCacheError', 'etag-cache: ' + String(err)));
  }
}

/** Reports an exception thrown by user code (a callback) without breaking the caller. */
function reportCallbackError(err) {
  if (typeof globalThis.reportError === 'function') {
    globalThis.reportError(err);
  } else if (typeof console !== 'undefined') {
    console.error('etag-cache: callback threw', err);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Options

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkNumber(opts, key, { integer = false, positive = false } = {}) {
  const v = opts[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0) ||
      (integer && !Number.isInteger(v))) {
    const what = integer ? 'an integer' : 'a number';
    throw typeError(`options.${key} must be ${what} ${positive ? '> 0' : '>= 0'}, got ${String(v)}`);
  }
  return v;
}

function checkString(opts, key, { nonEmpty = false } = {}) {
  const v = opts[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || (nonEmpty && v === '')) {
    throw typeError(`options.${key} must be a ${nonEmpty ? 'non-empty ' : ''}string`);
  }
  return v;
}

function addHeader(out, name, value, where) {
  if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
    throw typeError(`${where}: invalid header name ${JSON.stringify(String(name))}`);
  }
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string' || HEADER_VALUE_FORBIDDEN.test(value)) {
    throw typeError(`${where}: invalid value for header ${JSON.stringify(name)}`);
  }
  const key = name.toLowerCase();
  value = value.trim();
  out[key] = key in out ? out[key] + ', ' + value : value;
}

/**
 * Normalizes a HeadersInit (a Headers instance, an array of [name, value] pairs, or a plain object) into a plain
 * object of lower-case names. Duplicate names are joined with ", " like Headers does. Throws TypeError on malformed
 * input; returns undefined for undefined.
 */
function normalizeHeaders(headers, where) {
  if (headers === undefined || headers === null) return undefined;
  const out = {};
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, name) => addHeader(out, name, value, where));
  } else if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw typeError(`${where}: header pairs must be [name, value] arrays`);
      }
      addHeader(out, pair[0], pair[1], where);
    }
  } else if (typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) addHeader(out, name, value, where);
  } else {
    throw typeError(`${where} must be a Headers instance, an array of pairs or an object`);
  }
  return out;
}

/**
 * Validates createCache options and maps them to the options object of the Go side's `api.open`
 * (see notes/wasm-contract.md). Throws TypeError on invalid input. `origin` is the page origin, if any.
 */
function mapOptions(options, origin) {
  if (!isPlainObject(options)) throw typeError('createCache(options): options must be an object');
  if (typeof options.version !== 'string' || options.version === '') {
    throw typeError('options.version is required and must be a non-empty string');
  }
  const open = { version: options.version };
  open.dbName = checkString(options, 'dbName', { nonEmpty: true }) ?? DEFAULT_DB_NAME;
  open.namespace = checkString(options, 'namespace') ?? '';
  const numbers = {
    ttl: { positive: true },
    maxEntries: { integer: true },
    maxBytes: {},
    minRevalidateInterval: {},
    timeout: { positive: true },
  };
  for (const [key, rule] of Object.entries(numbers)) {
    const v = checkNumber(options, key, rule);
    if (v !== undefined) open[key] = v;
  }
  if (options.storage !== undefined) {
    if (!STORAGE_MODES.includes(options.storage)) {
      throw typeError(`options.storage must be one of ${STORAGE_MODES.join(', ')}`);
    }
    open.storage = options.storage;
  }
  if (options.wasmURL !== undefined && typeof options.wasmURL !== 'string' && !(options.wasmURL instanceof URL)) {
    throw typeError('options.wasmURL must be a string or a URL');
  }
  if (options.wasmExecURL !== undefined && typeof options.wasmExecURL !== 'string' &&
      !(options.wasmExecURL instanceof URL)) {
    throw typeError('options.wasmExecURL must be a string or a URL');
  }
  const init = options.fetchInit;
  if (init !== undefined) {
    if (!isPlainObject(init)) throw typeError('options.fetchInit must be an object');
    const headers = normalizeHeaders(init.headers, 'options.fetchInit.headers');
    if (headers !== undefined) open.headers = headers;
    if (init.credentials !== undefined) {
      if (!CREDENTIALS_MODES.includes(init.credentials)) {
        throw typeError(`options.fetchInit.credentials must be one of ${CREDENTIALS_MODES.join(', ')}`);
      }
      open.credentials = init.credentials;
    }
  }
  if (typeof origin === 'string' && origin !== '' && origin !== 'null') open.origin = origin;
  return open;
}

/**
 * Resolves url against base (the page URL) and drops the fragment, which is never sent to a server.
 * Throws TypeError for a missing, empty, non-string or unparseable URL.
 */
function resolveURL(url, base, what = 'url') {
  if (url instanceof URL) url = url.href;
  if (typeof url !== 'string' || url.trim() === '') {
    throw typeError(`${what} must be a non-empty string`);
  }
  let parsed;
  try {
    parsed = base ? new URL(url, base) : new URL(url);
  } catch {
    throw typeError(`${what} ${JSON.stringify(url)} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw typeError(`${what} ${JSON.stringify(url)} must be an http(s) URL`);
  }
  parsed.hash = '';
  return parsed.href;
}

/** Canonical key for matching event URLs to subscriptions; falls back to the raw string. */
function urlKey(url) {
  if (typeof url !== 'string') return '';
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return url;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Data conversion

function mediaType(contentType) {
  if (typeof contentType !== 'string') return { type: '', charset: '' };
  const [type, ...params] = contentType.split(';');
  let charset = '';
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(p);
    if (m) charset = m[1];
  }
  return { type: type.trim().toLowerCase(), charset };
}

function isJSONType(type) {
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

function asBytes(body) {
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return new Uint8Array(0);
}

function decodeText(bytes, charset) {
  if (charset) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // unknown label: fall through to UTF-8
    }
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Turns a body into a JS value by content type: JSON (application/json, text/json, *+json) is parsed; text/* becomes
 * a string; anything else an ArrayBuffer. A JSON body that does not parse yields its text and a parseError; an empty
 * JSON body yields null. Returns { data, parseError? }.
 */
function convertBody(body, contentType) {
  const { type, charset } = mediaType(contentType);
  if (typeof body === 'string') {
    body = new TextEncoder().encode(body);
  }
  const bytes = asBytes(body);
  if (isJSONType(type)) {
    const text = decodeText(bytes, charset);
    if (text.trim() === '') return { data: null };
    try {
      return { data: JSON.parse(text) };
    } catch (err) {
      return { data: text, parseError: err };
    }
  }
  if (type.startsWith('text/')) return { data: decodeText(bytes, charset) };
  if (body instanceof ArrayBuffer) return { data: body };
  return { data: bytes.slice().buffer };
}

function optionalString(v) {
  return typeof v === 'string' && v !== '' ? v : null;
}

function finiteNumber(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * Converts a raw result from the Go side ({url, status, etag, lastModified, source, stale, storedAt, validatedAt,
 * contentType, headers, body}) into the user-facing result ({..., data} without body). Throws EtagCacheError when
 * raw is not an object.
 */
function convertResult(raw) {
  if (!isPlainObject(raw)) throw namedError('EtagCacheError', 'etag-cache: malformed result from the wasm module');
  const contentType = typeof raw.contentType === 'string' ? raw.contentType : '';
  const result = {
    url: typeof raw.url === 'string' ? raw.url : '',
    data: undefined,
    status: finiteNumber(raw.status),
    etag: optionalString(raw.etag),
    lastModified: optionalString(raw.lastModified),
    source: raw.source === 'cache' ? 'cache' : 'network',
    storedAt: finiteNumber(raw.storedAt),
    validatedAt: finiteNumber(raw.validatedAt),
    stale: raw.stale === true,
    contentType,
    headers: isPlainObject(raw.headers) ? raw.headers : {},
  };
  if ('body' in raw || !('data' in raw)) {
    const { data, parseError } = convertBody(raw.body, contentType);
    result.data = data;
    if (parseError) result.parseError = parseError;
  } else {
    result.data = raw.data; // already converted by the Go side
  }
  return result;
}

/** Identity of one stored version of a response: used so a subscriber never sees the same version twice. */
function stamp(result) {
  return `${result.storedAt}|${result.etag}|${result.lastModified}|${result.status}`;
}

/** Converts an event detail from the Go side; update details become results, the others are copied as they are. */
function convertDetail(type, detail) {
  if (type === 'update') return convertResult(detail);
  return isPlainObject(detail) ? { ...detail } : {};
}

const ERROR_KIND_NAMES = {
  network: 'NetworkError',
  timeout: 'TimeoutError',
  'http-status': 'HttpStatusError',
};

/** Turns an `error` event detail into an Error with a stable name (for subscribers' onError). */
function errorFromDetail(detail) {
  const name = ERROR_KIND_NAMES[detail.kind] || 'EtagCacheError';
  const extra = { detail };
  if (typeof detail.status === 'number') extra.status = detail.status;
  return namedError(name, `etag-cache: ${detail.message || detail.kind || 'error'} (${detail.url})`, extra);
}

function makeEvent(type, detail) {
  if (typeof CustomEvent === 'function') return new CustomEvent(type, { detail });
  const ev = new Event(type);
  Object.defineProperty(ev, 'detail', { value: detail, enumerable: true });
  return ev;
}

// ---------------------------------------------------------------------------------------------------------------
// The cache

// Symbol-keyed methods: reachable by createCacheWithApi, invisible to users.
const INTERNAL = Symbol('etag-cache internal');
const ATTACH = Symbol('attach');
const READY = Symbol('ready');
const ON_EVENT = Symbol('onEvent');

/**
 * An open cache: an EventTarget that dispatches `update`, `revalidated`, `error`, `evict` and `warning`
 * CustomEvents. Create it with createCache(); the constructor is not public API.
 */
export class EtagCache extends EventTarget {
  #handle = null;
  #env;
  #version;
  #channel = null;
  #onlineListener = null;
  #closed = false;
  #ready = false;
  #pending = []; // events that arrived before createCache resolved
  #subs = new Map(); // url key -> Set<{fn, onError, headers, stamp}>
  #onceUpdate = new Map(); // url key -> Set<fn>
  #aliases = new Map(); // url key reported by Go -> url key requested

  /** Not public: createCache() is the way to make one. */
  constructor(token, env, openOptions) {
    if (token !== INTERNAL) throw new TypeError('etag-cache: use createCache() to create an EtagCache');
    super();
    this.#env = env;
    this.#version = openOptions.version;
    const BC = env.BroadcastChannel;
    if (typeof BC === 'function') {
      try {
        this.#channel = new BC(`etag-cache:${openOptions.dbName}:${openOptions.namespace}`);
        this.#channel.onmessage = (ev) => this.#onBroadcast(ev && ev.data);
      } catch {
        this.#channel = null;
      }
    }
    const win = env.window;
    if (win && typeof win.addEventListener === 'function') {
      this.#onlineListener = () => this.#onOnline();
      win.addEventListener('online', this.#onlineListener);
    }
  }

  /** Called once by createCache with the handle from api.open. */
  [ATTACH](handle) {
    this.#handle = handle;
  }

  /** Called once createCache has resolved: events are dispatched from now on (queued ones first). */
  [READY]() {
    this.#ready = true;
    const queued = this.#pending;
    this.#pending = [];
    for (const [type, detail] of queued) this.#deliver(type, detail);
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
    const loc = this.#env.location;
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
    const abs = this.#resolve(url);
    if (init.onUpdate !== undefined && typeof init.onUpdate !== 'function') {
      throw typeError('init.onUpdate must be a function');
    }
    const headers = normalizeHeaders(init.headers, 'init.headers');
    if (init.onUpdate) this.#addOnce(urlKey(abs), init.onUpdate);
    try {
      return await this.#fetch(abs, headers);
    } catch (err) {
      if (init.onUpdate) this.#removeOnce(urlKey(abs), init.onUpdate);
      throw err;
    }
  }

  async #fetch(abs, headers) {
    const req = headers ? { headers } : {};
    const raw = await callAsync(() => this.#handle.get(abs, req));
    const result = convertResult(raw);
    const key = urlKey(abs);
    const reported = urlKey(result.url);
    if (reported && reported !== key) this.#aliases.set(reported, key);
    return result;
  }

  #addOnce(key, fn) {
    let set = this.#onceUpdate.get(key);
    if (!set) this.#onceUpdate.set(key, (set = new Set()));
    set.add(fn);
  }

  #removeOnce(key, fn) {
    const set = this.#onceUpdate.get(key);
    if (set && set.delete(fn) && set.size === 0) this.#onceUpdate.delete(key);
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
    const abs = this.#resolve(url);
    const key = urlKey(abs);
    const sub = { fn, onError: options.onError, headers: normalizeHeaders(options.headers, 'options.headers'),
      stamp: null, storedAt: 0, active: true, abs };
    let set = this.#subs.get(key);
    if (!set) this.#subs.set(key, (set = new Set()));
    set.add(sub);
    this.#read(sub);
    return () => {
      if (!sub.active) return;
      sub.active = false;
      const s = this.#subs.get(key);
      if (s && s.delete(sub) && s.size === 0) this.#subs.delete(key);
    };
  }

  /** Reads sub's URL and hands the result (or the error) to that one subscriber. */
  #read(sub) {
    this.#fetch(sub.abs, sub.headers).then(
      (result) => this.#notify(sub, result),
      (err) => {
        if (sub.active && sub.onError) safeCall(sub.onError, err);
      },
    );
  }

  /** Hands result to sub unless sub already has this version or a newer one (a read that lost a race). */
  #notify(sub, result) {
    if (!sub.active || this.#closed) return;
    const s = stamp(result);
    if (s === sub.stamp) return;
    if (result.storedAt > 0 && result.storedAt < sub.storedAt) return;
    sub.stamp = s;
    sub.storedAt = Math.max(sub.storedAt, result.storedAt);
    safeCall(sub.fn, result);
  }

  /** Drops the stored entry of url (emits `evict` with reason 'manual'). */
  async invalidate(url) {
    this.#checkOpen();
    const abs = this.#resolve(url);
    await callAsync(() => this.#handle.invalidate(abs));
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
    if (this.#channel) {
      try {
        this.#channel.close();
      } catch {
        // already closed
      }
      this.#channel = null;
    }
    const win = this.#env.window;
    if (this.#onlineListener && win && typeof win.removeEventListener === 'function') {
      win.removeEventListener('online', this.#onlineListener);
    }
    this.#onlineListener = null;
    for (const set of this.#subs.values()) for (const sub of set) sub.active = false;
    this.#subs.clear();
    this.#onceUpdate.clear();
    if (this.#handle) await callAsync(() => this.#handle.close());
  }

  /**
   * The onEvent function handed to api.open; never throws back into Go. Event types beyond the five documented ones
   * are dispatched as they come (forward compatibility).
   */
  [ON_EVENT](type, detail) {
    try {
      if (this.#closed || typeof type !== 'string' || type === '') return;
      if (type === 'update') this.#broadcast(detail);
      if (!this.#ready) {
        this.#pending.push([type, detail]);
        return;
      }
      this.#deliver(type, detail);
    } catch (err) {
      reportCallbackError(err);
    }
  }

  #broadcast(raw) {
    if (!this.#channel) return;
    try {
      this.#channel.postMessage({ type: 'update', version: this.#version, detail: raw });
    } catch (err) {
      const message = `etag-cache: could not share an update with other tabs: ${err && err.message}`;
      this.#deliver('warning', { code: 'broadcast-failed', message });
    }
  }

  #onBroadcast(msg) {
    try {
      if (this.#closed || !isPlainObject(msg) || msg.type !== 'update' || msg.version !== this.#version ||
          !isPlainObject(msg.detail) || typeof msg.detail.url !== 'string') {
        return;
      }
      if (!this.#ready) {
        this.#pending.push(['update', msg.detail]);
        return;
      }
      this.#deliver('update', msg.detail);
    } catch (err) {
      reportCallbackError(err);
    }
  }

  /** Converts and dispatches one event, then feeds once-callbacks and subscribers of its URL. */
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
    if (type !== 'update' && type !== 'error') return;
    let key = urlKey(detail.url);
    if (!this.#subs.has(key) && !this.#onceUpdate.has(key) && this.#aliases.has(key)) key = this.#aliases.get(key);
    const subs = this.#subs.get(key);
    if (type === 'error') {
      if (subs) {
        const err = errorFromDetail(detail);
        for (const sub of [...subs]) if (sub.active && sub.onError) safeCall(sub.onError, err);
      }
      return;
    }
    const once = this.#onceUpdate.get(key);
    if (once) {
      this.#onceUpdate.delete(key);
      for (const fn of once) safeCall(fn, detail);
    }
    if (subs) for (const sub of [...subs]) this.#notify(sub, detail);
  }

  /** On the window's `online` event: re-read every subscribed URL, which revalidates it. */
  #onOnline() {
    if (this.#closed) return;
    for (const set of this.#subs.values()) for (const sub of set) if (sub.active) this.#read(sub);
  }
}

function safeCall(fn, arg) {
  try {
    fn(arg);
  } catch (err) {
    reportCallbackError(err);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Loading the wasm module

const modules = new Map(); // wasmURL href -> Promise<api>

function defaultEnv() {
  const g = globalThis;
  return {
    location: g.location,
    window: typeof g.window !== 'undefined' ? g.window : undefined,
    BroadcastChannel: typeof g.BroadcastChannel === 'function' ? g.BroadcastChannel : undefined,
  };
}

/**
 * Downloads and compiles the module. It needs no import object, so it runs in parallel with loading wasm_exec.js
 * (one round trip less on a cold start over 3G).
 */
async function compile(wasmURL) {
  const load = async () => {
    const resp = await fetch(wasmURL);
    if (!resp.ok) {
      throw namedError('EtagCacheError', `etag-cache: loading ${wasmURL} failed: HTTP ${resp.status}`);
    }
    return resp;
  };
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(load());
    } catch (err) {
      // A server that does not send Content-Type: application/wasm makes streaming fail with a TypeError.
      if (!(err instanceof TypeError)) throw err;
    }
  }
  const resp = await load();
  return WebAssembly.compile(await resp.arrayBuffer());
}

async function loadModule(wasmURL, wasmExecURL) {
  const compiled = compile(wasmURL);
  compiled.catch(() => {}); // observed below; this only keeps an early wasm_exec failure from leaving it unhandled
  if (typeof globalThis.Go !== 'function') await import(wasmExecURL);
  if (typeof globalThis.Go !== 'function') {
    throw namedError('EtagCacheError', `etag-cache: ${wasmExecURL} did not define Go (is it Go's wasm_exec.js?)`);
  }
  const go = new globalThis.Go();
  const cb = '__etagCacheInit_' + Math.random().toString(36).slice(2);
  const registered = new Promise((resolve) => {
    globalThis[cb] = resolve;
  });
  go.argv = ['etag-cache', cb];
  try {
    const instance = await WebAssembly.instantiate(await compiled, go.importObject);
    const exited = go.run(instance).then(() => {
      throw namedError('EtagCacheError', 'etag-cache: the wasm module exited before it registered');
    });
    return await Promise.race([registered, exited]);
  } finally {
    delete globalThis[cb];
  }
}

/** Loads the module once per wasmURL; a failed load is forgotten so that a later call can try again. */
function loadApi(wasmURL, wasmExecURL) {
  let p = modules.get(wasmURL);
  if (!p) {
    p = loadModule(wasmURL, wasmExecURL);
    modules.set(wasmURL, p);
    p.catch(() => modules.delete(wasmURL));
  }
  return p;
}

function toHref(u, fallback) {
  if (u === undefined) return fallback.href;
  const loc = globalThis.location;
  return new URL(String(u), loc && loc.href ? loc.href : import.meta.url).href;
}

/**
 * Opens a cache. Options: version (required), ttl (ms since last validation, default 7 days), dbName (default
 * 'etag-cache'), namespace (default ''), wasmURL (default: etag-cache.wasm next to this file), wasmExecURL (default:
 * wasm_exec.js next to this file), fetchInit {headers, credentials}, maxEntries, maxBytes, storage ('auto' default,
 * 'indexeddb', 'memory'), minRevalidateInterval (ms, default 0), timeout (ms). Rejects with TypeError on bad options,
 * StorageUnavailableError when storage: 'indexeddb' was demanded and IndexedDB is unavailable.
 */
export async function createCache(options) {
  const env = defaultEnv();
  const origin = env.location && typeof env.location.origin === 'string' ? env.location.origin : undefined;
  mapOptions(options, origin); // validate before loading anything
  const wasmURL = toHref(options.wasmURL, new URL('./etag-cache.wasm', import.meta.url));
  const wasmExecURL = toHref(options.wasmExecURL, new URL('./wasm_exec.js', import.meta.url));
  const api = await loadApi(wasmURL, wasmExecURL);
  return createCacheWithApi(api, options, env);
}

/**
 * Internal: opens a cache on an already loaded api object (the one the Go module registers). Exported for tests
 * that use a fake api; not part of the public API and may change. env: {location, window, BroadcastChannel}.
 */
async function createCacheWithApi(api, options, env = defaultEnv()) {
  const origin = env.location && typeof env.location.origin === 'string' ? env.location.origin : undefined;
  const open = mapOptions(options, origin);
  if (!api || typeof api.open !== 'function') {
    throw namedError('EtagCacheError', 'etag-cache: the wasm module did not register an api');
  }
  const cache = new EtagCache(INTERNAL, env, open);
  open.onEvent = (type, detail) => cache[ON_EVENT](type, detail);
  let handle;
  try {
    handle = await callAsync(() => api.open(open));
  } catch (err) {
    await cache.close();
    throw err;
  }
  cache[ATTACH](handle);
  // Events raised while opening (e.g. the storage-fallback warning) are dispatched on the next task, after the
  // caller's `await createCache(...)` has had the chance to add listeners.
  setTimeout(() => cache[READY](), 0);
  return cache;
}

/** Internal helpers for unit tests; not part of the public API. */
export const __internal = {
  createCacheWithApi,
  mapOptions,
  normalizeHeaders,
  resolveURL,
  convertBody,
  convertResult,
  loadApi,
  modules,
};
