// Multi-tab: updates travel over a BroadcastChannel named etag-cache:<dbName>:<namespace>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { __internal } from '../etag-cache.js';
import { channelBus, fakeApi, fakeEnv, flush, raw } from './fakes.mjs';

const { createCacheWithApi } = __internal;
const GRADES = 'https://school.example/api/grades/';

async function tab(bus, options = { version: 'v3', dbName: 'school', namespace: 'user-42' }, responses = {}) {
  const api = fakeApi({ responses });
  const cache = await createCacheWithApi(api, options, fakeEnv({ bus }));
  await flush();
  return { api, cache, handle: api.handles[0] };
}

test('a local update is posted with the raw detail and the app version', async () => {
  const bus = channelBus();
  const a = await tab(bus);
  a.handle.emit('update', raw(GRADES, '[2]', { source: 'network', storedAt: 7 }));
  assert.equal(bus.posted.length, 1);
  const { name, msg } = bus.posted[0];
  assert.equal(name, 'etag-cache:school:user-42');
  assert.equal(msg.type, 'update');
  assert.equal(msg.version, 'v3');
  assert.equal(msg.detail.url, GRADES);
  assert.ok(msg.detail.body instanceof ArrayBuffer);
  assert.equal(new TextDecoder().decode(msg.detail.body), '[2]');
});

test('another tab dispatches the update and feeds subscribers without any request', async () => {
  const bus = channelBus();
  const a = await tab(bus);
  const b = await tab(bus, undefined, { [GRADES]: raw(GRADES, '[1]', { storedAt: 1 }) });
  const events = [];
  const got = [];
  const once = [];
  b.cache.addEventListener('update', (e) => events.push(e.detail));
  b.cache.subscribe('/api/grades/', (r) => got.push(r.data));
  await b.cache.get(GRADES, { onUpdate: (r) => once.push(r.data) });
  await flush();
  const getsBefore = b.api.count('get');

  a.handle.emit('update', raw(GRADES, '{"changed":true}', { source: 'network', storedAt: 2 }));
  await flush();

  assert.equal(events.length, 1);
  assert.deepEqual(events[0].data, { changed: true });
  assert.equal(events[0].source, 'network');
  assert.deepEqual(got, [[1], { changed: true }]);
  assert.deepEqual(once, [{ changed: true }]);
  assert.equal(b.api.count('get'), getsBefore, 'tab B made no request');
  assert.equal(bus.posted.length, 1, 'tab B did not re-broadcast');
});

test('messages that must be ignored', async (t) => {
  const cases = [
    ['other app version', { type: 'update', version: 'v2', detail: raw(GRADES, '[9]') }],
    ['other type', { type: 'evict', version: 'v3', detail: { url: GRADES } }],
    ['no detail', { type: 'update', version: 'v3' }],
    ['detail without url', { type: 'update', version: 'v3', detail: { body: new ArrayBuffer(0) } }],
    ['string', 'update'],
    ['null', null],
  ];
  for (const [name, msg] of cases) {
    await t.test(name, async () => {
      const bus = channelBus();
      const b = await tab(bus);
      const events = [];
      b.cache.addEventListener('update', (e) => events.push(e));
      const sender = new bus.BroadcastChannel('etag-cache:school:user-42');
      sender.postMessage(msg);
      await flush();
      assert.deepEqual(events, []);
    });
  }
});

test('other dbName or namespace use another channel', async () => {
  const bus = channelBus();
  const a = await tab(bus);
  const other = await tab(bus, { version: 'v3', dbName: 'school', namespace: 'user-7' });
  const events = [];
  other.cache.addEventListener('update', (e) => events.push(e));
  a.handle.emit('update', raw(GRADES, '[2]'));
  await flush();
  assert.deepEqual(events, []);
});

test('without BroadcastChannel the cache works locally', async () => {
  const api = fakeApi();
  const cache = await createCacheWithApi(api, { version: 'v' }, fakeEnv({ bus: null }));
  await flush();
  const events = [];
  cache.addEventListener('update', (e) => events.push(e.detail.data));
  api.handles[0].emit('update', raw(GRADES, '[1]'));
  assert.deepEqual(events, [[1]]);
  await cache.close();
});

test('a channel that fails to post turns into a warning, the update is still dispatched', async () => {
  const bus = channelBus();
  const a = await tab(bus);
  bus.channels[0].postMessage = () => {
    throw new Error('DataCloneError');
  };
  const seen = [];
  a.cache.addEventListener('update', () => seen.push('update'));
  a.cache.addEventListener('warning', (e) => seen.push(e.detail.code));
  a.handle.emit('update', raw(GRADES, '[1]'));
  assert.deepEqual(seen, ['broadcast-failed', 'update']);
});
