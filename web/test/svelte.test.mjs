// cachedStore: the Svelte store contract, SSR safety, start/stop bookkeeping, results and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedStore } from '../svelte.js';
import { openCache } from '../cache.js';
import { fakeApi, fakeEnv, flush, raw } from './fakes.mjs';

const LOADING = { data: undefined, loading: true, error: null, source: null, stale: false, storedAt: null, validatedAt: null };

/** A cache stand-in whose subscribe is driven by the test. */
function fakeCache() {
  const fc = {
    subs: [],
    subscribe(url, fn, options) {
      const sub = { url, fn, options, active: true };
      fc.subs.push(sub);
      return () => {
        sub.active = false;
      };
    },
    active() {
      return fc.subs.filter((s) => s.active);
    },
  };
  return fc;
}

/** Runs fn with a `window` global, as in a browser. */
async function inBrowser(fn) {
  globalThis.window = globalThis;
  try {
    await fn();
  } finally {
    delete globalThis.window;
  }
}

test('SSR (no window): stays loading, never touches the cache, never throws', async (t) => {
  const rejected = Promise.reject(new Error('no IndexedDB on the server'));
  rejected.catch(() => {});
  const cases = [
    ['null cache', null],
    ['undefined cache', undefined],
    ['a cache object', fakeCache()],
    ['a rejected promise', rejected],
    ['garbage', 42],
  ];
  for (const [name, cache] of cases) {
    await t.test(name, async () => {
      assert.equal(typeof window, 'undefined');
      const store = cachedStore(cache, '/api/grades/');
      const values = [];
      const unsub = store.subscribe((v) => values.push(v));
      await flush();
      unsub();
      assert.deepEqual(values, [LOADING]);
      if (cache && typeof cache.subscribe === 'function') assert.equal(cache.subs.length, 0);
    });
  }
});

test('subscribe contract: run is called synchronously; unsubscribe is a function', async () => {
  const store = cachedStore(null, '/x');
  let got;
  const unsub = store.subscribe((v) => {
    got = v;
  });
  assert.deepEqual(got, LOADING);
  assert.equal(typeof unsub, 'function');
  unsub();
  unsub();
  assert.throws(() => store.subscribe('not a function'), TypeError);
});

test('browser: first subscriber starts, last unsubscribe stops, values follow results', () =>
  inBrowser(async () => {
    const fc = fakeCache();
    const store = cachedStore(fc, '/api/grades/', { headers: { 'X-Term': '2' } });
    const a = [];
    const b = [];
    const unsubA = store.subscribe((v) => a.push(v));
    const unsubB = store.subscribe((v) => b.push(v));
    await flush();
    assert.equal(fc.subs.length, 1, 'one cache subscription for two store subscribers');
    assert.equal(fc.subs[0].url, '/api/grades/');
    assert.deepEqual(fc.subs[0].options.headers, { 'X-Term': '2' });

    fc.subs[0].fn({ data: [1], source: 'cache', stale: true });
    fc.subs[0].fn({ data: [2], source: 'network', stale: false, storedAt: 1000, validatedAt: 2000 });
    assert.deepEqual(a.at(-1), { data: [2], loading: false, error: null, source: 'network', stale: false,
      storedAt: 1000, validatedAt: 2000 });
    assert.deepEqual(b.map((v) => v.data), [undefined, [1], [2]]);

    unsubA();
    assert.equal(fc.active().length, 1, 'still one subscriber');
    unsubB();
    assert.equal(fc.active().length, 0, 'stopped on last unsubscribe');

    const c = [];
    const unsubC = store.subscribe((v) => c.push(v));
    assert.deepEqual(c[0].data, [2], 'keeps the last value for a new subscriber');
    await flush();
    assert.equal(fc.active().length, 1, 'restarted');
    unsubC();
  }));

