// cachedStore: the Svelte store contract, SSR safety, start/stop bookkeeping, results and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedStore } from '../svelte.js';
import { openCache } from '../cache.js';
import { fakeApi, fakeEnv, flush, raw } from './fakes.mjs';

const LOADING = { data: undefined, loading: true, error: null, source: null, stale: false, storedAt: null, validatedAt: null,
  revalidating: false, pending: false };

/**
 * A cache stand-in whose subscribe is driven by the test; an EventTarget like the real one (for `revalidated`).
 * get(url, init) is recorded and answered by fc.answer(url, init) (a result, or a thrown error to reject).
 */
function fakeCache() {
  const fc = Object.assign(new EventTarget(), {
    subs: [],
    gets: [],
    answer: () => {
      throw new Error('no answer set');
    },
    subscribe(url, fn, options) {
      const sub = { url, fn, options, active: true };
      fc.subs.push(sub);
      return () => {
        sub.active = false;
      };
    },
    async get(url, init) {
      fc.gets.push([url, init]);
      return fc.answer(url, init);
    },
    active() {
      return fc.subs.filter((s) => s.active);
    },
    emit(type, detail) {
      const ev = new Event(type);
      ev.detail = detail;
      fc.dispatchEvent(ev);
    },
  });
  return fc;
}

/** A writable store of URLs, the shape of svelte/store's writable (run called at once, then on each set). */
function urlStore(initial) {
  const runs = new Set();
  let value = initial;
  return {
    subscribe(run) {
      const sub = { run };
      runs.add(sub);
      run(value);
      return () => runs.delete(sub);
    },
    set(v) {
      value = v;
      for (const sub of [...runs]) sub.run(v);
    },
    get subscribers() {
      return runs.size;
    },
  };
}

const GRADES = 'https://school.example/api/grades/';
/** A cache result as the cache hands it to subscribers. */
function result(extra = {}) {
  return { url: GRADES, data: [1], source: 'cache', stale: false, storedAt: 1000, validatedAt: 2000, ...extra };
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
      storedAt: 1000, validatedAt: 2000, revalidating: false, pending: false });
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
      storedAt: 5, validatedAt: 7, revalidating: false, pending: false });
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

test('SSR (no window): a URL store is never subscribed; refresh does nothing', async () => {
  const fc = fakeCache();
  const urls = urlStore('/api/grades/');
  const store = cachedStore(fc, urls);
  const values = [];
  const unsub = store.subscribe((v) => values.push(v));
  await store.refresh();
  await flush();
  assert.equal(urls.subscribers, 0);
  assert.deepEqual(fc.gets, []);
  assert.deepEqual(values, [LOADING]);
  unsub();
});

test('browser: revalidating from a cached read until its outcome, for this URL only', () =>
  inBrowser(async () => {
    const fc = fakeCache();
    const store = cachedStore(fc, '/api/grades/');
    const values = [];
    const unsub = store.subscribe((v) => values.push(v));
    await flush();
    const { fn, options } = fc.subs[0];

    fn(result({ stale: true }));
    assert.equal(values.at(-1).revalidating, true, 'a cached read revalidates in the background');

    fc.emit('revalidated', { url: 'https://school.example/api/other/', status: 304, validatedAt: 9000 });
    assert.equal(values.at(-1).revalidating, true, "another URL's outcome");

    const before = values.length;
    fc.emit('revalidated', { url: GRADES, status: 304, validatedAt: 9000 });
    assert.equal(values.length, before + 1);
    assert.deepEqual(values.at(-1), { data: [1], loading: false, error: null, source: 'cache', stale: false,
      storedAt: 1000, validatedAt: 9000, revalidating: false, pending: false }, 'a 304 moves validatedAt only');

    fn(result({ storedAt: 1001 }));
    assert.equal(values.at(-1).revalidating, true);
    fn(result({ data: [2], source: 'network', storedAt: 3000, validatedAt: 3000 }));
    assert.equal(values.at(-1).revalidating, false, 'an update is an outcome');

    fn(result({ storedAt: 3001 }));
    options.onError(Object.assign(new Error('offline'), { name: 'NetworkError' }));
    assert.equal(values.at(-1).revalidating, false, 'an error is an outcome');
    assert.equal(values.at(-1).error.name, 'NetworkError');
    fc.emit('revalidated', { url: GRADES, status: 304, validatedAt: 9500 });
    assert.equal(values.at(-1).error, null, 'the server answered again');

    fn(result({ storedAt: 3002, revalidating: false }));
    assert.equal(values.at(-1).revalidating, false, "a result's own revalidating is taken at its word");

    unsub();
    const listeners = values.length;
    fc.emit('revalidated', { url: GRADES, status: 304, validatedAt: 10000 });
    assert.equal(values.length, listeners, 'no event reaches a stopped store');
  }));

