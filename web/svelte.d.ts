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
  /** When the server last confirmed the latest data (ms since the epoch); null until the first result. */
  validatedAt: number | null;
}

/** Options of cachedStore. */
export interface CachedStoreInit {
  /** Extra request headers for this URL's reads. */
  headers?: HeadersLike;
}

/** A Svelte readable store (the store contract: run is called synchronously with the current value). */
export interface CachedStore<T = unknown> {
  subscribe(run: (value: CachedValue<T>) => void, invalidate?: (value?: CachedValue<T>) => void): () => void;
}

/**
 * A readable store of url's data. `cache` may be an EtagCache, a Promise of one, or null/undefined (SSR, not yet
 * created): without `window`, or without a cache, the value stays { loading: true } and nothing throws. The first
 * subscriber starts cache.subscribe(url), the last unsubscribe stops it.
 */
export declare function cachedStore<T = unknown>(
  cache: EtagCache | Promise<EtagCache | null | undefined> | null | undefined,
  url: string | URL,
  init?: CachedStoreInit,
): CachedStore<T>;

export type { CacheResult };
