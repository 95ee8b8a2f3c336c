// options.js — one job: the argument shapes the JavaScript face must check itself, before the wasm module is loaded
// or before a value is handed to it, and the mapping of createCache's options to the options of the Go side's
// `api.open`.
//
// Option VALUES (ttl, maxEntries, maxBytes, minRevalidateInterval, timeout, storage, an empty dbName) are checked
// once, in Go: api.open rejects them with a TypeError. JS checks only what it uses itself: version (it tags
// cross-tab messages), dbName and namespace (they name the BroadcastChannel), the module URLs (it loads them),
// fetchInit (headers and credentials, which it will soon send with requests of its own) and revalidateOnFocus
// (it listens to the page's visibility; the option never reaches Go).

import { typeError } from './errors.js';

/** Default IndexedDB database name (the Go side's default too; JS needs it for the channel name). */
const DEFAULT_DB_NAME = 'etag-cache';

/** Options passed to api.open as they are, when not undefined: the Go side type-checks and range-checks them. */
const PASSED_THROUGH = ['ttl', 'maxEntries', 'maxBytes', 'minRevalidateInterval', 'timeout', 'storage'];

const CREDENTIALS_MODES = ['omit', 'same-origin', 'include'];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE_FORBIDDEN = /[\r\n\0]/;

/** The refresh modes of get (init.cache), spelled as fetch spells them. */
export const CACHE_MODES = ['default', 'no-cache', 'reload', 'force-cache', 'only-if-cached'];

/** Checks get's init.cache: undefined means 'default'; anything but one of CACHE_MODES is a TypeError. */
export function checkCacheMode(mode, where = 'init.cache') {
  if (mode === undefined) return 'default';
  if (typeof mode !== 'string' || !CACHE_MODES.includes(mode)) {
    throw typeError(`${where} must be one of ${CACHE_MODES.map((m) => `'${m}'`).join(', ')}, not ` +
      (typeof mode === 'string' ? JSON.stringify(mode) : typeof mode));
  }
  return mode;
}

/**
 * Checks get's init.signal: undefined or null means none; else it must look like an AbortSignal (an `aborted`
 * boolean and addEventListener: duck-typed, so that a signal of another realm, e.g. an iframe's, is accepted).
 */
export function checkSignal(signal, where = 'init.signal') {
  if (signal === undefined || signal === null) return undefined;
  if (typeof signal !== 'object' || typeof signal.aborted !== 'boolean' ||
    typeof signal.addEventListener !== 'function' || typeof signal.removeEventListener !== 'function') {
    throw typeError(`${where} must be an AbortSignal`);
  }
  return signal;
}

/** Whether v is an object that is neither null nor an array (the shape of options and raw results). */
export function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkString(opts, key) {
  const v = opts[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw typeError(`options.${key} must be a string`);
  return v;
}

function checkModuleURL(opts, key) {
  const v = opts[key];
  if (v !== undefined && typeof v !== 'string' && !(v instanceof URL)) {
    throw typeError(`options.${key} must be a string or a URL`);
  }
}

function addHeader(out, name, value, where) {
  if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
    throw typeError(`${where}: invalid header name ${JSON.stringify(String(name))}`);
  }
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string' || HEADER_VALUE_FORBIDDEN.test(value)) {
    throw typeError(`${where}: invalid value for header ${JSON.stringify(name)}`);
  }
  if (/[^\x00-\xff]/.test(value)) {
    // fetch would throw a TypeError of its own, which reached pages as a NetworkError.
    throw typeError(`${where}: the value of header ${JSON.stringify(name)} has characters beyond Latin-1 ` +
      '(HTTP header values are bytes; encode it, e.g. with encodeURIComponent)');
  }
  const key = name.toLowerCase();
  value = value.trim();
  out[key] = key in out ? out[key] + ', ' + value : value;
}

/**
 * Normalizes a HeadersInit (a Headers instance, an array of [name, value] pairs, or a plain object) into a plain
 * object of lower-case names. Duplicate names are joined with ", " like Headers does. Throws TypeError on malformed
 * input (`where` names the argument in the message); returns undefined for undefined or null.
 */
export function normalizeHeaders(headers, where) {
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
 * Checks the shape of createCache's options and maps them to the options object of the Go side's `api.open`
 * ({version, dbName, namespace, ttl?, maxEntries?, maxBytes?, minRevalidateInterval?, timeout?, storage?, headers?,
 * credentials?, origin?}; the api.open contract is described in cache.js). Throws TypeError on a shape JS must
 * check; the numbers and storage are passed through unchecked. `origin` is the page origin, if any. Options JS
 * keeps to itself (revalidateOnFocus) are checked here but not mapped: see pageOptions.
 */
export function mapOptions(options, origin) {
  if (!isPlainObject(options)) throw typeError('createCache(options): options must be an object');
  if (typeof options.version !== 'string' || options.version === '') {
    throw typeError('options.version is required and must be a non-empty string');
  }
  const open = {
    version: options.version,
    dbName: checkString(options, 'dbName') ?? DEFAULT_DB_NAME, // '' is left for the Go side to reject
    namespace: checkString(options, 'namespace') ?? '',
  };
  for (const key of PASSED_THROUGH) {
    if (options[key] !== undefined) open[key] = options[key];
  }
  checkModuleURL(options, 'wasmURL');
  checkModuleURL(options, 'wasmExecURL');
  if (options.revalidateOnFocus !== undefined && typeof options.revalidateOnFocus !== 'boolean') {
    throw typeError('options.revalidateOnFocus must be a boolean');
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

/** The options the JavaScript face keeps to itself, with their defaults (mapOptions has checked their shape). */
export function pageOptions(options) {
  return { revalidateOnFocus: options.revalidateOnFocus !== false };
}

/**
 * Resolves url against base (the page URL) with the platform's URL parser and drops the fragment, which is never
 * sent to a server. This is resolution, not canonicalisation: whatever key the Go side stores an entry under, it
 * reports results and events under exactly the href returned here. Throws TypeError for a missing, empty,
 * non-string, unparseable or non-http(s) URL.
 */
export function resolveURL(url, base, what = 'url') {
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
