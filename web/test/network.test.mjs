// network.js: gets served with fetch while the module is not there; responses kept for the Go side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from '../network.js';

const URL_A = 'https://school.example/api/grades/';

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

const json = (obj, status = 200, headers = {}) => Promise.resolve(new Response(JSON.stringify(obj), {
  status, headers: { 'Content-Type': 'application/json', ETag: '"e1"', ...headers },
}));

test('concurrent gets of one URL share one request; each caller gets its own result', async () => {
  let resolve;
  const gate = new Promise((r) => {
    resolve = r;
  });
  await withFetch(() => gate.then(() => json([1, 2])), async (calls) => {
    const idle = [];
    const net = new Network({ headers: { authorization: 'Token t' }, credentials: 'include' }, 0, () => idle.push(1));
    const a = net.get(URL_A);
    const b = net.get(URL_A);
    const c = net.get(URL_A, { 'x-term': '2' }); // other headers: another request
    resolve();
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[0].init.headers, { authorization: 'Token t' });
    assert.equal(calls[0].init.credentials, 'include');
    assert.equal(calls[0].init.cache, 'no-cache');
    assert.deepEqual(calls[1].init.headers, { authorization: 'Token t', 'x-term': '2' });
    assert.deepEqual(ra.data, [1, 2]);
    assert.notEqual(ra.data, rb.data, 'each caller decodes its own copy');
    assert.equal(ra.source, 'network');
    assert.equal(ra.etag, '"e1"');
    assert.equal(ra.url, URL_A);
    assert.equal(rc.status, 200);
    assert.equal(idle.length, 1, 'idle once, when the last request in flight settled');
  });
});

test('failures reject with stable names', async (t) => {
  await t.test('fetch failing is NetworkError', () => withFetch(() => Promise.reject(new TypeError('Failed to fetch')),
    async () => {
      await assert.rejects(new Network().get(URL_A), { name: 'NetworkError' });
    }));
  await t.test('a non-2xx status is HttpStatusError with status, and is not kept', () => withFetch(
    () => json({ detail: 'no' }, 503), async () => {
      const net = new Network();
      await assert.rejects(net.get(URL_A), { name: 'HttpStatusError', status: 503 });
      const kept = [];
      net.handOver((r) => kept.push(r));
      assert.deepEqual(kept, []);
    }));
  await t.test('the deadline is TimeoutError', () => withFetch((url, init) => new Promise((_, reject) => {
    const alive = setInterval(() => {}, 5); // AbortSignal.timeout's timer does not keep node's event loop alive
    init.signal.addEventListener('abort', () => {
      clearInterval(alive);
      reject(init.signal.reason);
    });
  }), async () => {
    await assert.rejects(new Network({}, 20).get(URL_A), { name: 'TimeoutError' });
  }));
});

test('responses are kept for the Go side, handed over oldest first, then as they come', async () => {
  await withFetch((url) => json({ url }), async () => {
    const net = new Network();
    await net.get(URL_A);
    await net.get(URL_A + '?p=2');
    const kept = [];
    net.handOver((r) => kept.push(r));
    assert.deepEqual(kept.map((r) => r.url), [URL_A, URL_A + '?p=2']);
    assert.equal(kept[0].status, 200);
    assert.equal(kept[0].headers.etag, '"e1"');
    assert.ok(kept[0].body instanceof ArrayBuffer);
    assert.equal(typeof kept[0].receivedAt, 'number');
    await net.get(URL_A + '?p=3');
    assert.equal(kept.length, 3);
    net.drop();
    await net.get(URL_A + '?p=4');
    assert.equal(kept.length, 3, 'dropped: nothing is kept any more');
  });
});