test('browser: pending passes through result.pending === true only', () =>
  inBrowser(async () => {
    const fc = fakeCache();
    const store = cachedStore(fc, '/x');
    const values = [];
    const unsub = store.subscribe((v) => values.push(v));
    await flush();
    fc.subs[0].fn(result({ pending: true }));
    assert.equal(values.at(-1).pending, true);
    fc.subs[0].fn(result({ pending: 'yes', storedAt: 1001 }));
    assert.equal(values.at(-1).pending, false);
    unsub();
  }));

test('browser: refresh() reads the URL again with its headers; results and errors land in the value', () =>
  inBrowser(async () => {
    const fc = fakeCache();
    const store = cachedStore(fc, '/api/grades/', { headers: { 'X-Term': '2' } });
    await store.refresh();
    assert.deepEqual(fc.gets, [], 'no subscriber: nothing to refresh');

    const values = [];
    const unsub = store.subscribe((v) => values.push(v));
    await flush();
    fc.subs[0].fn(result({ data: [2], source: 'network', storedAt: 2000 }));

    fc.answer = () => result({ data: [2], storedAt: 2000, validatedAt: 2500 });
    await store.refresh();
    assert.deepEqual(fc.gets, [['/api/grades/', { headers: { 'X-Term': '2' } }]]);
    assert.equal(values.at(-1).revalidating, true, 'the cached read revalidates');
    assert.equal(values.at(-1).validatedAt, 2500);

    fc.answer = () => result({ data: [1], storedAt: 1000 });
    const n = values.length;
    await store.refresh();
    assert.equal(values.length, n, 'a read older than the data shown is dropped');

    const err = Object.assign(new Error('offline'), { name: 'NetworkError' });
    fc.answer = () => {
      throw err;
    };
    await store.refresh(); // never rejects
    assert.equal(values.at(-1).error, err);
    assert.deepEqual(values.at(-1).data, [2], 'keeps the data');
    unsub();
  }));

test('browser: refresh() without headers passes none (the cached-read fast path)', () =>
  inBrowser(async () => {
    const fc = fakeCache();
    const store = cachedStore(fc, '/x');
    const unsub = store.subscribe(() => {});
    await flush();
    fc.answer = () => result();
    await store.refresh();
    assert.deepEqual(fc.gets, [['/x', {}]]);
    unsub();
  }));

