// body.js: turning bodies, raw results and event details from the Go side into user-facing values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertBody, convertDetail, convertResult, mediaType } from '../body.js';
import { enc, raw } from './fakes.mjs';

function buf(s) {
  return enc.encode(s).buffer;
}

test('convertBody by content type', async (t) => {
  const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]).buffer; // "café" in ISO-8859-1
  const cases = [
    ['application/json', buf('{"a":[1,2]}'), 'application/json', { data: { a: [1, 2] } }],
    ['json with charset param', buf('[1]'), 'application/json; charset=utf-8', { data: [1] }],
    ['upper-case media type', buf('true'), 'Application/JSON', { data: true }],
    ['+json suffix', buf('{"detail":"x"}'), 'application/problem+json', { data: { detail: 'x' } }],
    ['vnd +json', buf('1'), 'application/vnd.api+json', { data: 1 }],
    ['text/json', buf('"s"'), 'text/json', { data: 's' }],
    ['json with BOM', buf('\uFEFF{"b":1}'), 'application/json', { data: { b: 1 } }],
    ['empty json body is null', buf(''), 'application/json', { data: null }],
    ['text/plain', buf('héllo'), 'text/plain; charset=utf-8', { data: 'héllo' }],
    ['text/html', buf('<p>x</p>'), 'text/html', { data: '<p>x</p>' }],
    ['text with latin1 charset', latin1, 'text/plain; charset=iso-8859-1', { data: 'café' }],
    ['text with unknown charset falls back to utf-8', buf('ok'), 'text/plain; charset=klingon', { data: 'ok' }],
    ['string body (defensive)', 'plain', 'text/plain', { data: 'plain' }],
    ['missing body, text', undefined, 'text/plain', { data: '' }],
  ];
  for (const [name, body, ct, want] of cases) {
    await t.test(name, () => assert.deepEqual(convertBody(body, ct), want));
  }
});

test('convertBody keeps binary as ArrayBuffer', async (t) => {
  await t.test('ArrayBuffer passes through as the same object', () => {
    const b = new Uint8Array([1, 2, 3]).buffer;
    assert.equal(convertBody(b, 'application/octet-stream').data, b);
  });
  await t.test('no content type is binary', () => {
    const b = new Uint8Array([9]).buffer;
    assert.equal(convertBody(b, '').data, b);
  });
  await t.test('a view over part of a buffer becomes exactly its bytes', () => {
    const whole = new Uint8Array([0, 1, 2, 3, 4, 5]);
    const view = new Uint8Array(whole.buffer, 2, 3);
    const { data } = convertBody(view, 'image/png');
    assert.ok(data instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(data)], [2, 3, 4]);
  });
  await t.test('non-string content type is binary', () => {
    const b = new Uint8Array([7]).buffer;
    assert.equal(convertBody(b, 42).data, b);
  });
});

test('convertBody: JSON that does not parse yields the text and parseError, no throw', async (t) => {
  const cases = [
    ['truncated', '{"a":', 'application/json'],
    ['html error page labelled json', '<html>502</html>', 'application/json'],
    ['trailing garbage', '[1]x', 'application/hal+json'],
  ];
  for (const [name, text, ct] of cases) {
    await t.test(name, () => {
      const r = convertBody(buf(text), ct);
      assert.equal(r.data, text);
      assert.ok(r.parseError instanceof SyntaxError);
    });
  }
});

test('convertResult builds the user-facing result', async (t) => {
  await t.test('full raw result', () => {
    const r = convertResult(raw('https://s.example/api/grades/', '[{"id":1}]', {
      etag: 'W/"x"', lastModified: 'Tue, 01 Jul 2025 10:00:00 GMT', source: 'network', stale: true,
    }));
    assert.deepEqual(r, {
      url: 'https://s.example/api/grades/',
      data: [{ id: 1 }],
      status: 200,
      etag: 'W/"x"',
      lastModified: 'Tue, 01 Jul 2025 10:00:00 GMT',
      source: 'network',
      storedAt: 1000,
      validatedAt: 2000,
      stale: true,
      revalidating: false,
      pending: false,
      contentType: 'application/json',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal('body' in r, false);
  });
  await t.test('empty validators become null, junk fields get safe values', () => {
    const r = convertResult({ url: 5, status: 'x', etag: '', lastModified: 7, source: 'weird', storedAt: NaN,
      validatedAt: null, contentType: null, headers: 'x', stale: 'yes', body: new ArrayBuffer(0) });
    assert.equal(r.url, '');
    assert.equal(r.status, 0);
    assert.equal(r.etag, null);
    assert.equal(r.lastModified, null);
    assert.equal(r.source, 'network');
    assert.equal(r.storedAt, 0);
    assert.equal(r.validatedAt, 0);
    assert.equal(r.stale, false);
    assert.deepEqual(r.headers, {});
    assert.ok(r.data instanceof ArrayBuffer);
  });
  await t.test('parseError is carried on the result', () => {
    const r = convertResult(raw('https://s.example/a', 'nope'));
    assert.equal(r.data, 'nope');
    assert.ok(r.parseError instanceof SyntaxError);
  });
  await t.test('data already converted by Go passes through', () => {
    const r = convertResult({ url: 'https://s.example/a', data: { pre: true }, contentType: 'application/json' });
    assert.deepEqual(r.data, { pre: true });
  });
  for (const [name, bad] of [['null', null], ['string', 'x'], ['array', []], ['undefined', undefined]]) {
    await t.test(`malformed raw (${name}) -> EtagCacheError`, () => {
      assert.throws(() => convertResult(bad), { name: 'EtagCacheError' });
    });
  }
});

test('mediaType', async (t) => {
  const cases = [
    ['plain', 'application/json', { type: 'application/json', charset: '' }],
    ['charset, spaces and case', ' Text/HTML ; Charset="ISO-8859-1"', { type: 'text/html', charset: 'ISO-8859-1' }],
    ['other parameters', 'text/plain; format=flowed; charset=utf-8', { type: 'text/plain', charset: 'utf-8' }],
    ['not a string', undefined, { type: '', charset: '' }],
  ];
  for (const [name, ct, want] of cases) {
    await t.test(name, () => assert.deepEqual(mediaType(ct), want));
  }
});

test('convertDetail', async (t) => {
  await t.test('update details become results', () => {
    const d = convertDetail('update', raw('https://s.example/a', '[1]'));
    assert.deepEqual(d.data, [1]);
    assert.equal('body' in d, false);
  });
  await t.test('other details are copied', () => {
    const detail = { url: 'https://s.example/a', reason: 'ttl' };
    const d = convertDetail('evict', detail);
    assert.deepEqual(d, detail);
    assert.notEqual(d, detail);
  });
  await t.test('a detail that is not an object becomes {}', () => {
    assert.deepEqual(convertDetail('warning', 'x'), {});
    assert.deepEqual(convertDetail('revalidated', null), {});
  });
  await t.test('a malformed update throws EtagCacheError', () => {
    assert.throws(() => convertDetail('update', null), { name: 'EtagCacheError' });
  });
});
