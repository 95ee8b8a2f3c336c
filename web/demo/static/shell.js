// shell.js — registers the demo's service worker (/sw.js, which keeps the app shell so that a reload while offline
// still starts the page) and reloads the page when a new build's worker takes over.

/**
 * Reloads the page when a new build's worker takes over from the one that served it, so that the page, the JS face
 * and the module all come from the new build. Call it at start-up, before the worker can change. (The first worker
 * of a first visit takes over nothing: the page was not served by a worker.)
 */
export function reloadOnNewBuild() {
  const sw = navigator.serviceWorker;
  if (!sw || !sw.controller) return;
  sw.addEventListener('controllerchange', () => location.reload());
}

/**
 * Registers /sw.js. Call it once the module has arrived (cache.ready settled): the worker then caches files the
 * browser has just fetched, each a cheap 304, instead of downloading the module a second time while the first data
 * and the module's own download still need the link. Resolves with 'ready' once a worker is active, or with
 * 'unsupported' / 'failed: …' (the page works without it, it only cannot start offline).
 */
export async function registerShell() {
  const sw = navigator.serviceWorker;
  if (!sw) return 'unsupported'; // e.g. not a secure context
  try {
    await sw.register('/sw.js');
    await sw.ready;
    return 'ready';
  } catch (err) {
    return `failed: ${err && err.message ? err.message : err}`;
  }
}
