// Type declarations for etag-cache.js: an offline-first HTTP response cache with ETag revalidation, running in a Go
// WebAssembly module.

/** Where entries are kept. */
export type StorageMode = 'indexeddb' | 'memory';

/** Header collections accepted wherever headers are given (like fetch's HeadersInit). */
export type HeadersLike = Headers | [string, string][] | Record<string, string | number | boolean>;

/** Options of createCache. */
export interface CacheOptions {
  /** App cache version (required, non-empty). Entries stored under another version are evicted, never served. */
  version: string;
  /** Milliseconds since the last validation after which an entry is never served. Default (and 0): 7 days. */
  ttl?: number;
  /** IndexedDB database name. Default 'etag-cache'. */
  dbName?: string;
  /**
   * Partition inside the database, e.g. the logged-in user. Default ''. It is what keeps users apart: a response's
   * `Vary: Cookie` (or any header page JavaScript cannot see) is not honoured, the browser's cookies being the same
   * for every read of the page.
   */
  namespace?: string;
  /** URL of etag-cache.wasm (resolved against the page). Default: next to etag-cache.js. */
  wasmURL?: string | URL;
  /** URL of Go's wasm_exec.js (resolved against the page). Default: next to etag-cache.js. */
  wasmExecURL?: string | URL;
  /** Merged into every request: headers (e.g. Authorization) and the credentials mode. */
  fetchInit?: {
    headers?: HeadersLike;
    credentials?: RequestCredentials;
  };
  /**
   * Upper bound on the number of entries. Over it, the least recently *validated* entries go first (the last time the
   * server sent or confirmed them; with the default revalidation on every read that is close to least recently used,
   * but an entry fresh under max-age that is read without asking the server ages). Default: no bound.
   */
  maxEntries?: number;
  /** Upper bound on the stored body bytes; evicts as maxEntries does. Default: no bound. */
  maxBytes?: number;
  /**
   * 'auto' (default): IndexedDB, falling back to memory with a `warning` event (code 'storage-fallback').
   * 'indexeddb': createCache rejects with StorageUnavailableError when IndexedDB is unavailable.
   * 'memory': never touch IndexedDB.
   */
  storage?: 'auto' | StorageMode;
  /** Minimum milliseconds between two revalidations of one entry. Default 0: every read revalidates. */
  minRevalidateInterval?: number;
  /** Request deadline in milliseconds. Default (and 0): the Go side's default. */
  timeout?: number;
  /**
   * Read every subscribed URL again when the page becomes visible again (`visibilitychange` to 'visible'), which
   * revalidates it when due: at most once per minRevalidateInterval. Default true. (Subscribed URLs are read again
   * when the browser comes back online whatever this says.) A non-boolean is a TypeError.
   */
  revalidateOnFocus?: boolean;
}

/** Where a result came from. */
export type ResultSource = 'cache' | 'network';

/** A response served by the cache. `data` is parsed JSON, a string for text/*, else an ArrayBuffer. */
export interface CacheResult<T = unknown> {
  /** Absolute URL of the request (fragment dropped). */
  url: string;
  /** The body: JSON parsed (application/json, text/json, *+json; null for an empty body), text/* as a string,
   * anything else an ArrayBuffer. When JSON does not parse, the text, with parseError set. */
  data: T;
  /** HTTP status of the stored response. */
  status: number;
  /** The stored ETag, verbatim (weak or strong), or null. */
  etag: string | null;
  /** The stored Last-Modified, or null. */
  lastModified: string | null;
  source: ResultSource;
  /** When the body was stored (ms since the epoch). */
  storedAt: number;
  /** When the entry was last validated by the server (ms since the epoch). */
  validatedAt: number;
  /** True when served past its freshness (e.g. offline, or the revalidation failed). */
  stale: boolean;
  /**
   * True for a cached copy whose background revalidation is under way: its outcome arrives as a `revalidated`,
   * `update` or `error` event for this URL. False when none is due (fresh, within minRevalidateInterval, a mode that
   * does not revalidate) and for network results.
   */
  revalidating: boolean;
  /**
   * True for a cached copy that is the optimistic patch of a write (mutate's `optimistic`) the server has not
   * answered yet; the server's answer replaces it.
   */
  pending: boolean;
  /** The response's Content-Type. */
  contentType: string;
  /** Stored response headers, lower-case names. */
  headers: Record<string, string>;
  /** Set when the body was labelled JSON but did not parse; `data` is then the text. */
  parseError?: SyntaxError;
}

