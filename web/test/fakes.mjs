// Fakes shared by the unit tests: an api object shaped like the one the Go module registers, a BroadcastChannel
// bus, a window that only dispatches events (and may have a navigator) and a document with a visibilityState.
// Everything is synchronous or microtask-based: no timers.

/**
 * Lets queued work run: pending microtasks and the zero-delay task createCache uses to release events raised while
 * opening (timers of equal delay run in order, so this one runs after it). A task boundary, not a wait on time.
 */
export function flush() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export const enc = new TextEncoder();

/** A raw result as the Go side returns it. */
export function raw(url, body, extra = {}) {
  const bytes = typeof body === 'string' ? enc.encode(body) : body;
  return {
    url,
    status: 200,
    etag: '"v1"',
    lastModified: '',
    source: 'cache',
    stale: false,
    revalidating: extra.source === undefined || extra.source === 'cache', // the Go side revalidates each cached read
    storedAt: 1000,
    validatedAt: 2000,
    contentType: 'application/json',
    headers: { 'content-type': 'application/json' },
    body: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    ...extra,
  };
}

/**
 * fakeApi({responses}) returns an api whose handles answer get(url) from `responses` (url -> raw result, Error to
 * reject, or function(url, init) -> either). Every call is recorded in api.calls, except setOnline's arguments, which
 * go to handle.online (it is called on attach, and would shift every other call's index).
 */
export function fakeApi({ responses = {}, storage = 'indexeddb', openError, duringOpen } = {}) {
  const api = {
    calls: [],
    handles: [],
    open(opts) {
      api.calls.push(['open', opts]);
      if (openError) return Promise.reject(openError);
      const handle = {
        storage,
        opts,
        online: [],
        setOnline(v) {
          handle.online.push(v);
        },
        emit: (type, detail) => opts.onEvent(type, detail),
        get(url, init) {
          api.calls.push(['get', url, init]);
          let r = responses[url];
          if (typeof r === 'function') r = r(url, init);
          if (r === undefined) return Promise.reject(Object.assign(new Error('no cached copy'), { name: 'NetworkError' }));
          return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
        },
        invalidate(url) {
          api.calls.push(['invalidate', url]);
          return Promise.resolve(undefined);
        },
        clear(all) {
          api.calls.push(['clear', all]);
          return Promise.resolve(3);
        },
        stats() {
          api.calls.push(['stats']);
          return Promise.resolve({ entries: 1, bytes: 2, hits: 3, misses: 4, revalidations: 5, notModified: 6,
            updates: 7, errors: 8 });
        },
        entries() {
          api.calls.push(['entries']);
          return Promise.resolve([{ url: 'http://x/a', namespace: '', version: 'v1', size: 1, vary: null }]);
        },
        close() {
          api.calls.push(['close']);
          return Promise.resolve(undefined);
        },
      };
      api.handles.push(handle);
      if (duringOpen) duringOpen(handle);
      return Promise.resolve(handle);
    },
    count(kind) {
      return api.calls.filter((c) => c[0] === kind).length;
    },
  };
  return api;
}

/** A BroadcastChannel bus: channels of one name on one bus see each other's messages (structured clones). */
export function channelBus() {
  const bus = { channels: [], posted: [] };
  bus.BroadcastChannel = class FakeBroadcastChannel {
    constructor(name) {
      this.name = name;
      this.closed = false;
      this.onmessage = null;
      bus.channels.push(this);
    }
    postMessage(msg) {
      if (this.closed) throw new Error('InvalidStateError: channel closed');
      const copy = structuredClone(msg);
      bus.posted.push({ name: this.name, msg: copy });
      for (const ch of bus.channels) {
        if (ch !== this && !ch.closed && ch.name === this.name && ch.onmessage) {
          queueMicrotask(() => ch.onmessage({ data: structuredClone(msg) }));
        }
      }
    }
    close() {
      this.closed = true;
    }
  };
  return bus;
}

/**
 * An env for openCache: a page at https://school.example/app/grades. navigator, when given, becomes
 * window.navigator (e.g. {onLine: false}); document is an EventTarget whose visibilityState tests set.
 */
export function fakeEnv({ bus = channelBus(), withWindow = true, navigator } = {}) {
  const win = withWindow ? new EventTarget() : undefined;
  if (win && navigator) win.navigator = navigator;
  const document = new EventTarget();
  document.visibilityState = 'visible';
  return {
    bus,
    location: { href: 'https://school.example/app/grades?tab=1#top', origin: 'https://school.example' },
    window: win,
    document,
    BroadcastChannel: bus ? bus.BroadcastChannel : undefined,
  };
}
