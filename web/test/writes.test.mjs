// Unit tests of how mutate's bodies and answers cross to and from the Go side (body.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertDetail, convertWriteResult, encodeWriteBody } from '../body.js';

const text = (buf) => new TextDecoder().decode(buf);

test('encodeWriteBody: objects and arrays as JSON, strings and bytes as they are, nothing for null', async () => {
  let r = await encodeWriteBody({ score: 88, name: 'علی' });
  assert.equal(r.contentType, 'application/json');
  assert.deepEqual(JSON.parse(text(r.body)), { score: 88, name: 'علی' });
  r = await encodeWriteBody([1, 2]);
  assert.equal(text(r.body), '[1,2]');
  r = await encodeWriteBody('a=1');
  assert.equal(r.contentType, 'text/plain;charset=UTF-8');
  assert.equal(text(r.body), 'a=1');
  const bytes = new Uint8Array([1, 2, 3]);
  r = await encodeWriteBody(bytes.subarray(1));
  assert.deepEqual([...new Uint8Array(r.body)], [2, 3]);
  assert.equal(r.contentType, undefined);
  r = await encodeWriteBody(new Blob(['x'], { type: 'text/csv' }));
  assert.equal(r.contentType, 'text/csv');
  assert.equal(text(r.body), 'x');
  assert.deepEqual(await encodeWriteBody(null), { body: undefined, contentType: undefined });
  await assert.rejects(encodeWriteBody(42), TypeError);
  await assert.rejects(encodeWriteBody(new Map()), TypeError);
});

test('convertWriteResult: a sent write decodes its body by content type; a queued one is its id', () => {
  const body = new TextEncoder().encode('{"score":88}').buffer;
  assert.deepEqual(convertWriteResult({ queued: false, id: 'k', status: 200, etag: '"e"',
    headers: { 'content-type': 'application/json' }, body }),
  { queued: false, id: 'k', status: 200, data: { score: 88 }, etag: '"e"', headers: { 'content-type': 'application/json' } });
  assert.deepEqual(convertWriteResult({ queued: true, id: 'q', url: 'x' }), { queued: true, id: 'q' });
  assert.throws(() => convertWriteResult(null), { name: 'EtagCacheError' });
});

test("convertDetail: a conflict's current copy becomes a result", () => {
  const body = new TextEncoder().encode('{"score":42}').buffer;
  const d = convertDetail('conflict', { id: 'k', url: 'u', method: 'PUT', current: { url: 'u', status: 200,
    contentType: 'application/json', headers: {}, body, source: 'network' } });
  assert.equal(d.current.data.score, 42);
  assert.equal(convertDetail('conflict', { id: 'k', current: null }).current, null);
});
