// Refresh modes and abort of get (issue 11): what the JS face checks, hands to the Go side, and does itself before
// the module has arrived (network.js) or on the cached-read path (reader.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openCache } from '../cache.js';
import { abortError } from '../errors.js';
import { Network } from '../network.js';
import { Reader } from '../reader.js';
import { fakeApi, fakeEnv, flush, raw } from './fakes.mjs';

const GRADES = 'https://school.example/api/grades/';

async function open(apiOpts = {}) {
  const api = fakeApi(apiOpts);
  const cache = await openCache(api, { version: 'v3' }, fakeEnv());
  await flush();
  return { api, cache };
}

/** Replaces globalThis.fetch with fn for the duration of body; records the calls. */
async function withFetch(fn, body) {
  const saved = globalThis.fetch;
  const calls = [];
  globalThis.fetch = (url, init) => {
    calls.push({ url, init });
    return fn(url, init);
  };
  try {
    await body(calls);
  } finally {
    globalThis.fetch = saved;
  }
}

const ok = () => Promise.resolve(new Response('{"a":1}', { headers: { 'Content-Type': 'application/json' } }));

/** A fetch that settles only when released, or rejects with AbortError when its signal aborts. */
function heldFetch() {
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  const fn = (url, init) => new Promise((resolve, reject) => {
    init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    gate.then(() => resolve(ok()));
  });
  return { fn, release };
}

test('get hands the mode and the signal to the Go side only when given', async () => {
  const { api, cache } = await open({ responses: { [GRADES]: raw(GRADES, '[]') } });
  await cache.get(GRADES);
  await cache.get(GRADES, { cache: 'default' });
  const c = new AbortController();
  await cache.get(GRADES, { cache: 'no-cache', signal: c.signal });
  await cache.get(GRADES, { cache: 'only-if-cached', signal: null });
  const inits = api.calls.filter((x) => x[0] === 'get').map((x) => x[2]);
  assert.deepEqual(inits[0], {}, 'the default read: what it always was');
  assert.deepEqual(inits[1], {});
  assert.deepEqual(Object.keys(inits[2]).sort(), ['cache', 'signal']);
  assert.equal(inits[2].cache, 'no-cache');
  assert.equal(inits[2].signal, c.signal);
  assert.deepEqual(inits[3], { cache: 'only-if-cached' });
});

test('bad modes and signals are TypeErrors, before anything is read', async () => {
  const { api, cache } = await open({ responses: { [GRADES]: raw(GRADES, '[]') } });
  for (const init of [{ cache: 'no-store' }, { cache: 'DEFAULT' }, { cache: 1 }, { cache: null }, { signal: 'x' },
    { signal: {} }, { signal: { aborted: 'no', addEventListener() {}, removeEventListener() {} } }]) {
    await assert.rejects(cache.get(GRADES, init), TypeError, JSON.stringify(init));
  }
  assert.equal(api.count('get'), 0);
});

test('an aborted signal rejects at once with its AbortError reason, nothing asked', async () => {
  const { api, cache } = await open({ responses: { [GRADES]: raw(GRADES, '[]') } });
  const c = new AbortController();
  c.abort();
  await assert.rejects(cache.get(GRADES, { signal: c.signal }), (e) => e === c.signal.reason && e.name === 'AbortError');
  const d = new AbortController();
  d.abort('user left');
  await assert.rejects(cache.get(GRADES, { signal: d.signal }), (e) => e.name === 'AbortError' && e.cause === 'user left');
  await assert.rejects(cache.get(GRADES, { signal: AbortSignal.abort(new DOMException('t', 'TimeoutError')) }),
    { name: 'AbortError' }, 'a reason of another name is not what get rejects with');
  assert.equal(api.count('get'), 0);
});

test('abortError', () => {
  const reason = new DOMException('x', 'AbortError');
  assert.equal(abortError({ reason }), reason);
  const err = abortError({ reason: new Error('nope') });
  assert.equal(err.name, 'AbortError');
  assert.ok(err instanceof DOMException);
  assert.equal(abortError(undefined).name, 'AbortError');
});