/**
 * Detail of `revalidated`: the server confirmed the stored response, either with 304 Not Modified or with a 200 that
 * carries the same validator (ETag / Last-Modified) as the stored one. Either way the stored body is kept.
 */
export interface RevalidatedDetail {
  url: string;
  /** 304 Not Modified, or 200 with the same validator as the stored response. */
  status: 200 | 304;
  validatedAt: number;
}

/** Kinds of `error` events. */
export type ErrorKind = 'network' | 'timeout' | 'http-status' | 'storage';

/** Detail of `error`: a fetch or storage failure; cached data (if any) keeps being served. */
export interface ErrorDetail {
  url: string;
  kind: ErrorKind;
  message: string;
  /** The HTTP status, for kind 'http-status'. */
  status?: number;
  /**
   * True when the failed request is a background revalidation that will be retried (with backoff, and not before
   * the browser says it is online again). It is reported at its first failure; the retries report nothing more
   * unless the last one fails too, with retrying false.
   */
  retrying: boolean;
}

/**
 * Detail of `online` and `offline`: what changed cache.online. 'browser': the window's `online` / `offline` event
 * (navigator.onLine). 'request': a request of this tab failed with a network error, or the server answered one.
 */
export interface ConnectivityDetail {
  cause: 'browser' | 'request';
}

/** Why an entry was removed. */
export type EvictReason = 'ttl' | 'version' | 'capacity' | 'quota' | 'manual' | 'corrupt';

/** Detail of `evict`. */
export interface EvictDetail {
  url: string;
  reason: EvictReason;
}

/** Known warning codes; others may appear. */
export type WarningCode =
  | 'etag-not-exposed'
  | 'storage-fallback'
  | 'broadcast-failed'
  /** The wasm module could not be loaded or opened: nothing is cached, gets go to the network. */
  | 'module-unavailable'
  /** The module is not served as application/wasm: it compiles more slowly and the browser cannot keep its code. */
  | 'wasm-mime-type'
  | (string & {});

/** Detail of `warning`: a problem worth a developer's attention, e.g. ETag not exposed by CORS. */
export interface WarningDetail {
  url?: string;
  code: WarningCode;
  message: string;
}

/** The events an EtagCache dispatches. */
export interface EtagCacheEventMap {
  /** A changed response replaced the stored one (in this tab or, via BroadcastChannel, another). */
  update: CustomEvent<CacheResult>;
  revalidated: CustomEvent<RevalidatedDetail>;
  error: CustomEvent<ErrorDetail>;
  evict: CustomEvent<EvictDetail>;
  warning: CustomEvent<WarningDetail>;
  /** cache.online became true. */
  online: CustomEvent<ConnectivityDetail>;
  /** cache.online became false: the place for an "offline — showing saved data" banner. */
  offline: CustomEvent<ConnectivityDetail>;
  /** A write was kept in the outbox (offline, or unreachable). */
  queued: CustomEvent<WriteDetail>;
  /** A queued write reached the server and succeeded. */
  sent: CustomEvent<WriteDetail & { status: number }>;
  /** A queued write was refused with 412 (someone changed the record); it left the outbox. */
  conflict: CustomEvent<WriteDetail & { current: CacheResult | null; message: string }>;
  /** A queued write was refused for good (a 4xx other than 408/412/429); it stays failed until retry or discard. */
  failed: CustomEvent<WriteDetail & { status: number; message: string }>;
}

/** Identifies a queued write in the write events. */
export interface WriteDetail {
  id: string;
  url: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
}

