// errors.js — one job: the errors etag-cache rejects with (stable names) and the guards that keep exceptions from
// the Go side or from user callbacks where they belong.

/** Error names of the `error` event kinds; any other kind is an EtagCacheError. */
const ERROR_KIND_NAMES = {
  network: 'NetworkError',
  timeout: 'TimeoutError',
  'http-status': 'HttpStatusError',
};

/**
 * Returns an Error whose name is one of the stable etag-cache error names
 * (EtagCacheError, StorageUnavailableError, NetworkError, TimeoutError, HttpStatusError, NotCachedError), with
 * extra's fields.
 */
export function namedError(name, message, extra) {
  const err = new Error(message);
  err.name = name;
  if (extra) Object.assign(err, extra);
  return err;
}

/**
 * The error a get aborted through signal rejects with, the way fetch does: the signal's reason when it is an Error
 * named AbortError (what controller.abort() gives), else a DOMException named AbortError (a reason of another kind,
 * e.g. AbortSignal.timeout()'s TimeoutError or a string, is kept as its `cause`).
 */
export function abortError(signal) {
  const reason = signal ? signal.reason : undefined;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const message = 'etag-cache: the get was aborted';
  const err = typeof DOMException === 'function' ? new DOMException(message, 'AbortError') : namedError('AbortError', message);
  if (reason !== undefined) {
    try {
      Object.defineProperty(err, 'cause', { value: reason, configurable: true, writable: true });
    } catch {
      // a frozen DOMException: the reason is only lost
    }
  }
  return err;
}

/** Returns a TypeError (bad arguments) whose message starts with 'etag-cache: '. */
export function typeError(message) {
  return new TypeError('etag-cache: ' + message);
}

/** Calls fn and turns anything it throws synchronously (e.g. an exited Go program) into a rejected Promise. */
export function callAsync(fn) {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : namedError('EtagCacheError', 'etag-cache: ' + String(err)));
  }
}

/** Reports an exception thrown by user code (a callback) without breaking the caller. */
export function reportCallbackError(err) {
  if (typeof globalThis.reportError === 'function') {
    globalThis.reportError(err);
  } else if (typeof console !== 'undefined') {
    console.error('etag-cache: callback threw', err);
  }
}

/** Calls the user callback fn with arg; an exception is reported, never thrown. */
export function safeCall(fn, arg) {
  try {
    fn(arg);
  } catch (err) {
    reportCallbackError(err);
  }
}

/**
 * Turns an `error` event detail ({url, kind, message, status?}) into an Error with a stable name (for subscribers'
 * onError): network → NetworkError, timeout → TimeoutError, http-status → HttpStatusError (with status), any
 * other kind → EtagCacheError. The error carries the detail.
 */
export function errorFromDetail(detail) {
  const known = Object.hasOwn(ERROR_KIND_NAMES, detail.kind);
  const name = known ? ERROR_KIND_NAMES[detail.kind] : 'EtagCacheError';
  const extra = { detail };
  if (typeof detail.status === 'number') extra.status = detail.status;
  return namedError(name, `etag-cache: ${detail.message || detail.kind || 'error'} (${detail.url})`, extra);
}
