// network.js — one job: serving gets from the network while the wasm module is not there yet (a first visit, the
// first after a release, or a module that cannot load at all). The page gets the network's answer at once
// (source 'network'); each response is kept, as received, for the Go side to store under its usual rules (no-store,
// cacheable status, validators, version, namespace) once the module has arrived. Nothing here decides what is
// cached: only what a page may be handed, which is what fetch says (2xx or an HttpStatusError).

import { convertResult } from './body.js';
import { abortError, namedError } from './errors.js';

/**
 * A Network serves gets with fetch. Concurrent gets of one URL with the same headers share one request. `init` is
 * {headers, credentials} (createCache's fetchInit, normalized) and `timeout` the request deadline in ms (none when
 * not a positive number). onIdle is called whenever the last request in flight settles: the moment to start the
 * module's download without taking the link from the page's data.
 */
export class Network {
  #init;
  #timeout;
  #onIdle;
  #flights = new Map(); // [reload +] href [+ headers] -> {promise: Promise<{raw, response}>, controller, waiters}
  #inFlight = 0;
  #responses = []; // responses received before the Go side was there to store them, oldest first
  #sink = null; // the Go side's store function, once there

  constructor(init, timeout, onIdle) {
    this.#init = init || {};
    this.#timeout = typeof timeout === 'number' && timeout > 0 ? timeout : 0;
    this.#onIdle = onIdle;
  }

  /**
   * Resolves with the user-facing result for href; rejects with NetworkError, TimeoutError or HttpStatusError.
   * options: reload (the 'reload' mode: a request of its own, which neither the browser's HTTP cache nor its
   * validators answer) and signal (an AbortSignal: this call rejects with AbortError at once; the request is aborted
   * when no other caller still waits for it).
   */
  async get(href, headers, { reload = false, signal } = {}) {
    if (signal && signal.aborted) throw abortError(signal);
    const id = (reload ? 'reload\n' : '') + (headers ? href + '\n' + JSON.stringify(headers) : href);
    let flight = this.#flights.get(id);
    if (!flight) flight = this.#start(id, href, headers, reload);
    flight.waiters++;
    const { raw } = signal ? await this.#waitOrAbort(id, flight, signal) : await flight.promise;
    // Every caller gets its own result (data decoded anew): pages may change what they are handed.
    return convertResult({ ...raw, headers: { ...raw.headers } });
  }

  #start(id, href, headers, reload) {
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const flight = { controller, waiters: 0, promise: null };
    flight.promise = this.#fetch(href, headers, reload, controller);
    this.#flights.set(id, flight);
    this.#inFlight++;
    flight.promise.finally(() => {
      if (this.#flights.get(id) === flight) this.#flights.delete(id);
      if (--this.#inFlight === 0 && this.#onIdle) this.#onIdle();
    }).catch(() => {});
    return flight;
  }

  /** Waits for flight, or for signal: then this caller leaves it, and the last one to leave aborts its request. */
  #waitOrAbort(id, flight, signal) {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (--flight.waiters === 0) {
          // Out of the map first: a later get starts a request of its own instead of sharing an aborted one.
          if (this.#flights.get(id) === flight) this.#flights.delete(id);
          if (flight.controller) flight.controller.abort();
        }
        reject(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  async #fetch(href, headers, reload, controller) {
    const init = { cache: reload ? 'reload' : 'no-cache', headers: { ...this.#init.headers, ...headers } };
    if (this.#init.credentials) init.credentials = this.#init.credentials;
    let timer = null;
    let timedOut = false;
    if (controller) {
      init.signal = controller.signal;
      if (this.#timeout) {
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, this.#timeout);
      }
    }
    let res;
    let body;
    try {
      res = await fetch(href, init);
      body = await res.arrayBuffer();
    } catch (err) {
      if (timedOut) {
        throw namedError('TimeoutError', `etag-cache: GET ${href}: no answer within ${this.#timeout} ms`);
      }
      if (err && err.name === 'AbortError') {
        // Every caller aborted: nobody is left to see this.
        throw namedError('AbortError', `etag-cache: GET ${href}: aborted`);
      }
      throw namedError('NetworkError', `etag-cache: GET ${href}: ${err && err.message ? err.message : err}`);
    } finally {
      if (timer !== null) clearTimeout(timer);
    }
    const receivedAt = Date.now();
    const hdrs = {};
    res.headers.forEach((value, name) => {
      hdrs[name] = value;
    });
    if (!res.ok) {
      throw namedError('HttpStatusError', `etag-cache: GET ${href}: HTTP status ${res.status}`, { status: res.status });
    }
    const response = { url: href, status: res.status, headers: hdrs, body, receivedAt };
    if (this.#sink) this.#sink(response);
    else this.#responses.push(response);
    const raw = {
      url: href, status: res.status, etag: hdrs.etag, lastModified: hdrs['last-modified'], source: 'network',
      storedAt: receivedAt, validatedAt: receivedAt, stale: false, revalidating: false,
      contentType: hdrs['content-type'], headers: hdrs,
      body,
    };
    return { raw, response };
  }

  /** Hands every response received so far to sink (the Go side's store), oldest first, and later ones as they come. */
  handOver(sink) {
    this.#sink = sink;
    const queued = this.#responses;
    this.#responses = [];
    for (const r of queued) sink(r);
  }

  /** Drops the responses kept for the Go side (the module cannot load: there is nowhere to store them). */
  drop() {
    this.#responses = [];
    this.#sink = () => {};
  }
}