/** Options of mutate. */
export interface MutateOptions<T = unknown> {
  /** Default 'POST'. */
  method?: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** An object or array is sent as JSON (Content-Type application/json); a string, ArrayBuffer, typed array or Blob as is. */
  body?: unknown;
  /** Merged over fetchInit.headers. */
  headers?: HeadersInit;
  /**
   * 'auto' (default): If-Match is the ETag of the cached copy of the URL, if any (a write queued on top of an earlier
   * queued write of the URL gets that write's new ETag when it succeeds); a string sends that value; false none.
   */
  ifMatch?: 'auto' | string | false;
  /** Cached URLs to revalidate after a success, besides the URL itself and the answer's Location / Content-Location. */
  invalidates?: Array<string | URL>;
  /** Patches the cached copy of the URL at once (served with pending: true) until the server answers. */
  optimistic?: (current: T) => unknown;
  /** Default true: when the network is unreachable, keep the write in the durable outbox and send it later. */
  queue?: boolean;
}

/** What mutate resolves with. */
export type MutateResult<T = unknown> =
  | { queued: false; id: string; status: number; data: T; etag: string | null; headers: Record<string, string> }
  | { queued: true; id: string };

/** One write in the outbox. */
export interface OutboxEntry {
  id: string;
  url: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** ms since the epoch */
  queuedAt: number;
  attempts: number;
  state: 'pending' | 'failed';
  lastError: string | null;
}

/** Stable names of the errors etag-cache rejects with. */
export type EtagCacheErrorName =
  /** Bad arguments: a missing, empty or unparseable URL, options without version, wrong types, out-of-range values. */
  | 'TypeError'
  /** IndexedDB unavailable and storage: 'indexeddb' was demanded. */
  | 'StorageUnavailableError'
  /** The fetch failed and there is no cached copy. */
  | 'NetworkError'
  /** The request deadline passed and there is no cached copy. */
  | 'TimeoutError'
  /** A non-cacheable status and no cached copy; the error has `status`. */
  | 'HttpStatusError'
  /** get with cache: 'only-if-cached' found no stored copy it may serve (nothing was sent). */
  | 'NotCachedError'
  /**
   * get's signal was aborted. As with fetch, the error is the signal's reason when that is an Error named AbortError
   * (what controller.abort() gives), else a DOMException named AbortError (with the reason as `cause`).
   */
  | 'AbortError'
  /** mutate: the server answered 412 (the record changed); the error has `current`, the server's copy, now stored. */
  | 'ConflictError'
  /** Anything else, including a recovered panic in the Go module or a closed cache. */
  | 'EtagCacheError';

/** Shape of the errors etag-cache rejects with (plain Error objects with a stable name). */
export interface EtagCacheError extends Error {
  name: EtagCacheErrorName;
  /** For HttpStatusError and ConflictError (412). */
  status?: number;
  /** For HttpStatusError of a mutate: the answer's body, decoded like get's data. */
  data?: unknown;
  /** For ConflictError: the server's current copy (null when it could not be fetched). */
  current?: CacheResult | null;
  /** For errors made from an `error` event (subscribe's onError). */
  detail?: ErrorDetail;
}

/**
 * How one get uses the stored copy and the network, spelled as fetch's RequestInit.cache:
 * - 'default': the stored copy at once, revalidated in the background when due; a miss fetches.
 * - 'no-cache': ask the server before answering (a conditional request with the stored validators): a 304 answers
 *   with the stored copy (source 'network', validatedAt now), a 200 replaces it (`update` when it differs). When the
 *   request fails (offline, timeout, 5xx) the stored copy is served with `stale: true` and an `error` event fires.
 *   Nothing stored: a plain fetch.
 * - 'reload': an unconditional request (no If-None-Match / If-Modified-Since, not even the browser HTTP cache's),
 *   its response stored as usual; a failure rejects, the stored copy is not served.
 * - 'force-cache': any stored copy of this version and namespace within the TTL, never revalidated (`stale: true`
 *   when past its freshness); a miss fetches.
 * - 'only-if-cached': as 'force-cache', but never the network: a miss rejects with NotCachedError. Before the module
 *   has arrived (a first visit, see createCache) it rejects at once; `await cache.ready` first to read what an earlier
 *   visit stored.
 */
