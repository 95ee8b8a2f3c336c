// Type declarations for svelte.js: a Svelte readable store over an etag-cache URL (no runtime dependency on svelte;
// the returned object satisfies svelte/store's Readable contract).
import type { CacheResult, EtagCache, EtagCacheError, HeadersLike, ResultSource } from './etag-cache.js';

/** The value of a cachedStore. */
export interface CachedValue<T = unknown> {
  /** The latest data; undefined until the first result. */
  data: T | undefined;
  /** True until the first result or error. */
  loading: boolean;
  /** The last error (a failed read, an `error` event of this URL, a rejected cache Promise); null after a result. */
  error: EtagCacheError | Error | null;
  /** Where the latest data came from; null until the first result. */
  source: ResultSource | null;
  /** Whether the latest data was served past its freshness. */
  stale: boolean;
  /** When the latest data's body arrived from the network (ms since the epoch); null until the first result. */
  storedAt: number | null;
  /**
   * When the server last confirmed the latest data (ms since the epoch); null until the first result. Follows
   * `revalidated` events of this URL (a 304 moves it without changing the data).
   */
  validatedAt: number | null;
  /**
   * True after a cached read whose background revalidation is under way (the result's `revalidating`) until its
   * outcome arrives: a `revalidated` event of this URL, an update or an error. A fresh copy, or one read within
   * minRevalidateInterval, is not revalidated and leaves it false.
   */
  revalidating: boolean;
  /** Whether the latest data holds writes the server has not confirmed yet (the result's `pending`). */
  pending: boolean;
}

/** Options of cachedStore. */
export interface CachedStoreInit {
  /** Extra request headers for this URL's reads. */
  headers?: HeadersLike;
}

/** A Svelte readable store (the store contract: run is called synchronously with the current value). */
export interface CachedStore<T = unknown> {
  subscribe(run: (value: CachedValue<T>) => void, invalidate?: (value?: CachedValue<T>) => void): () => void;
  /**
   * Reads the URL again (cache.get), which revalidates it. Resolves once the read has settled, its result or error
   * in the value; never rejects. Does nothing without a subscriber, during SSR, or before the cache has resolved.
   */
  refresh(): Promise<void>;
}

/** The minimal readable-store shape a URL may come from (svelte/store's Readable satisfies it). */
export interface URLStore {
  subscribe(run: (url: string | URL | null | undefined) => void): () => void;
}

/**
 * A readable store of url's data. `cache` may be an EtagCache, a Promise of one, or null/undefined (SSR, not yet
 * created): without `window`, or without a cache, the value stays { loading: true } and nothing throws. The first
 * subscriber starts cache.subscribe(url), the last unsubscribe stops it. `url` may be a store of URLs (a route
 * parameter): on a change the old URL's subscription stops and the value goes back to { loading: true } without the
 * previous data, which belongs to another URL; a null/undefined URL reads nothing.
 */
export declare function cachedStore<T = unknown>(
  cache: EtagCache | Promise<EtagCache | null | undefined> | null | undefined,
  url: string | URL | URLStore,
  init?: CachedStoreInit,
): CachedStore<T>;

export type { CacheResult };
