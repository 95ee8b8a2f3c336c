// loader.js — one job: loading the wasm module. It downloads and compiles etag-cache.wasm, imports Go's
// wasm_exec.js, runs the Go program and waits for it to register its api (the object cache.js opens caches on).
// One load per wasmURL, shared by every cache; a failed load is forgotten so that a later call tries again.

import { namedError } from './errors.js';

const loads = new Map(); // wasmURL href -> Promise<api>

/**
 * Downloads and compiles the module. It needs no import object, so it runs in parallel with loading wasm_exec.js
 * (one round trip less on a cold start over 3G).
 */
async function compile(wasmURL) {
  const load = async () => {
    const resp = await fetch(wasmURL);
    if (!resp.ok) {
      throw namedError('EtagCacheError', `etag-cache: loading ${wasmURL} failed: HTTP ${resp.status}`);
    }
    return resp;
  };
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(load());
    } catch (err) {
      // A server that does not send Content-Type: application/wasm makes streaming fail with a TypeError.
      if (!(err instanceof TypeError)) throw err;
    }
  }
  const resp = await load();
  return WebAssembly.compile(await resp.arrayBuffer());
}

/**
 * Runs the module with Go's runtime. The Go program registers its api by calling a global function whose name it
 * gets as argv[1]; the global is removed once it has (or once the program failed or exited before it did).
 */
async function loadModule(wasmURL, wasmExecURL) {
  const compiled = compile(wasmURL);
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
 * Loads the module at wasmURL (an absolute href) with the wasm_exec.js at wasmExecURL (imported only when no Go
 * class is defined yet) and resolves with the api it registers. Once per wasmURL: later calls share the first
 * load; a failed load is forgotten, so that a later call tries again. Rejects with EtagCacheError when the file
 * cannot be fetched, wasm_exec.js defines no Go, or the program exits before registering; with the platform's
 * error (e.g. WebAssembly.CompileError) otherwise.
 */
export function loadApi(wasmURL, wasmExecURL) {
  let p = loads.get(wasmURL);
  if (!p) {
    p = loadModule(wasmURL, wasmExecURL);
    loads.set(wasmURL, p);
    p.catch(() => loads.delete(wasmURL));
  }
  return p;
}