test('browser: the same function subscribed twice counts twice', () =>
  inBrowser(async () => {
    const fc = fakeCache();
    const store = cachedStore(fc, '/x');
    const run = () => {};
    const u1 = store.subscribe(run);
    const u2 = store.subscribe(run);
    await flush();
    u1();
    assert.equal(fc.active().length, 1);
    u2();
    assert.equal(fc.active().length, 0);
  }));

test('browser: errors set error and keep the last data', () =>
  inBrowser(async () => {
    const fc = fakeCache();
    const store = cachedStore(fc, '/x');
    const values = [];
    const unsub = store.subscribe((v) => values.push(v));
    await flush();
    const { fn, options } = fc.subs[0];
    fn({ data: 'cached', source: 'cache', stale: false, storedAt: 5, validatedAt: 7 });
    const err = Object.assign(new Error('offline'), { name: 'NetworkError' });
    options.onError(err);
    assert.deepEqual(values.at(-1), { data: 'cached', loading: false, error: err, source: 'cache', stale: false,
      storedAt: 5, validatedAt: 7 });
    fn({ data: 'fresh', source: 'network', stale: false });
    assert.equal(values.at(-1).error, null);
    unsub();
  }));

test('browser: cache given as a Promise', async (t) => {
  await t.test('resolving later starts the subscription', () =>
    inBrowser(async () => {
      const fc = fakeCache();
      let resolve;
      const p = new Promise((r) => {
        resolve = r;
      });
      const store = cachedStore(p, '/x');
      const unsub = store.subscribe(() => {});
      await flush();
      assert.equal(fc.subs.length, 0);
      resolve(fc);
      await flush();
      assert.equal(fc.subs.length, 1);
      unsub();
      assert.equal(fc.active().length, 0);
    }));
  await t.test('unsubscribed before it resolves: never subscribes', () =>
    inBrowser(async () => {
      const fc = fakeCache();
      const store = cachedStore(Promise.resolve(fc), '/x');
      store.subscribe(() => {})();
      await flush();
      assert.equal(fc.subs.length, 0);
    }));
  await t.test('a rejected promise sets error', () =>
    inBrowser(async () => {
      const err = Object.assign(new Error('x'), { name: 'StorageUnavailableError' });
      const store = cachedStore(Promise.reject(err), '/x');
      const values = [];
      const unsub = store.subscribe((v) => values.push(v));
      await flush();
      assert.deepEqual(values.at(-1), { ...LOADING, loading: false, error: err });
      unsub();
    }));
  await t.test('not a cache sets a TypeError', () =>
    inBrowser(async () => {
      const store = cachedStore(Promise.resolve({}), '/x');
      const values = [];
      const unsub = store.subscribe((v) => values.push(v));
      await flush();
      assert.ok(values.at(-1).error instanceof TypeError);
      unsub();
    }));
  await t.test('a promise of null stays loading', () =>
    inBrowser(async () => {
      const store = cachedStore(Promise.resolve(null), '/x');
      const values = [];
      const unsub = store.subscribe((v) => values.push(v));
      await flush();
      assert.deepEqual(values, [LOADING]);
      unsub();
    }));
});

test('browser: with a real EtagCache (fake api): data, update, bad URL', () =>
  inBrowser(async () => {
    const GRADES = 'https://school.example/api/grades/';
    const api = fakeApi({ responses: { [GRADES]: raw(GRADES, '[1]', { storedAt: 1 }) } });
    const cache = await openCache(api, { version: 'v' }, fakeEnv());
    const values = [];
    const unsub = cachedStore(cache, '/api/grades/').subscribe((v) => values.push(v));
    await flush();
    api.handles[0].emit('update', raw(GRADES, '[2]', { storedAt: 2, source: 'network' }));
    assert.deepEqual(values.map((v) => [v.loading, v.source, v.data]),
      [[true, null, undefined], [false, 'cache', [1]], [false, 'network', [2]]]);
    unsub();

    const bad = [];
    const unsubBad = cachedStore(cache, '').subscribe((v) => bad.push(v));
    await flush();
    assert.ok(bad.at(-1).error instanceof TypeError);
    unsubBad();
    await cache.close();
  }));
