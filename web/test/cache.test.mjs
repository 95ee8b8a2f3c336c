// cache.js against a fake api: openCache, get, events, onUpdate, subscribe, online re-reads, close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtagCache, openCache } from '../cache.js';
import { fakeApi, fakeEnv, flush, raw } from './fakes.mjs';

const GRADES = 'https://school.example/api/grades/';

async function open(apiOpts = {}, options = { version: 'v3', namespace: 'user-42' }, envOpts = {}) {
  const api = fakeApi(apiOpts);
  const env = fakeEnv(envOpts);
  const cache = await openCache(api, options, env);
  await flush(); // let pre-open events go
  return { api, env, cache, handle: api.handles[0] };
}

function record(cache, ...types) {
  const seen = [];
  for (const type of types) cache.addEventListener(type, (e) => seen.push([type, e.detail]));
  return seen;
}

test('openCache', async (t) => {
  await t.test('bad options reject with TypeError before api.open is called', async () => {
    const api = fakeApi();
    await assert.rejects(openCache(api, { ttl: 5 }, fakeEnv()), TypeError);
    await assert.rejects(openCache(api, null, fakeEnv()), TypeError);
    assert.equal(api.calls.length, 0);
  });
  await t.test('passes mapped options, origin and an onEvent function to api.open', async () => {
    const { api, cache } = await open({}, { version: 'v3', fetchInit: { headers: [['Authorization', 'Token t']] } });
    const [, opts] = api.calls[0];
    assert.equal(opts.version, 'v3');
    assert.equal(opts.origin, 'https://school.example');
    assert.deepEqual(opts.headers, { authorization: 'Token t' });
    assert.equal(typeof opts.onEvent, 'function');
    assert.ok(cache instanceof EtagCache);
    assert.ok(cache instanceof EventTarget);
    assert.equal(cache.storage, 'indexeddb');
  });
  await t.test('option values reach api.open unchecked: the Go side checks them', async () => {
    const { api } = await open({}, { version: 'v3', ttl: 0, maxEntries: 1.5, storage: 'localStorage', timeout: -1 });
    const [, opts] = api.calls[0];
    assert.deepEqual([opts.ttl, opts.maxEntries, opts.storage, opts.timeout], [0, 1.5, 'localStorage', -1]);
  });
  await t.test('an api.open rejection passes through unchanged and closes the channel', async () => {
    const err = Object.assign(new Error('IndexedDB unavailable'), { name: 'StorageUnavailableError' });
    const api = fakeApi({ openError: err });
    const env = fakeEnv();
    await assert.rejects(openCache(api, { version: 'v', storage: 'indexeddb' }, env), (e) => e === err);
    assert.ok(env.bus.channels.every((c) => c.closed));
  });
  await t.test('an api without open leaves a network-only cache: one warning, ready rejects', async () => {
    const cache = await openCache({}, { version: 'v' }, fakeEnv());
    const seen = record(cache, 'warning');
    await flush();
    assert.equal(cache.storage, 'none');
    await assert.rejects(cache.ready, { name: 'EtagCacheError' });
    assert.equal(seen.length, 1);
    assert.equal(seen[0][1].code, 'module-unavailable');
    assert.match(seen[0][1].message, /did not register an api/);
  });
  await t.test('a warning raised while opening reaches listeners added right after await', async () => {
    const api = fakeApi({
      storage: 'memory',
      duringOpen: (h) => h.emit('warning', { code: 'storage-fallback', message: 'IndexedDB unavailable' }),
    });
    const cache = await openCache(api, { version: 'v' }, fakeEnv());
    const seen = record(cache, 'warning');
    await flush();
    assert.deepEqual(seen, [['warning', { code: 'storage-fallback', message: 'IndexedDB unavailable' }]]);
    assert.equal(cache.storage, 'memory');
  });
  await t.test('the constructor is not public', () => {
    assert.throws(() => new EtagCache(), TypeError);
  });
});

