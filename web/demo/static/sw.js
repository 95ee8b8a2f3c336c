// The demo's service worker. It keeps the app shell (the page, its scripts and style, the JS face, Go's wasm_exec.js
// and the wasm module) so that a reload while offline still starts the page. The grades are not its business:
// etag-cache keeps them in IndexedDB and revalidates them with If-None-Match, so /api/ requests (and the demo's
// controls) go straight to the network, never answered here.
//
// The demo server fills in BUILD and SHELL when it serves this file at /sw.js (web/demo/serviceworker.go). A new
// build changes BUILD, so the browser installs a new worker: it caches the new build's files under a new name, takes
// over, and deletes the old cache (the page reloads itself when its worker is replaced). Within a build the shell is
// served cache-first: a build's files do not change, and the JS face and the module always come from one build.

const BUILD = "__BUILD__";
const SHELL = ["__SHELL__"];
const PREFIX = 'etag-cache-demo-shell-';
const CACHE = PREFIX + BUILD;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // no-cache: asked of the server, never taken unchecked from the HTTP cache. The page registers this worker
      // once its module has arrived, so on a first visit each file is a 304 and nothing is downloaded twice.
      await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'no-cache' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !SHELL.includes(url.pathname)) return; // /api/ and the rest: the network
  event.respondWith(fromShell(request, url));
});

/**
 * Answers a shell file from this build's cache; the page's query (?v=, ?ttl=) does not change the file. On a miss
 * (the cache was evicted, or is still being filled) the request goes on as it came: etag-cache's loader probes for
 * the module with cache: 'only-if-cached', and that must keep meaning "the HTTP cache or nothing", never a download.
 */
async function fromShell(request, url) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(url.origin + url.pathname);
  return hit || fetch(request);
}
