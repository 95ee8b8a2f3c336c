// options.js: the shape checks of createCache options and their mapping to api.open's, header normalization and
// URL resolution. Option values (numbers, storage, an empty dbName) are the Go side's to check: they pass through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapOptions, normalizeHeaders, resolveURL } from '../options.js';

test('mapOptions maps valid options to api.open options', async (t) => {
  const cases = [
    {
      name: 'minimal: defaults for dbName and namespace, no origin',
      options: { version: 'v3' },
      origin: undefined,
      want: { version: 'v3', dbName: 'etag-cache', namespace: '' },
    },
    {
      name: 'everything',
      options: {
        version: 'v3', ttl: 1000, dbName: 'db', namespace: 'user-42', maxEntries: 5000, maxBytes: 50e6,
        storage: 'memory', minRevalidateInterval: 0, timeout: 15000, wasmURL: '/static/x.wasm',
        fetchInit: { credentials: 'include', headers: { Authorization: 'Token abc' } },
      },
      origin: 'https://school.example',
      want: {
        version: 'v3', ttl: 1000, dbName: 'db', namespace: 'user-42', maxEntries: 5000, maxBytes: 50e6,
        storage: 'memory', minRevalidateInterval: 0, timeout: 15000, headers: { authorization: 'Token abc' },
        credentials: 'include', origin: 'https://school.example',
      },
    },
    {
      name: 'opaque origin "null" is not passed',
      options: { version: 'v1' },
      origin: 'null',
      want: { version: 'v1', dbName: 'etag-cache', namespace: '' },
    },
    {
      name: 'headers as a Headers instance',
      options: { version: 'v1', fetchInit: { headers: new Headers({ 'X-A': '1', 'Accept': 'application/json' }) } },
      origin: undefined,
      want: { version: 'v1', dbName: 'etag-cache', namespace: '', headers: { 'x-a': '1', accept: 'application/json' } },
    },
    {
      name: 'values are passed through unchecked: the Go side checks them',
      options: { version: 'v1', ttl: -1, maxEntries: 1.5, maxBytes: '5', minRevalidateInterval: NaN, timeout: 0,
        storage: 'localStorage', dbName: '' },
      origin: undefined,
      want: { version: 'v1', dbName: '', namespace: '', ttl: -1, maxEntries: 1.5, maxBytes: '5',
        minRevalidateInterval: NaN, timeout: 0, storage: 'localStorage' },
    },
    {
      name: 'undefined values are left out',
      options: { version: 'v1', ttl: undefined, storage: undefined, dbName: undefined, fetchInit: {} },
      origin: undefined,
      want: { version: 'v1', dbName: 'etag-cache', namespace: '' },
    },
    {
      name: 'wasmURL and wasmExecURL are not api.open options',
      options: { version: 'v1', wasmURL: new URL('https://cdn.example/x.wasm'), wasmExecURL: '/wasm_exec.js' },
      origin: undefined,
      want: { version: 'v1', dbName: 'etag-cache', namespace: '' },
    },
    {
      name: 'unknown options are ignored',
      options: { version: 'v1', colour: 'blue' },
      origin: undefined,
      want: { version: 'v1', dbName: 'etag-cache', namespace: '' },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(mapOptions(c.options, c.origin), c.want);
    });
  }
});

test('mapOptions rejects the shapes JS checks with TypeError', async (t) => {
  const cases = [
    ['no options', undefined],
    ['null options', null],
    ['array options', [{ version: 'v1' }]],
    ['string options', 'v1'],
    ['missing version', {}],
    ['empty version', { version: '' }],
    ['number version', { version: 3 }],
    ['number dbName', { version: 'v', dbName: 1 }],
    ['number namespace', { version: 'v', namespace: 42 }],
    ['wasmURL object', { version: 'v', wasmURL: {} }],
    ['wasmExecURL number', { version: 'v', wasmExecURL: 1 }],
    ['fetchInit not an object', { version: 'v', fetchInit: 'include' }],
    ['bad credentials', { version: 'v', fetchInit: { credentials: 'yes' } }],
    ['headers as a string', { version: 'v', fetchInit: { headers: 'Authorization: x' } }],
    ['header pair of 3', { version: 'v', fetchInit: { headers: [['a', 'b', 'c']] } }],
    ['header name with space', { version: 'v', fetchInit: { headers: { 'Bad Name': 'x' } } }],
    ['header value with CRLF', { version: 'v', fetchInit: { headers: { 'X-A': 'a\r\nX-Injected: 1' } } }],
    ['header value object', { version: 'v', fetchInit: { headers: { 'X-A': { toString: () => 'a' } } } }],
    ['header value undefined', { version: 'v', fetchInit: { headers: { 'X-A': undefined } } }],
  ];
  for (const [name, options] of cases) {
    await t.test(name, () => {
      assert.throws(() => mapOptions(options, undefined), TypeError);
    });
  }
});

test('normalizeHeaders', async (t) => {
  const cases = [
    ['undefined', undefined, undefined],
    ['object, names lower-cased, values trimmed', { 'X-Token': ' a ' }, { 'x-token': 'a' }],
    ['pairs with duplicates joined', [['Accept', 'a'], ['accept', 'b']], { accept: 'a, b' }],
    ['numbers become strings', { 'X-Count': 3 }, { 'x-count': '3' }],
    ['Headers instance', new Headers([['X-A', '1']]), { 'x-a': '1' }],
    ['empty object', {}, {}],
  ];
  for (const [name, input, want] of cases) {
    await t.test(name, () => assert.deepEqual(normalizeHeaders(input, 'h'), want));
  }
  await t.test('Latin-1 values pass; others are a TypeError, not a NetworkError from fetch later', () => {
    assert.deepEqual(normalizeHeaders({ 'X-Name': 'Zoë' }, 'h'), { 'x-name': 'Zoë' });
    assert.throws(() => normalizeHeaders({ 'X-Name': 'محمد' }, 'h'), { name: 'TypeError', message: /Latin-1/ });
    assert.throws(() => normalizeHeaders([['X-Name', 'a😀']], 'h'), TypeError);
  });
});

test('resolveURL resolves against the page and drops the fragment', async (t) => {
  const base = 'https://school.example/app/grades?tab=1#top';
  const cases = [
    ['absolute path', '/api/grades/', 'https://school.example/api/grades/'],
    ['relative path', 'students/', 'https://school.example/app/students/'],
    ['query kept', '/api/grades/?page=2', 'https://school.example/api/grades/?page=2'],
    ['query order kept: no canonicalisation', '/api/grades/?b=2&a=1', 'https://school.example/api/grades/?b=2&a=1'],
    ['fragment dropped', '/api/grades/#x', 'https://school.example/api/grades/'],
    ['absolute URL', 'https://api.example/v1/x', 'https://api.example/v1/x'],
    ['URL object', new URL('https://api.example/y'), 'https://api.example/y'],
  ];
  for (const [name, input, want] of cases) {
    await t.test(name, () => assert.equal(resolveURL(input, base), want));
  }
  const bad = [
    ['undefined', undefined, base],
    ['empty', '', base],
    ['blank', '   ', base],
    ['number', 42, base],
    ['object', { href: '/x' }, base],
    ['relative without a base', '/api/grades/', undefined],
    ['unparseable', 'http://[::1', base],
    ['non-http scheme', 'javascript:alert(1)', base],
    ['data URL', 'data:text/plain,hi', base],
  ];
  for (const [name, input, b] of bad) {
    await t.test(`rejects ${name}`, () => assert.throws(() => resolveURL(input, b), TypeError));
  }
});