test('get', async (t) => {
  await t.test('resolves a relative URL against the page and converts the body', async () => {
    const { api, cache } = await open({ responses: { [GRADES]: raw(GRADES, '[{"id":1,"score":90}]') } });
    const r = await cache.get('/api/grades/#frag');
    assert.deepEqual(api.calls.at(-1), ['get', GRADES, {}]);
    assert.deepEqual(r.data, [{ id: 1, score: 90 }]);
    assert.equal(r.source, 'cache');
    assert.equal(r.etag, '"v1"');
  });
  await t.test('per-request headers are normalized and passed', async () => {
    const { api, cache } = await open({ responses: { [GRADES]: raw(GRADES, '[]') } });
    await cache.get(GRADES, { headers: new Headers({ 'X-Term': '2' }) });
    assert.deepEqual(api.calls.at(-1), ['get', GRADES, { headers: { 'x-term': '2' } }]);
  });
  await t.test('bad arguments reject with TypeError and do not reach Go; the next call works', async () => {
    const { api, cache } = await open({ responses: { [GRADES]: raw(GRADES, '[]') } });
    const bad = [
      [undefined], [''], [42], [null], ['http://[::1'], ['ftp://x/'],
      [GRADES, 'nope'], [GRADES, { onUpdate: 'x' }], [GRADES, { headers: { 'a b': '1' } }],
    ];
    for (const args of bad) await assert.rejects(cache.get(...args), TypeError, JSON.stringify(args));
    assert.equal(api.count('get'), 0);
    assert.deepEqual((await cache.get(GRADES)).data, []);
  });
  await t.test('Go rejections pass through as the same Error object', async () => {
    const err = Object.assign(new Error('offline, no cached copy'), { name: 'NetworkError' });
    const { cache } = await open({ responses: { [GRADES]: err } });
    await assert.rejects(cache.get(GRADES), (e) => e === err);
  });
  await t.test('a synchronous throw from Go becomes a rejection', async () => {
    const { cache } = await open({ responses: { [GRADES]: () => { throw new Error('Go program has already exited'); } } });
    await assert.rejects(cache.get(GRADES), /already exited/);
  });
  await t.test('a malformed raw result rejects with EtagCacheError', async () => {
    const { cache } = await open({ responses: { [GRADES]: 'not an object' } });
    await assert.rejects(cache.get(GRADES), { name: 'EtagCacheError' });
  });
});

test('events', async (t) => {
  await t.test('each Go event becomes a CustomEvent with a converted detail', async () => {
    const { cache, handle } = await open();
    const seen = record(cache, 'update', 'revalidated', 'error', 'evict', 'warning');
    handle.emit('update', raw(GRADES, '{"n":2}', { source: 'network', storedAt: 5000 }));
    handle.emit('revalidated', { url: GRADES, status: 304, validatedAt: 6000 });
    handle.emit('error', { url: GRADES, kind: 'network', message: 'Failed to fetch' });
    handle.emit('evict', { url: GRADES, reason: 'ttl' });
    handle.emit('warning', { url: GRADES, code: 'etag-not-exposed', message: 'expose ETag' });
    assert.deepEqual(seen.map(([type]) => type), ['update', 'revalidated', 'error', 'evict', 'warning']);
    assert.deepEqual(seen[0][1].data, { n: 2 });
    assert.equal(seen[0][1].source, 'network');
    assert.equal('body' in seen[0][1], false);
    assert.deepEqual(seen[1][1], { url: GRADES, status: 304, validatedAt: 6000 });
    assert.deepEqual(seen[3][1], { url: GRADES, reason: 'ttl' });
  });
  await t.test('onEvent never throws back into Go on malformed input', async () => {
    const reported = [];
    const saved = globalThis.reportError;
    globalThis.reportError = (e) => reported.push(e);
    try {
      const { handle } = await open();
      const onEvent = handle.opts.onEvent;
      assert.doesNotThrow(() => onEvent('update', null));
      assert.doesNotThrow(() => onEvent('update', 'garbage'));
      assert.doesNotThrow(() => onEvent('evict', undefined));
      assert.doesNotThrow(() => onEvent(undefined, {}));
      assert.doesNotThrow(() => onEvent(42, {}));
    } finally {
      globalThis.reportError = saved;
    }
    assert.ok(reported.length >= 2, 'malformed update details are reported');
  });
  await t.test('unknown event types are dispatched as they come', async () => {
    const { cache, handle } = await open();
    const seen = record(cache, 'quota');
    handle.emit('quota', { used: 1 });
    assert.deepEqual(seen, [['quota', { used: 1 }]]);
  });
});

test('get onUpdate is called once, on the next update of that URL', async () => {
  const { cache, handle } = await open({ responses: { [GRADES]: raw(GRADES, '[1]') } });
  const calls = [];
  await cache.get('/api/grades/', { onUpdate: (fresh) => calls.push(fresh.data) });
  handle.emit('update', raw('https://school.example/api/other/', '["other"]', { storedAt: 2 }));
  handle.emit('update', raw(GRADES, '[2]', { storedAt: 3 }));
  handle.emit('update', raw(GRADES, '[3]', { storedAt: 4 }));
  assert.deepEqual(calls, [[2]]);
});

