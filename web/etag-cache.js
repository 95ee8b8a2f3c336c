// etag-cache.js — the JavaScript face of the etag-cache WebAssembly module; this file is the façade users import.
//
// An offline-first HTTP response cache: `get` answers at once from IndexedDB and revalidates in the background with
// If-None-Match / If-Modified-Since; a changed response fires an `update` event. The work happens in Go (the wasm
// module). This file only composes the modules next to it, one job each: options.js (argument shapes), loader.js
// (loading the module), cache.js (EtagCache, which uses body.js, subscriptions.js, tabs.js and errors.js).
//
// Plain ES modules, no dependencies; `make build` bundles them into one dist/etag-cache.js (a slow link pays a round
// trip per import level). See etag-cache.d.ts for the typed API and the README for deployment notes.

import { EtagCache, openCache } from './cache.js';
import { prepareModule } from './loader.js';
import { mapOptions } from './options.js';

export { EtagCache };

/** The page's environment, as openCache takes it. */
function pageEnv() {
  const g = globalThis;
  return {
    location: g.location,
    window: typeof g.window !== 'undefined' ? g.window : undefined,
    document: typeof g.document !== 'undefined' ? g.document : undefined,
    BroadcastChannel: typeof g.BroadcastChannel === 'function' ? g.BroadcastChannel : undefined,
  };
}

/** Resolves a module URL option against the page (or this file), or returns the default next to this file. */
function moduleHref(u, fallback) {
  if (u === undefined) return fallback.href;
  const loc = globalThis.location;
  return new URL(String(u), loc && loc.href ? loc.href : import.meta.url).href;
}

/**
 * Opens a cache. Options: version (required), ttl (ms since last validation, default 7 days), dbName (default
 * 'etag-cache'), namespace (default ''), wasmURL (default: etag-cache.wasm next to this file), wasmExecURL (default:
 * wasm_exec.js next to this file), fetchInit {headers, credentials}, maxEntries, maxBytes, storage ('auto' default,
 * 'indexeddb', 'memory'), minRevalidateInterval (ms, default 0), timeout (ms, default 30 s), revalidateOnFocus
 * (default true: subscribed URLs are read again when the page becomes visible again).
 *
 * When the module is at hand without the network (a repeat visit: the HTTP cache or a service worker has it), it
 * resolves once the cache is open, and rejects with TypeError on bad options, StorageUnavailableError when
 * storage: 'indexeddb' was demanded and IndexedDB is unavailable. When it is not (a first visit, or the first after
 * a release) it resolves at once: gets go to the network while the module downloads, after the page's first
 * requests, and what they fetched is stored once it has arrived (cache.ready). A module that cannot load never
 * breaks the page: gets keep going to the network and one `warning` (code 'module-unavailable') says why.
 */
export async function createCache(options) {
  mapOptions(options); // check the shape before loading anything
  // Literal `new URL('./x', import.meta.url)`s: bundlers recognise them and ship the files.
  const wasmURL = moduleHref(options.wasmURL, new URL('./etag-cache.wasm', import.meta.url));
  const wasmExecURL = moduleHref(options.wasmExecURL, new URL('./wasm_exec.js', import.meta.url));
  const load = prepareModule(wasmURL, wasmExecURL);
  const local = await load.local;
  return openCache(load.api, options, pageEnv(), { local, start: load.start, notes: load.notes });
}
