// loader.js and the etag-cache.js façade: wasm_exec.js import, the registration callback, one load per wasmURL,
// failures forgotten; createCache checking options before loading anything.
// Uses data: URLs (Node's fetch and import accept them) and a fake Go class instead of Go's wasm_exec.js. Every test
// loads its own wasmURL (the module's data: URL plus a unique #fragment), so no test sees another's load.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { loadApi } from '../loader.js';
import { createCache, EtagCache } from '../etag-cache.js';
import { EtagCache as CacheClass } from '../cache.js';

const EMPTY_WASM = 'data:application/wasm;base64,AGFzbQEAAAA='; // the smallest valid module: magic + version
const BAD_WASM = 'data:application/wasm;base64,AAAAAAAAAAA=';

/** JS source of a wasm_exec.js stand-in: a Go class whose run() registers an api like the real module does. */
const FAKE_EXEC = `globalThis.Go = class {
  constructor() { this.importObject = {}; this.argv = []; globalThis.__goCount = (globalThis.__goCount || 0) + 1; }
  run() {
    const cb = this.argv[1];
    globalThis.__seenArgv = this.argv;
    globalThis[cb]({ open: async (o) => ({ storage: 'memory', opts: o, close: async () => {}, get: async () => ({}) }) });
    return new Promise(() => {});
  }
};`;
// Each URL is unique: an ES module runs once per URL, and the tests delete globalThis.Go between them.
let imports = 0;
const execURL = (src) => 'data:text/javascript,' + encodeURIComponent(`${src}\n// ${++imports}`);
let loads = 0;
const wasmURL = (base = EMPTY_WASM) => `${base}#${++loads}`;

beforeEach(() => {
  delete globalThis.Go;
  delete globalThis.__goCount;
});

function initGlobals() {
  return Object.keys(globalThis).filter((k) => k.startsWith('__etagCacheInit_'));
}

/** A Go class whose run() exits at once without registering. */
class ExitingGo {
  constructor() {
    this.importObject = {};
  }
  run() {
    return Promise.resolve();
  }
}

test('imports wasm_exec.js, runs Go with the callback name, resolves with the api, cleans the global', async () => {
  const api = await loadApi(wasmURL(), execURL(FAKE_EXEC));
  assert.equal(typeof api.open, 'function');
  assert.equal(globalThis.__seenArgv[0], 'etag-cache');
  assert.match(globalThis.__seenArgv[1], /^__etagCacheInit_/);
  assert.deepEqual(initGlobals(), []);
});

test('loads once per wasmURL', async () => {
  const exec = execURL(FAKE_EXEC);
  const url = wasmURL();
  const [a, b] = await Promise.all([loadApi(url, exec), loadApi(url, exec)]);
  assert.equal(a, b);
  assert.equal(globalThis.__goCount, 1);
  assert.equal(await loadApi(url, exec), a, 'a later call shares the first load');
  assert.equal(globalThis.__goCount, 1);
  await loadApi(wasmURL(), exec);
  assert.equal(globalThis.__goCount, 2, 'another wasmURL loads another instance');
});

test('failures reject and are forgotten, so a later call tries again', async (t) => {
  await t.test('wasm_exec.js that defines no Go', async () => {
    const url = wasmURL();
    await assert.rejects(loadApi(url, execURL('globalThis.notGo = 1;')), { name: 'EtagCacheError' });
    const api = await loadApi(url, execURL(FAKE_EXEC));
    assert.equal(typeof api.open, 'function');
  });
  await t.test('Go exits before registering', async () => {
    const url = wasmURL();
    globalThis.Go = ExitingGo;
    await assert.rejects(loadApi(url, 'unused:'), /exited before it registered/);
    assert.deepEqual(initGlobals(), []);
    delete globalThis.Go;
    const api = await loadApi(url, execURL(FAKE_EXEC));
    assert.equal(typeof api.open, 'function');
  });
  await t.test('bytes that are not wasm', async () => {
    const url = wasmURL(BAD_WASM);
    globalThis.Go = ExitingGo;
    await withFetchLog(async (fetched) => {
      await assert.rejects(loadApi(url, 'unused:'), WebAssembly.CompileError);
      const first = fetched.length;
      assert.ok(first > 0);
      await assert.rejects(loadApi(url, 'unused:'), WebAssembly.CompileError);
      assert.ok(fetched.length > first, 'the second call fetched again');
    });
    assert.deepEqual(initGlobals(), []);
  });
});

/** Runs fn(fetched) with globalThis.fetch recording the URL of every call in fetched. */
async function withFetchLog(fn) {
  const fetched = [];
  const savedFetch = globalThis.fetch;
  globalThis.fetch = (...args) => {
    fetched.push(String(args[0]));
    return savedFetch(...args);
  };
  try {
    await fn(fetched);
  } finally {
    globalThis.fetch = savedFetch;
  }
}

test('createCache validates options before loading anything', async () => {
  await withFetchLog(async (fetched) => {
    const exec = execURL(FAKE_EXEC);
    await assert.rejects(createCache({ wasmURL: wasmURL(), wasmExecURL: exec }), TypeError); // no version
    await assert.rejects(createCache(), TypeError);
    await assert.rejects(createCache({ version: 'v', namespace: 1, wasmURL: wasmURL(), wasmExecURL: exec }), TypeError);
    await assert.rejects(createCache({ version: 'v', wasmURL: {} }), TypeError);
    await assert.rejects(createCache({ version: 'v', fetchInit: { credentials: 'always' }, wasmURL: wasmURL(),
      wasmExecURL: exec }), TypeError);
    assert.deepEqual(fetched, [], 'no module fetched');
  });
  assert.equal(globalThis.Go, undefined, 'no wasm_exec.js imported');
});

test('createCache end to end with the fake module: two caches share one module', async () => {
  const exec = execURL(FAKE_EXEC);
  const url = wasmURL();
  const a = await createCache({ version: 'v1', namespace: 'a', wasmURL: url, wasmExecURL: exec });
  const b = await createCache({ version: 'v1', namespace: 'b', wasmURL: url, wasmExecURL: exec });
  try {
    // A data: module is not at hand without the network (no page origin to probe): createCache resolves at once and
    // the Go side attaches once the module has loaded, which stats() (like any call needing it) starts.
    assert.equal(a.storage, 'none');
    await Promise.all([a.stats().catch(() => {}), a.ready, b.ready]);
    assert.equal(a.storage, 'memory');
    assert.equal(globalThis.__goCount, 1);
    assert.ok(a instanceof EtagCache);
  } finally {
    await a.close();
    await b.close();
  }
});

test('the façade exports createCache and the EtagCache class, nothing else', async () => {
  const facade = await import('../etag-cache.js');
  assert.deepEqual(Object.keys(facade).sort(), ['EtagCache', 'createCache']);
  assert.equal(EtagCache, CacheClass);
});