test('a get aborted while the Go side answers rejects with AbortError, whatever the Go side says', async () => {
  for (const answer of ['resolve', 'reject']) {
    let settle;
    const { cache } = await open({
      responses: {
        [GRADES]: () => new Promise((resolve, reject) => {
          settle = () => (answer === 'resolve' ? resolve(raw(GRADES, '[]')) : reject(Object.assign(new Error('x'), { name: 'NetworkError' })));
        }),
      },
    });
    const c = new AbortController();
    const p = cache.get(GRADES, { signal: c.signal });
    await flush();
    c.abort();
    settle();
    await assert.rejects(p, { name: 'AbortError' }, answer);
  }
});

test('before the module: only-if-cached rejects NotCachedError without a request', async () => {
  await withFetch(ok, async (calls) => {
    const cache = await openCache(new Promise(() => {}), { version: 'v3' }, fakeEnv(),
      { local: false, start: () => {}, notes: [] });
    await assert.rejects(cache.get(GRADES, { cache: 'only-if-cached' }), { name: 'NotCachedError' });
    assert.equal(calls.length, 0);
    const r = await cache.get(GRADES, { cache: 'reload' });
    assert.equal(r.source, 'network');
    assert.equal(calls[0].init.cache, 'reload', "the browser's HTTP cache adds no validators");
    await cache.get(GRADES, { cache: 'force-cache' });
    assert.equal(calls[1].init.cache, 'no-cache', 'other modes fetch as the default does');
    await cache.close();
  });
});

test('network: an abort leaves a shared request to the other waiter; the last one aborts it', async () => {
  const held = heldFetch();
  await withFetch(held.fn, async (calls) => {
    const net = new Network();
    const a = new AbortController();
    const pa = net.get(GRADES, undefined, { signal: a.signal });
    const pb = net.get(GRADES);
    a.abort();
    await assert.rejects(pa, { name: 'AbortError' });
    assert.equal(calls[0].init.signal.aborted, false, 'b still waits for it');
    held.release();
    assert.deepEqual((await pb).data, { a: 1 });
    assert.equal(calls.length, 1);
  });

  const held2 = heldFetch();
  await withFetch(held2.fn, async (calls) => {
    const net = new Network();
    const a = new AbortController();
    const b = new AbortController();
    const pa = net.get(GRADES, undefined, { signal: a.signal });
    const pb = net.get(GRADES, undefined, { signal: b.signal });
    a.abort();
    b.abort();
    await assert.rejects(pa, { name: 'AbortError' });
    await assert.rejects(pb, { name: 'AbortError' });
    assert.equal(calls[0].init.signal.aborted, true, 'nobody waits: the request is aborted');
    held2.release();
    const pc = net.get(GRADES);
    assert.equal(calls.length, 2, 'a later get does not share the aborted request');
    await pc;
  });
});

test('network: reload is a request of its own, with cache: reload', async () => {
  const held = heldFetch();
  await withFetch(held.fn, async (calls) => {
    const net = new Network();
    const pa = net.get(GRADES);
    const pb = net.get(GRADES, undefined, { reload: true });
    held.release();
    await Promise.all([pa, pb]);
    assert.deepEqual(calls.map((c) => c.init.cache), ['no-cache', 'reload']);
  });
});

test('reader: the default read calls judge with two arguments, the cached modes with the mode', async () => {
  const enc = new TextEncoder();
  const b = enc.encode('[]');
  const rec = { schema: 2, validatedAt: 2, body: b.buffer, meta: JSON.stringify({ url: GRADES, status: 200, etag: '',
    lastModified: '', storedAt: 1, headers: { 'content-type': 'application/json' } }) };
  const db = { transaction: () => ({ objectStore: () => ({ get() {
    const req = {};
    queueMicrotask(() => {
      req.result = rec;
      req.onsuccess();
    });
    return req;
  } }) }) };
  const judged = [];
  const handle = { key: () => 'k', database: () => ({ db, store: 'entries' }), judge: (...args) => {
    judged.push(args.slice(2));
    return 2;
  } };
  const reader = new Reader(handle);
  assert.equal((await reader.read(GRADES)).stale, true);
  await reader.read(GRADES, 'force-cache');
  await reader.read(GRADES, 'only-if-cached');
  assert.deepEqual(judged, [[], ['force-cache'], ['only-if-cached']]);
});
