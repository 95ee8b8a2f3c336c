// Multi-tab (tabs.js through cache.js's openCache): updates travel over a BroadcastChannel named
// 'etag-cache:' + JSON.stringify([dbName, namespace]), in messages that carry version, dbName and namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openCache } from '../cache.js';
import { channelBus, fakeApi, fakeEnv, flush, raw } from './fakes.mjs';

const GRADES = 'https://school.example/api/grades/';
const CHANNEL = 'etag-cache:["school","user-42"]';

async function tab(bus, options = { version: 'v3', dbName: 'school', namespace: 'user-42' }, responses = {}) {
  const api = fakeApi({ responses });
  const cache = await openCache(api, options, fakeEnv({ bus }));
  await flush();
  return { api, cache, handle: api.handles[0] };
}

test('a local update is posted with the raw detail, the app version, dbName and namespace', async () => {
  const bus = channelBus();
  const a = await tab(bus);
  a.handle.emit('update', raw(GRADES, '[2]', { source: 'network', storedAt: 7 }));
  assert.equal(bus.posted.length, 1);
  const { name, msg } = bus.posted[0];
  assert.equal(name, CHANNEL);
  assert.equal(msg.type, 'update');
  assert.equal(msg.version, 'v3');
  assert.equal(msg.dbName, 'school');
  assert.equal(msg.namespace, 'user-42');
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

test('a result fetched for a URL a tab had not stored reaches the subscribers of the other tabs, not their events',
  async () => {
    const bus = channelBus();
    const fresh = raw(GRADES, '["fetched by A"]', { source: 'network', storedAt: 9 });
    const a = await tab(bus, undefined, { [GRADES]: fresh });
    const b = await tab(bus, undefined, { [GRADES]: raw(GRADES, '["old"]', { storedAt: 1 }) });
    const got = [];
    const events = [];
    b.cache.addEventListener('update', (e) => events.push(e.detail));
    b.cache.subscribe(GRADES, (r) => got.push(r.data));
    await flush();
    const r = await a.cache.get(GRADES); // a miss in tab A: fetched, no update event anywhere
    assert.equal(r.source, 'network');
    await flush();
    assert.deepEqual(bus.posted.map((p) => p.msg.type), ['fetched']);
    assert.deepEqual(got, [['old'], ['fetched by A']]);
    assert.deepEqual(events, [], 'no update event: tab B learns of it as a subscriber does');
  });

test('messages that must be ignored', async (t) => {
  const scope = { version: 'v3', dbName: 'school', namespace: 'user-42' };
  const cases = [
    ['other app version', { type: 'update', ...scope, version: 'v2', detail: raw(GRADES, '[9]') }],
    ['other namespace', { type: 'update', ...scope, namespace: 'user-7', detail: raw(GRADES, '[9]') }],
    ['other dbName', { type: 'update', ...scope, dbName: 'other', detail: raw(GRADES, '[9]') }],
    ['no dbName or namespace (an older tab)', { type: 'update', version: 'v3', detail: raw(GRADES, '[9]') }],
    ['other type', { type: 'evict', ...scope, detail: { url: GRADES } }],
    ['no detail', { type: 'update', ...scope }],
    ['detail without url', { type: 'update', ...scope, detail: { body: new ArrayBuffer(0) } }],
    ['string', 'update'],
    ['null', null],
  ];
  for (const [name, msg] of cases) {
    await t.test(name, async () => {
      const bus = channelBus();
      const b = await tab(bus);
      const events = [];
      b.cache.addEventListener('update', (e) => events.push(e));
      const sender = new bus.BroadcastChannel(CHANNEL);
      sender.postMessage(msg);
      await flush();
      assert.deepEqual(events, []);
    });
  }
  await t.test('(the same message with the right scope is accepted)', async () => {
    const bus = channelBus();
    const b = await tab(bus);
    const events = [];
    b.cache.addEventListener('update', (e) => events.push(e.detail.data));
    new bus.BroadcastChannel(CHANNEL).postMessage({ type: 'update', ...scope, detail: raw(GRADES, '[9]') });
    await flush();
    assert.deepEqual(events, [[9]]);
  });
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

test('(dbName, namespace) pairs that join to the same string do not share a channel or messages', async () => {
  // Both pairs were 'etag-cache:app:u:1' when the name joined them with ':': one user received the other's data.
  const bus = channelBus();
  const a = await tab(bus, { version: 'v3', dbName: 'app', namespace: 'u:1' });
  const b = await tab(bus, { version: 'v3', dbName: 'app:u', namespace: '1' });
  const [nameA, nameB] = bus.channels.map((c) => c.name);
  assert.notEqual(nameA, nameB);
  const events = [];
  b.cache.addEventListener('update', (e) => events.push(e.detail.data));
  a.handle.emit('update', raw(GRADES, '["for u:1 only"]'));
  await flush();
  assert.equal(bus.posted.length, 1);
  assert.equal(bus.posted[0].name, nameA);
  // A's message delivered on B's channel anyway (as the old shared name did) is refused: its scope is not B's.
  new bus.BroadcastChannel(nameB).postMessage(bus.posted[0].msg);
  await flush();
  assert.deepEqual(events, []);
});

test('without BroadcastChannel the cache works locally', async () => {
  const api = fakeApi();
  const cache = await openCache(api, { version: 'v' }, fakeEnv({ bus: null }));
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