test('get onUpdate is dropped when the get rejects', async () => {
  const { cache, handle } = await open({ responses: { [GRADES]: Object.assign(new Error('x'), { name: 'TimeoutError' }) } });
  const calls = [];
  await assert.rejects(cache.get(GRADES, { onUpdate: (r) => calls.push(r) }), { name: 'TimeoutError' });
  handle.emit('update', raw(GRADES, '[2]'));
  assert.deepEqual(calls, []);
});

test('subscribe', async (t) => {
  await t.test('cached result first, then every update; off stops; no duplicates of one version', async () => {
    const { cache, handle } = await open({ responses: { [GRADES]: raw(GRADES, '[1]', { storedAt: 1 }) } });
    const got = [];
    const off = cache.subscribe('/api/grades/', (r) => got.push([r.source, r.data]));
    await flush();
    handle.emit('update', raw(GRADES, '[2]', { source: 'network', storedAt: 2 }));
    handle.emit('update', raw(GRADES, '[2]', { source: 'network', storedAt: 2 })); // same version again
    handle.emit('update', raw('https://school.example/api/x/', '[9]', { storedAt: 3 }));
    off();
    off(); // idempotent
    handle.emit('update', raw(GRADES, '[3]', { source: 'network', storedAt: 4 }));
    assert.deepEqual(got, [['cache', [1]], ['network', [2]]]);
  });
  await t.test('errors do not call fn; they go to onError (rejections and error events of the URL)', async () => {
    const { cache, handle } = await open({ responses: { [GRADES]: Object.assign(new Error('down'), { name: 'NetworkError' }) } });
    const got = [];
    const errors = [];
    cache.subscribe(GRADES, (r) => got.push(r), { onError: (e) => errors.push(e) });
    await flush();
    handle.emit('error', { url: GRADES, kind: 'http-status', status: 503, message: 'HTTP 503' });
    handle.emit('error', { url: 'https://school.example/api/x/', kind: 'network', message: 'other URL' });
    assert.deepEqual(got, []);
    assert.deepEqual(errors.map((e) => e.name), ['NetworkError', 'HttpStatusError']);
    assert.equal(errors[1].status, 503);
    assert.equal(errors[1].detail.kind, 'http-status');
  });
  await t.test('error kinds map to stable names', async () => {
    const { cache, handle } = await open({ responses: { [GRADES]: raw(GRADES, '[]') } });
    const names = [];
    cache.subscribe(GRADES, () => {}, { onError: (e) => names.push(e.name) });
    await flush();
    for (const kind of ['network', 'timeout', 'http-status', 'storage', undefined]) {
      handle.emit('error', { url: GRADES, kind, message: 'm' });
    }
    assert.deepEqual(names, ['NetworkError', 'TimeoutError', 'HttpStatusError', 'EtagCacheError', 'EtagCacheError']);
  });
  await t.test('a throwing subscriber does not stop the others', async () => {
    const saved = globalThis.reportError;
    const reported = [];
    globalThis.reportError = (e) => reported.push(e);
    try {
      const { cache, handle } = await open({ responses: { [GRADES]: raw(GRADES, '[1]') } });
      const got = [];
      cache.subscribe(GRADES, () => { throw new Error('bug'); });
      cache.subscribe(GRADES, (r) => got.push(r.data));
      await flush();
      handle.emit('update', raw(GRADES, '[2]', { storedAt: 2000 }));
      assert.deepEqual(got, [[1], [2]]);
      assert.equal(reported.length, 2);
    } finally {
      globalThis.reportError = saved;
    }
  });
  await t.test('a read that resolves after a newer update does not roll the subscriber back', async () => {
    let release;
    const slow = new Promise((resolve) => {
      release = resolve;
    });
    const { cache, handle } = await open({ responses: { [GRADES]: () => slow } });
    const got = [];
    cache.subscribe(GRADES, (r) => got.push(r.data));
    handle.emit('update', raw(GRADES, '["new"]', { storedAt: 20, source: 'network' }));
    release(raw(GRADES, '["old"]', { storedAt: 10 }));
    await flush();
    assert.deepEqual(got, [['new']]);
  });
  await t.test('a result that arrives after off() is not delivered', async () => {
    const { cache } = await open({ responses: { [GRADES]: raw(GRADES, '[1]') } });
    const got = [];
    const off = cache.subscribe(GRADES, (r) => got.push(r));
    off();
    await flush();
    assert.deepEqual(got, []);
  });
  await t.test('bad arguments throw TypeError synchronously', async () => {
    const { cache } = await open();
    assert.throws(() => cache.subscribe('', () => {}), TypeError);
    assert.throws(() => cache.subscribe(GRADES), TypeError);
    assert.throws(() => cache.subscribe(GRADES, () => {}, { onError: 1 }), TypeError);
  });
  await t.test('listeners are matched by the href JS resolved, as it is: no canonicalisation', async () => {
    const asked = 'https://school.example/api/grades/?b=2&a=1';
    const reordered = 'https://school.example/api/grades/?a=1&b=2';
    const { cache, handle } = await open({ responses: { [asked]: raw(asked, '[1]', { storedAt: 1 }) } });
    const got = [];
    const once = [];
    cache.subscribe('/api/grades/?b=2&a=1#x', (r) => got.push(r.data));
    await cache.get(asked, { onUpdate: (r) => once.push(r.data) });
    await flush();
    handle.emit('update', raw(reordered, '[9]', { storedAt: 9 }));
    handle.emit('update', raw(asked, '[2]', { storedAt: 2 }));
    assert.deepEqual(got, [[1], [2]]);
    assert.deepEqual(once, [[2]]);
  });
});