export type CacheMode = 'default' | 'no-cache' | 'reload' | 'force-cache' | 'only-if-cached';

/** Options of get. */
export interface GetOptions<T = unknown> {
  /** Called once, on the next `update` of this URL (in this tab or another). */
  onUpdate?: (fresh: CacheResult<T>) => void;
  /**
   * Extra request headers for this read. A stored response whose `Vary` names one of them is served only to reads
   * with the same value; another value fetches (and stores) its own variant.
   */
  headers?: HeadersLike;
  /** The refresh mode; default 'default'. Any other value is a TypeError. */
  cache?: CacheMode;
  /**
   * Aborts this get: it rejects with AbortError at once (already aborted: before anything is read or sent). The
   * request is cancelled when no other get of the URL shares it; a stored copy is never served instead.
   */
  signal?: AbortSignal;
}

/** One stored entry, as entries() describes it. Times are ms since the epoch. */
export interface EntryInfo {
  url: string;
  namespace: string;
  /** The app version it was stored under (entries of other versions stay until the start-up sweep). */
  version: string;
  status: number;
  etag: string;
  lastModified: string;
  /** Body bytes. */
  size: number;
  storedAt: number;
  validatedAt: number;
  /** The request header values the response varies on (`Vary`), by lower-case name; null when it does not vary. */
  vary: Record<string, string> | null;
  /** It would be served stale: past its max-age/Expires or its TTL, or its last revalidation failed. */
  stale: boolean;
  /** Past its TTL: the next read evicts it. */
  expired: boolean;
}

/** Options of subscribe. */
export interface SubscribeOptions {
  /** Extra request headers for this URL's reads. */
  headers?: HeadersLike;
  /** Called with rejections of the reads and with `error` events of this URL (as named errors); fn never is. */
  onError?: (error: EtagCacheError) => void;
}

/** Options of clear. */
export interface ClearOptions {
  /** Clear every namespace of the database, not only this cache's. Default false. */
  all?: boolean;
  /** Also drop this namespace's queued writes (rolling back their optimistic patches). Default false. */
  outbox?: boolean;
}

/** Counters since the cache was opened, plus the current entry count and size. */
export interface CacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  revalidations: number;
  notModified: number;
  updates: number;
  errors: number;
  /** Queued writes of this namespace waiting to be sent. */
  pending: number;
  /** Queued writes of this namespace the server refused for good (see outbox()). */
  failed: number;
}

/** Stops a subscription. Calling it again does nothing. */
export type Unsubscribe = () => void;

/**
 * An open cache. Dispatches `update`, `revalidated`, `error`, `evict`, `warning`, `online` and `offline`
 * CustomEvents. Create it with createCache(); the constructor is not public.
 *
 * Offline: reads keep serving cached data while fetches fail; a failed background revalidation is reported at once
 * (`error` with retrying true) and its retries wait while the browser says it is offline. On the window's `online`
 * event, and when the page becomes visible again (revalidateOnFocus), every URL with an active subscriber is read
 * again, which revalidates it when due.
 */
export declare class EtagCache extends EventTarget {
  private constructor();
  /**
   * 'indexeddb', or 'memory' when IndexedDB is unavailable or storage: 'memory' was asked; 'none' while the module
   * has not arrived yet (a first visit: gets go to the network) or when it cannot load.
   */
  readonly storage: StorageMode | 'none';
  /**
   * Settles when responses are being cached: at once after createCache on a repeat visit, once the module has
   * downloaded on a first visit. Rejects when they never will be (the module cannot load: an EtagCacheError naming
   * the URL and the cause; or an option value the Go side refused: TypeError) — gets keep working from the network.
   */
  readonly ready: Promise<void>;
  /** Whether close() was called. */
  readonly closed: boolean;
  /**
   * Whether the server can be reached, as far as this tab knows. Starts as navigator.onLine; false after the
   * window's `offline` event or a request that failed with a network error (even while navigator says online:
   * failures are the truth, navigator.onLine a hint); true after the window's `online` event or any answer from the
   * server to this tab (a network result, `update`, `revalidated`). Timeouts and HTTP error statuses leave it as it
   * is. Each change fires `online` or `offline` (before the `error` that caused it).
   */
  readonly online: boolean;

