// cache.js against a fake api: connectivity (cache.online, `online` / `offline` events, the hint handed to the Go
// side), re-reads when the page becomes visible again (revalidateOnFocus), and invalidate refreshing subscribers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openCache } from '../cache.js';
import { fakeApi, fakeEnv, flush, raw } from './fakes.mjs';

const GRADES = 'https://school.example/api/grades/';
const OTHER = 'https://school.example/api/other/';

async function open(apiOpts = {}, options = { version: 'v3' }, envOpts = {}) {
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

const networkError = () => Object.assign(new Error('offline'), { name: 'NetworkError' });

test('cache.online starts as navigator.onLine, and the Go side is told on attach', async () => {
  const off = await open({}, undefined, { navigator: { onLine: false } });
  assert.equal(off.cache.online, false);
  assert.deepEqual(off.handle.online, [false]);
  const on = await open({}, undefined, { navigator: { onLine: true } });
  assert.equal(on.cache.online, true);
  assert.deepEqual(on.handle.online, [true]);
  const unknown = await open({}, undefined, { withWindow: false });
  assert.equal(unknown.cache.online, true, 'no navigator: assumed online');
});

test('the window\'s offline and online events: the state, one event per change, and the hint for Go', async () => {
  const { env, cache, handle } = await open();
  const seen = record(cache, 'online', 'offline');
  env.window.dispatchEvent(new Event('offline'));
  env.window.dispatchEvent(new Event('offline'));
  await flush();
  assert.equal(cache.online, false);
  assert.deepEqual(seen, [['offline', { cause: 'browser' }]], 'an event only on a change');
  env.window.dispatchEvent(new Event('online'));
  await flush();
  assert.equal(cache.online, true);
  assert.deepEqual(seen.slice(1), [['online', { cause: 'browser' }]]);
  assert.deepEqual(handle.online, [true, false, false, true], 'every browser event reaches the Go side');
});

test('a network error says offline even while navigator says online; a server answer says online', async () => {
  const { cache, handle } = await open({ responses: { [GRADES]: raw(GRADES, '[1]', { source: 'network' }) } });
  const seen = record(cache, 'online', 'offline', 'error');
  handle.emit('error', { url: GRADES, kind: 'timeout', message: 'slow', retrying: true });
  handle.emit('error', { url: GRADES, kind: 'http-status', status: 503, message: '503', retrying: true });
  await flush();
  assert.equal(cache.online, true, 'a timeout or an HTTP status is no proof of being offline');
  seen.length = 0;

  handle.emit('error', { url: GRADES, kind: 'network', message: 'Failed to fetch', retrying: true });
  await flush();
  assert.equal(cache.online, false);
  assert.deepEqual(seen.map(([t]) => t), ['offline', 'error'], 'the banner first, then the error');
  assert.deepEqual(seen[0][1], { cause: 'request' });
  assert.equal(seen[1][1].retrying, true, 'retrying reaches listeners');
  assert.deepEqual(handle.online, [true], 'a failed fetch is not the browser\'s word: retries are not held');

  handle.emit('revalidated', { url: GRADES, status: 304, validatedAt: 5 });
  await flush();
  assert.equal(cache.online, true);
  assert.deepEqual(seen.slice(2), [['online', { cause: 'request' }]]);

  handle.emit('error', { url: GRADES, kind: 'network', message: 'Failed to fetch', retrying: false });
  handle.emit('update', raw(GRADES, '[2]', { storedAt: 9, source: 'network' }));
  await flush();
  assert.equal(cache.online, true, 'an update is an answer from the server');
});

test('gets: a NetworkError rejection says offline, a network result online, a cached one nothing', async () => {
  let answer = networkError();
  const { cache } = await open({ responses: { [GRADES]: () => answer } });
  const seen = record(cache, 'online', 'offline');
  await assert.rejects(cache.get(GRADES), { name: 'NetworkError' });
  assert.equal(cache.online, false);
  answer = raw(GRADES, '[1]', { source: 'cache' });
  await cache.get(GRADES);
  assert.equal(cache.online, false, 'a cached copy says nothing about the network');
  answer = raw(GRADES, '[1]', { source: 'network' });
  await cache.get(GRADES);
  assert.equal(cache.online, true);
  answer = Object.assign(new Error('slow'), { name: 'TimeoutError' });
  await assert.rejects(cache.get(GRADES), { name: 'TimeoutError' });
  assert.equal(cache.online, true);
  await flush();
  assert.deepEqual(seen, [['offline', { cause: 'request' }], ['online', { cause: 'request' }]]);
});

test('another tab\'s update does not change this tab\'s connectivity', async () => {
  const env = fakeEnv();
  const apiA = fakeApi();
  const apiB = fakeApi();
  const a = await openCache(apiA, { version: 'v3' }, env);
  const b = await openCache(apiB, { version: 'v3' }, fakeEnv({ bus: env.bus }));
  await flush();
  const seen = record(b, 'online', 'offline', 'update');
  apiB.handles[0].emit('error', { url: GRADES, kind: 'network', message: 'Failed to fetch', retrying: true });
  apiA.handles[0].emit('update', raw(GRADES, '[2]', { storedAt: 9, source: 'network' }));
  await flush();
  assert.deepEqual(seen.map(([t]) => t), ['offline', 'update'], 'the update arrives, relayed');
  assert.equal(b.online, false, 'another tab reaching its server says nothing of this one');
  assert.equal(a.online, true);
  await a.close();
  await b.close();
});

test('visibilitychange to visible re-reads subscribed URLs; hidden does nothing', async () => {
  let version = 1;
  const { api, env, cache } = await open({
    responses: {
      [GRADES]: () => raw(GRADES, `[${version}]`, { storedAt: version }),
      [OTHER]: raw(OTHER, '[]'),
    },
  });
  const got = [];
  const off = cache.subscribe(GRADES, (r) => got.push(r.data));
  await cache.get(OTHER);
  await flush();
  const gets = () => api.calls.filter((c) => c[0] === 'get').map((c) => c[1]);
  assert.deepEqual(gets(), [GRADES, OTHER]);

  env.document.visibilityState = 'hidden';
  env.document.dispatchEvent(new Event('visibilitychange'));
  await flush();
  assert.deepEqual(gets(), [GRADES, OTHER], 'hiding the page reads nothing');

  version = 2;
  env.document.visibilityState = 'visible';
  env.document.dispatchEvent(new Event('visibilitychange'));
  await flush();
  assert.deepEqual(gets(), [GRADES, OTHER, GRADES], 'only the subscribed URL is read again');
  assert.deepEqual(got, [[1], [2]]);

  off();
  env.document.dispatchEvent(new Event('visibilitychange'));
  await flush();
  assert.equal(api.count('get'), 3);
});

test('revalidateOnFocus: false leaves visibility alone; online re-reads stay', async () => {
  const { api, env, cache } = await open({ responses: { [GRADES]: raw(GRADES, '[1]') } },
    { version: 'v3', revalidateOnFocus: false });
  cache.subscribe(GRADES, () => {});
  await flush();
  env.document.dispatchEvent(new Event('visibilitychange'));
  await flush();
  assert.equal(api.count('get'), 1);
  env.window.dispatchEvent(new Event('online'));
  await flush();
  assert.equal(api.count('get'), 2);
});

test('revalidateOnFocus must be a boolean', async () => {
  for (const bad of ['yes', 1, null, {}]) {
    const api = fakeApi();
    await assert.rejects(openCache(api, { version: 'v', revalidateOnFocus: bad }, fakeEnv()), TypeError);
    assert.equal(api.calls.length, 0);
  }
  const { api } = await open({}, { version: 'v', revalidateOnFocus: true });
  assert.equal('revalidateOnFocus' in api.calls[0][1], false, 'the option stays in JS');
});

test('invalidate of a subscribed URL reads it again: subscribers get the fresh result', async () => {
  let version = 1;
  const { api, cache } = await open({
    responses: {
      [GRADES]: () => raw(GRADES, `[${version}]`, { storedAt: version, source: version === 1 ? 'cache' : 'network' }),
      [OTHER]: raw(OTHER, '[]'),
    },
  });
  const got = [];
  const errors = [];
  cache.subscribe(GRADES, (r) => got.push(r.data), { onError: (e) => errors.push(e.name) });
  cache.subscribe(GRADES, (r) => got.push(['second', r.data]));
  await flush();
  version = 2;
  await cache.invalidate('/api/grades/');
  await flush();
  assert.deepEqual(got, [[1], ['second', [1]], [2], ['second', [2]]]);
  assert.deepEqual(api.calls.filter((c) => c[0] === 'invalidate' || c[0] === 'get').map((c) => c[0]),
    ['get', 'get', 'invalidate', 'get', 'get']);

  await cache.invalidate(OTHER);
  await flush();
  assert.equal(api.count('get'), 4, 'a URL without subscribers is not fetched');
  assert.deepEqual(errors, []);
});

test('invalidate while offline: the subscriber keeps its data and hears the failure', async () => {
  let answer = raw(GRADES, '[1]');
  const { cache } = await open({ responses: { [GRADES]: () => answer } });
  const got = [];
  const errors = [];
  cache.subscribe(GRADES, (r) => got.push(r.data), { onError: (e) => errors.push(e.name) });
  await flush();
  answer = networkError();
  await cache.invalidate(GRADES);
  await flush();
  assert.deepEqual(got, [[1]]);
  assert.deepEqual(errors, ['NetworkError']);
  assert.equal(cache.online, false);
});

test('close stops the connectivity and visibility listeners', async () => {
  const { api, env, cache, handle } = await open({ responses: { [GRADES]: raw(GRADES, '[1]') } });
  cache.subscribe(GRADES, () => {});
  await flush();
  const seen = record(cache, 'online', 'offline');
  await cache.close();
  env.window.dispatchEvent(new Event('offline'));
  env.document.dispatchEvent(new Event('visibilitychange'));
  await flush();
  assert.deepEqual(seen, []);
  assert.equal(cache.online, true);
  assert.deepEqual(handle.online, [true], 'the Go side is not called after close');
  assert.equal(api.count('get'), 1);
});