test('browser: a URL from a store switches entries, back to loading without the old data', () =>
  inBrowser(async () => {
    const fc = fakeCache();
    const urls = urlStore('/api/students/1/');
    const store = cachedStore(fc, urls, { headers: { 'X-Term': '2' } });
    const values = [];
    const unsub = store.subscribe((v) => values.push(v));
    assert.deepEqual(values, [LOADING], 'the first URL emits no extra loading value');
    await flush();
    assert.deepEqual(fc.active().map((s) => s.url), ['/api/students/1/']);
    assert.deepEqual(fc.subs[0].options.headers, { 'X-Term': '2' });
    fc.subs[0].fn(result({ url: 'https://school.example/api/students/1/', data: 'one' }));
    assert.equal(values.at(-1).data, 'one');

    urls.set('/api/students/1/');
    assert.equal(fc.subs.length, 1, 'the same URL again changes nothing');

    urls.set('/api/students/2/');
    assert.deepEqual(fc.active().map((s) => s.url), ['/api/students/2/'], 'old URL stopped, new one read');
    assert.deepEqual(values.at(-1), LOADING, "student 1's data is not shown under student 2");

    // Late callbacks of the old URL change nothing.
    const n = values.length;
    fc.subs[0].fn(result({ url: 'https://school.example/api/students/1/', data: 'one again', storedAt: 5000 }));
    fc.subs[0].options.onError(new Error('late'));
    fc.emit('revalidated', { url: 'https://school.example/api/students/1/', status: 304, validatedAt: 1 });
    assert.equal(values.length, n);

    fc.subs[1].fn(result({ url: 'https://school.example/api/students/2/', data: 'two' }));
    assert.equal(values.at(-1).data, 'two');
    fc.emit('revalidated', { url: 'https://school.example/api/students/2/', status: 304, validatedAt: 7777 });
    assert.equal(values.at(-1).validatedAt, 7777);

    // A refresh under way when the URL changes does not land on the new URL.
    let answer;
    fc.answer = () => new Promise((r) => {
      answer = r;
    });
    const refreshing = store.refresh();
    await flush();
    urls.set(null);
    assert.equal(fc.active().length, 0, 'a null URL reads nothing');
    answer(result({ url: 'https://school.example/api/students/2/', data: 'two late', storedAt: 9000 }));
    await refreshing;
    assert.deepEqual(values.at(-1), LOADING);

    urls.set(new URL('https://school.example/api/students/3/'));
    assert.deepEqual(fc.active().map((s) => s.url), ['https://school.example/api/students/3/'], 'a URL object');
    fc.subs.at(-1).fn(result({ url: 'https://school.example/api/students/3/', data: 'three' }));

    unsub();
    assert.equal(urls.subscribers, 0, 'the URL store is unsubscribed with the last subscriber');
    assert.equal(fc.active().length, 0);

    // Started again on the same URL: the data stays while it is re-read; on another URL it goes.
    const again = [];
    const unsub2 = store.subscribe((v) => again.push(v));
    await flush();
    assert.equal(again[0].data, 'three');
    assert.equal(again.at(-1).data, 'three');
    assert.equal(fc.active().length, 1, 're-read');
    unsub2();
    urls.set('/api/students/4/');
    const other = [];
    const unsub3 = store.subscribe((v) => other.push(v));
    assert.deepEqual(other.at(-1), LOADING);
    unsub3();
  }));

test('browser: a URL store that changes before the cache resolves reads only the latest URL', () =>
  inBrowser(async () => {
    const fc = fakeCache();
    let resolve;
    const urls = urlStore('/a');
    const store = cachedStore(new Promise((r) => {
      resolve = r;
    }), urls);
    const unsub = store.subscribe(() => {});
    urls.set('/b');
    resolve(fc);
    await flush();
    assert.deepEqual(fc.subs.map((s) => s.url), ['/b']);
    unsub();
  }));

test('browser: with a real EtagCache: revalidating ends with the revalidated event, refresh re-reads', () =>
  inBrowser(async () => {
    const api = fakeApi({ responses: { [GRADES]: raw(GRADES, '[1]', { storedAt: 1, validatedAt: 2 }) } });
    const cache = await openCache(api, { version: 'v' }, fakeEnv());
    const store = cachedStore(cache, '/api/grades/');
    const values = [];
    const unsub = store.subscribe((v) => values.push(v));
    await flush();
    assert.deepEqual([values.at(-1).source, values.at(-1).revalidating], ['cache', true]);
    api.handles[0].emit('revalidated', { url: GRADES, status: 304, validatedAt: 50 });
    await flush();
    assert.deepEqual([values.at(-1).validatedAt, values.at(-1).revalidating], [50, false]);

    const reads = api.calls.filter(([m]) => m === 'get').length;
    await store.refresh();
    assert.equal(api.calls.filter(([m]) => m === 'get').length, reads + 1);
    assert.equal(values.at(-1).revalidating, true);
    unsub();
    await cache.close();
  }));