  /**
   * Reads url (relative URLs resolve against location.href): at once from the cache when a valid entry exists
   * (revalidated in the background), else from the network; options.cache changes that (CacheMode). Rejects with
   * TypeError for a bad URL or options, with NetworkError / TimeoutError / HttpStatusError when there is no cached
   * copy to serve, NotCachedError ('only-if-cached' without one), AbortError (options.signal).
   */
  get<T = unknown>(url: string | URL, options?: GetOptions<T>): Promise<CacheResult<T>>;

  /**
   * Calls fn with the result for url, then with every update of it (from any tab). Errors never call fn; see
   * options.onError. Throws TypeError for a bad URL or fn.
   */
  subscribe<T = unknown>(url: string | URL, fn: (result: CacheResult<T>) => void, options?: SubscribeOptions): Unsubscribe;

  /**
   * Removes the stored entry of url. When url has subscribers in this tab it is then fetched again for them (past
   * minRevalidateInterval: nothing is stored) and each subscriber's fn gets the fresh result, even when its content is
   * unchanged; a failure goes to their onError and they keep what they had. No `update` event is dispatched.
   */
  invalidate(url: string | URL): Promise<void>;

  /** Removes the entries of this namespace (or all namespaces); resolves with the number removed. */
  clear(options?: ClearOptions): Promise<number>;

  stats(): Promise<CacheStats>;

  /**
   * Sends a write with If-Match and Idempotency-Key, or queues it in the durable outbox when the network is
   * unreachable. Rejects ConflictError (412), HttpStatusError (other non-2xx), TypeError, NetworkError /
   * TimeoutError (unreachable with queue: false).
   */
  mutate<T = unknown>(url: string | URL, options?: MutateOptions<T>): Promise<MutateResult<T>>;

  /** The queued writes of this namespace, in queue order. */
  outbox(): Promise<OutboxEntry[]>;

  /** Sends the pending writes now; resolves when that replay is over. */
  flush(): Promise<void>;

  /** Moves a failed write back to pending and starts a replay. */
  retry(id: string): Promise<void>;

  /** Drops a queued write and rolls back its optimistic patch. */
  discard(id: string): Promise<void>;

  /**
   * The entries of this namespace (every app version), without bodies, for inspecting the cache (see inspector.js).
   * Resolves with [] when the module cannot load.
   */
  entries(): Promise<EntryInfo[]>;

  /**
   * Stops subscriptions, the multi-tab channel and the window and document listeners, and closes the Go side.
   * Idempotent.
   */
  close(): Promise<void>;

  addEventListener<K extends keyof EtagCacheEventMap>(
    type: K,
    listener: (this: EtagCache, ev: EtagCacheEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof EtagCacheEventMap>(
    type: K,
    listener: (this: EtagCache, ev: EtagCacheEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
}

/**
 * Opens a cache; the wasm module is loaded once per wasmURL and shared by every cache.
 *
 * When the module is at hand without the network (the HTTP cache or a service worker has it: a repeat visit), it
 * resolves once the cache is open, with cached data ready to serve, and rejects with TypeError on bad options or
 * StorageUnavailableError when storage: 'indexeddb' was demanded and IndexedDB is unavailable. When it is not (a
 * first visit, or the first after a release) it resolves at once: gets are fetched from the network (source
 * 'network') while the module downloads after the page's first requests, and stored once it has arrived (see
 * `ready`). A module that cannot load never breaks the page: gets keep going to the network and one `warning`
 * (code 'module-unavailable') says why. Rejects with TypeError for options of the wrong shape before loading
 * anything.
 */
export declare function createCache(options: CacheOptions): Promise<EtagCache>;
