// Loading the module: wasm_exec.js import, the registration callback, memoization per wasmURL, failures.
// Uses data: URLs (Node's fetch and import accept them) and a fake Go class instead of Go's wasm_exec.js.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { __internal, createCache } from '../etag-cache.js';

const { loadApi, modules } = __internal;
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

beforeEach(() => {
  delete globalThis.Go;
  delete globalThis.__goCount;
  modules.clear();
});

function initGlobals() {
  return Object.keys(globalThis).filter((k) => k.startsWith('__etagCacheInit_'));
}

test('imports wasm_exec.js, runs Go with the callback name, resolves with the api, cleans the global', async () => {
  const api = await loadApi(EMPTY_WASM, execURL(FAKE_EXEC));
  assert.equal(typeof api.open, 'function');
  assert.equal(globalThis.__seenArgv[0], 'etag-cache');
  assert.match(globalThis.__seenArgv[1], /^__etagCacheInit_/);
  assert.deepEqual(initGlobals(), []);
});

test('loads once per wasmURL', async () => {
  const exec = execURL(FAKE_EXEC);
  const [a, b] = await Promise.all([loadApi(EMPTY_WASM, exec), loadApi(EMPTY_WASM, exec)]);
  assert.equal(a, b);
  assert.equal(globalThis.__goCount, 1);
  await loadApi(EMPTY_WASM + '#second', exec);
  assert.equal(globalThis.__goCount, 2, 'another wasmURL loads another instance');
});

test('failures reject and are forgotten, so a later call tries again', async (t) => {
  await t.test('wasm_exec.js that defines no Go', async () => {
    await assert.rejects(loadApi(EMPTY_WASM, execURL('globalThis.notGo = 1;')), { name: 'EtagCacheError' });
    assert.equal(modules.size, 0);
  });
  await t.test('Go exits before registering', async () => {
    globalThis.Go = class {
      constructor() {
        this.importObject = {};
      }
      run() {
        return Promise.resolve();
      }
    };
    await assert.rejects(loadApi(EMPTY_WASM, 'unused:'), /exited before it registered/);
    assert.equal(modules.size, 0);
    assert.deepEqual(initGlobals(), []);
  });
  await t.test('bytes that are not wasm', async () => {
    globalThis.Go = class {
      constructor() {
        this.importObject = {};
      }
    };
    await assert.rejects(loadApi(BAD_WASM, 'unused:'), WebAssembly.CompileError);
    assert.equal(modules.size, 0);
  });
});

test('createCache validates options before loading anything', async () => {
  await assert.rejects(createCache({ wasmURL: EMPTY_WASM }), TypeError);
  await assert.rejects(createCache(), TypeError);
  assert.equal(modules.size, 0);
});

test('createCache end to end with the fake module: two caches share one module', async () => {
  const exec = execURL(FAKE_EXEC);
  const a = await createCache({ version: 'v1', namespace: 'a', wasmURL: EMPTY_WASM, wasmExecURL: exec });
  const b = await createCache({ version: 'v1', namespace: 'b', wasmURL: EMPTY_WASM, wasmExecURL: exec });
  try {
    assert.equal(a.storage, 'memory');
    assert.equal(globalThis.__goCount, 1);
  } finally {
    await a.close();
    await b.close();
  }
});
