// body.js — one job: turning what the Go side returns (raw results with an ArrayBuffer body, event details) into
// the values users see (results whose `data` is parsed JSON, a string or an ArrayBuffer, by content type).

import { namedError } from './errors.js';
import { isPlainObject } from './options.js';

/** Splits a Content-Type into its lower-case media type and its charset parameter ('' when absent). */
export function mediaType(contentType) {
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
export function convertBody(body, contentType) {
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
export function convertResult(raw) {
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
    revalidating: raw.revalidating === true,
    pending: raw.pending === true,
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

/**
 * Converts an event detail from the Go side: `update` details become results (see convertResult, which may throw),
 * the others are shallow-copied as they are ({} when not an object).
 */
export function convertDetail(type, detail) {
  if (type === 'update') return convertResult(detail);
  const out = isPlainObject(detail) ? { ...detail } : {};
  if (type === 'conflict') out.current = isPlainObject(out.current) ? convertResult(out.current) : null;
  return out;
}

/**
 * Encodes a write's body for the Go side: an object or array becomes JSON (contentType application/json); a string,
 * ArrayBuffer, typed array or Blob goes as it is; undefined and null send none. Returns {body: ArrayBuffer |
 * undefined, contentType: string | undefined}. Throws TypeError for anything else.
 */
export async function encodeWriteBody(body) {
  if (body === undefined || body === null) return { body: undefined, contentType: undefined };
  if (typeof body === 'string') return { body: new TextEncoder().encode(body).buffer, contentType: 'text/plain;charset=UTF-8' };
  if (body instanceof ArrayBuffer) return { body: body.slice(0), contentType: undefined };
  if (ArrayBuffer.isView(body)) return { body: asBytes(body).slice().buffer, contentType: undefined };
  if (typeof Blob === 'function' && body instanceof Blob) {
    return { body: await body.arrayBuffer(), contentType: body.type || undefined };
  }
  const proto = body !== null && typeof body === 'object' ? Object.getPrototypeOf(body) : undefined;
  if (Array.isArray(body) || proto === Object.prototype || proto === null) {
    return { body: new TextEncoder().encode(JSON.stringify(body)).buffer, contentType: 'application/json' };
  }
  throw new TypeError('etag-cache: mutate: body must be an object, an array, a string, an ArrayBuffer or a Blob');
}

/** Turns the Go side's answer to a write ({queued, id, status, etag, headers, body}) into mutate's result. */
export function convertWriteResult(raw) {
  if (!isPlainObject(raw)) throw namedError('EtagCacheError', 'etag-cache: malformed result from the wasm module');
  if (raw.queued === true) return { queued: true, id: String(raw.id) };
  const headers = isPlainObject(raw.headers) ? raw.headers : {};
  const { data } = convertBody(raw.body, headers['content-type'] || '');
  return { queued: false, id: String(raw.id), status: finiteNumber(raw.status), data,
    etag: optionalString(raw.etag), headers };
}
