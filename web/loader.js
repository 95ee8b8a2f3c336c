// loader.js — one job: loading the wasm module. It finds out whether the module can be had without the network,
// downloads and compiles etag-cache.wasm, imports Go's wasm_exec.js, runs the Go program and waits for it to
// register its api (the object cache.js opens caches on). One load per wasmURL, shared by every cache; a failed
// load is forgotten so that a later call tries again.
//
// Why "local" matters: on a first visit (or the first after a release, the module's URL being content-hashed) the
// module is an ~800 KB download, about 20 s on slow 3G. The cache then must not make the page's first data wait for
// it, nor let it compete with that data for the link: the caller serves gets from the network meanwhile and says
// when to start the download (start()). When the module is local (the HTTP cache or a service worker has it), the
// caller waits for it: cached data first, as on every repeat visit.

import { namedError } from './errors.js';

const loads = new Map(); // wasmURL href -> load

/** localStorage key of the last module URL that loaded (for modules on another origin, which cannot be probed). */
const MARKER = 'etag-cache:loaded-module';

/**
 * Asks for the module without touching the network: the HTTP cache (or a service worker) answers a same-origin
 * `only-if-cached` request from what it has, else fails at once. Resolves with that Response, or null. A module on
 * another origin cannot be asked this way (only-if-cached needs mode same-origin); there a marker written after
 * the module last loaded stands in, and the module is fetched normally.
 */
async function probe(wasmURL) {
  const loc = globalThis.location;
  let sameOrigin = false;
  try {
    sameOrigin = !!loc && new URL(wasmURL).origin === loc.origin && loc.origin !== 'null';
  } catch {
    sameOrigin = false;
  }
  if (sameOrigin) {
    try {
      const res = await fetch(wasmURL, { cache: 'only-if-cached', mode: 'same-origin' });
      return res.ok ? res : null;
    } catch {
      return null;
    }
  }
  return readMarker() === wasmURL ? fetch(wasmURL) : null;
}

function readMarker() {
  try {
    return globalThis.localStorage ? globalThis.localStorage.getItem(MARKER) : null;
  } catch {
    return null; // storage disabled
  }
}

function writeMarker(wasmURL) {
  try {
    if (globalThis.localStorage) globalThis.localStorage.setItem(MARKER, wasmURL);
  } catch {
    // storage disabled or full: the next visit fetches from the network first, which is only slower
  }
}

/**
 * Compiles the module from a Response (or a Promise of one). It needs no import object, so it runs in parallel
 * with loading wasm_exec.js. compileStreaming needs `Content-Type: application/wasm` (it is also what lets the
 * browser keep compiled code for later visits); a response served as anything else is compiled from its bytes
 * instead -- the same response, no second download -- and a note for the page's `warning` is pushed on notes.
 */
async function compile(wasmURL, response, notes) {
  const res = await response;
  if (!res.ok) throw namedError('EtagCacheError', `etag-cache: loading ${wasmURL} failed: HTTP ${res.status}`);
  const type = res.headers.get('Content-Type') || '';
  if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\s*(;|$)/i.test(type)) {
    return WebAssembly.compileStreaming(res);
  }
  const module = await WebAssembly.compile(await res.arrayBuffer());
  if (typeof WebAssembly.compileStreaming === 'function') {
    notes.push(`${wasmURL} is served as ${type ? JSON.stringify(type) : 'no Content-Type'}: serve it as ` +
      '"application/wasm" so the browser compiles it while it downloads and keeps the compiled code');
  }
  return module;
}

/**
 * Runs the module with Go's runtime. The Go program registers its api by calling a global function whose name it
 * gets as argv[1]; the global is removed once it has (or once the program failed or exited before it did).
 */
async function run(wasmURL, wasmExecURL, response, notes) {
  const compiled = compile(wasmURL, response, notes);
  compiled.catch(() => {}); // observed below; this only keeps an early wasm_exec failure from leaving it unhandled
  if (typeof globalThis.Go !== 'function') await import(wasmExecURL);
  if (typeof globalThis.Go !== 'function') {
    throw namedError('EtagCacheError', `etag-cache: ${wasmExecURL} did not define Go (is it Go's wasm_exec.js?)`);
  }
  const go = new globalThis.Go();
  const cb = '__etagCacheInit_' + Math.random().toString(36).slice(2);
  const registered = new Promise((resolve) => {
    globalThis[cb] = resolve;
  });
  go.argv = ['etag-cache', cb];
  try {
    const instance = await WebAssembly.instantiate(await compiled, go.importObject);
    const exited = go.run(instance).then(() => {
      throw namedError('EtagCacheError', 'etag-cache: the wasm module exited before it registered');
    });
    return await Promise.race([registered, exited]);
  } finally {
    delete globalThis[cb];
  }
}

/**
 * Prepares the load of the module at wasmURL (an absolute href) with the wasm_exec.js at wasmExecURL (imported only
 * when no Go class is defined yet). Returns {local, api, start, notes}:
 *   local: Promise<boolean>, whether the module came without the network (then the load is already under way);
 *     once the load has finished, true for every later call;
 *   start(): begins the download of a module that is not local (idempotent; nothing to do when local). The
 *     download asks for low fetch priority;
 *   api: Promise of the api the program registers. It rejects with EtagCacheError when the file cannot be fetched,
 *     wasm_exec.js defines no Go, or the program exits before registering; with the platform's error (e.g. a
 *     WebAssembly.CompileError) otherwise;
 *   notes: what a developer should fix about how the module is served, for `warning` events, filled by the time api
 *     resolves.
 * Once per wasmURL: later calls share the first load; a failed load is forgotten, so that a later call tries again.
 */
export function prepareModule(wasmURL, wasmExecURL) {
  let load = loads.get(wasmURL);
  if (load) return load;
  let begin;
  const started = new Promise((resolve) => {
    begin = resolve;
  });
  const probed = probe(wasmURL);
  load = {
    local: probed.then((res) => res !== null),
    start: () => begin(),
    api: null,
    notes: [],
  };
  load.api = probed
    .then((res) => res || started.then(() => fetch(wasmURL, { priority: 'low' })))
    .then((response) => run(wasmURL, wasmExecURL, response, load.notes));
  loads.set(wasmURL, load);
  load.api.then(
    () => {
      // Loaded: every later cache of this page has the module at hand, though this load was a first visit's.
      load.local = Promise.resolve(true);
      if (!wasmURL.startsWith(globalThis.location ? globalThis.location.origin + '/' : '\0')) writeMarker(wasmURL);
    },
    () => loads.delete(wasmURL),
  );
  return load;
}

/** Loads the module at once, local or not, and resolves with its api (prepareModule, started). */
export function loadApi(wasmURL, wasmExecURL) {
  const load = prepareModule(wasmURL, wasmExecURL);
  load.start();
  return load.api;
}
