// The service worker SvelteKit bundles and registers by itself. It precaches the app shell, so that a reload
// while offline still starts the app: the prerendered page, the built JS and CSS (this includes the etag-cache
// wrapper and the Svelte store, bundled), the hashed assets (etag-cache.wasm and wasm_exec.js, see #lib/cache.js)
// and the files in static/. The grades themselves are not its business: etag-cache keeps them in IndexedDB and
// revalidates them with If-None-Match, so /api/ requests go straight to the network.
import { self } from '$app/service-worker';
import { immutable, assets, prerendered } from '$app/manifest';
import { version } from '$app/env';

const CACHE = `app-shell-${version}`;
// Manifest paths are relative to the base path, the directory this worker is served from ('' is the base itself).
const BASE = new URL('./', self.location.href);
const SHELL = [...immutable, ...assets, ...prerendered].map(({ path }) => new URL(path, BASE).href);
const SHELL_SET = new Set(SHELL);
const INDEX = BASE.href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return; // not ours: the network
  const key = url.origin + url.pathname;

  if (request.mode === 'navigate') {
    // Network first, so a new deployment shows at once; the precached shell when offline.
    event.respondWith(
      fetch(request).catch(async () => {
        const cache = await caches.open(CACHE);
        return (await cache.match(key)) ?? (await cache.match(INDEX)) ?? Response.error();
      }),
    );
    return;
  }
  if (SHELL_SET.has(key)) {
    // Cache first: these files are hashed (immutable) or belong to this version's static/.
    event.respondWith(caches.open(CACHE).then(async (cache) => (await cache.match(key)) ?? fetch(request)));
  }
});
