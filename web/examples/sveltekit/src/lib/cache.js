// The app's one etag-cache, created lazily in the browser and never during SSR or prerendering.
import { createCache } from 'etag-cache';
// Vite asset imports: both files are emitted under /_app/immutable/assets/ with a content hash (so they may be
// cached forever), and the preview/static servers send .wasm as application/wasm, which instantiateStreaming needs.
// The service worker precaches them with the rest of the build.
import wasmURL from 'etag-cache/etag-cache.wasm?url';
import wasmExecURL from 'etag-cache/wasm_exec.js?url';

/** Bump when the API's data shape changes: entries of another version are evicted, never served. */
export const CACHE_VERSION = 'grades-v1';

/** @type {Promise<import('etag-cache').EtagCache> | undefined} */
let opening;

/**
 * Returns the app's cache (a Promise), opening it on the first call. Browser only: call it behind `browser` from
 * `$app/env` or inside `onMount`. A failed open is forgotten, so a later call tries again.
 */
export function getCache() {
  if (typeof window === 'undefined') {
    throw new Error('getCache() runs in the browser only; guard it with `browser` from $app/env');
  }
  opening ??= createCache({ version: CACHE_VERSION, wasmURL, wasmExecURL }).catch((err) => {
    opening = undefined;
    throw err;
  });
  return opening;
}