test('online event re-reads subscribed URLs only', async () => {
  let version = 1;
  const OTHER = 'https://school.example/api/other/';
  const { api, env, cache } = await open({
    responses: {
      [GRADES]: () => raw(GRADES, `[${version}]`, { storedAt: version, source: version === 1 ? 'cache' : 'network' }),
      [OTHER]: raw(OTHER, '[]'),
    },
  });
  const got = [];
  const off = cache.subscribe(GRADES, (r) => got.push(r.data));
  await cache.get(OTHER);
  await flush();
  version = 2;
  env.window.dispatchEvent(new Event('online'));
  await flush();
  assert.deepEqual(got, [[1], [2]]);
  assert.deepEqual(api.calls.filter((c) => c[0] === 'get').map((c) => c[1]), [GRADES, OTHER, GRADES]);
  env.window.dispatchEvent(new Event('online')); // same stored version: no second call of fn
  await flush();
  assert.deepEqual(got, [[1], [2]]);
  off();
  env.window.dispatchEvent(new Event('online'));
  await flush();
  assert.equal(api.count('get'), 4);
});

test('invalidate, clear, stats, entries pass through', async () => {
  const { api, cache } = await open();
  await cache.invalidate('/api/grades/');
  assert.equal(await cache.clear(), 3);
  assert.equal(await cache.clear({ all: true }), 3);
  const s = await cache.stats();
  assert.equal(s.updates, 7);
  assert.deepEqual((await cache.entries()).map((e) => e.url), ['http://x/a']);
  assert.deepEqual(api.calls.slice(1),
    [['invalidate', GRADES], ['clear', false], ['clear', true], ['stats'], ['entries']]);
  await assert.rejects(cache.invalidate(''), TypeError);
  await assert.rejects(cache.clear({ all: 'yes' }), TypeError);
  await assert.rejects(cache.clear('all'), TypeError);
});

test('close', async () => {
  const { api, env, cache, handle } = await open({ responses: { [GRADES]: raw(GRADES, '[1]') } });
  const got = [];
  cache.subscribe(GRADES, (r) => got.push(r));
  await flush();
  const seen = record(cache, 'update');
  await cache.close();
  await cache.close(); // idempotent
  assert.equal(api.count('close'), 1);
  assert.equal(cache.closed, true);
  assert.ok(env.bus.channels.every((c) => c.closed));
  env.window.dispatchEvent(new Event('online'));
  handle.emit('update', raw(GRADES, '[2]', { storedAt: 99 }));
  await flush();
  assert.equal(api.count('get'), 1, 'no re-read after close');
  assert.equal(got.length, 1);
  assert.deepEqual(seen, []);
  await assert.rejects(cache.get(GRADES), { name: 'EtagCacheError' });
  await assert.rejects(cache.stats(), { name: 'EtagCacheError' });
  await assert.rejects(cache.entries(), { name: 'EtagCacheError' });
  assert.throws(() => cache.subscribe(GRADES, () => {}), { name: 'EtagCacheError' });
});
