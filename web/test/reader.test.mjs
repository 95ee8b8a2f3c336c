// reader.js: the cached read through one readonly get and one synchronous judge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader } from '../reader.js';

const URL_A = 'https://school.example/api/grades/';
const enc = new TextEncoder();

/** A stored record as the Go store writes it (schema 2). */
function record(body, meta = {}) {
  const b = enc.encode(body);
  return {
    schema: 2, ns: '', version: 'v1', validatedAt: 2000, size: b.length, body: b.buffer,
    meta: JSON.stringify({ key: 'k1', url: URL_A, status: 200, etag: '"e"', lastModified: '', storedAt: 1000,
      headers: { 'content-type': 'application/json' }, ...meta }),
  };
}

/** A fake IDBDatabase holding records by key; `closed` makes transaction() throw as a closed connection does. */
function fakeDB(records) {
  const db = {
    closed: false,
    reads: 0,
    transaction(store, mode) {
      if (db.closed) throw new Error('InvalidStateError: The database connection is closing.');
      assert.equal(mode, 'readonly');
      return {
        objectStore: () => ({
          get(key) {
            db.reads++;
            const req = {};
            queueMicrotask(() => {
              req.result = records[key];
              req.onsuccess();
            });
            return req;
          },
        }),
      };
    },
  };
  return db;
}

function fakeHandle(db, verdict = 1) {
  const h = {
    calls: [],
    key(url) {
      h.calls.push(['key', url]);
      return url.includes('bad') ? null : 'k1';
    },
    database() {
      h.calls.push(['database']);
      return db ? { db, store: 'entries' } : null;
    },
    judge(key, rec) {
      h.calls.push(['judge', key, rec && rec.schema]);
      return typeof verdict === 'function' ? verdict() : verdict;
    },
  };
  return h;
}

test('a servable record becomes the result; key and connection are asked once', async () => {
  const db = fakeDB({ k1: record('[1,2]') });
  const h = fakeHandle(db);
  const r = new Reader(h);
  const a = await r.read(URL_A);
  const b = await r.read(URL_A);
  assert.deepEqual(a.data, [1, 2]);
  assert.equal(a.source, 'cache');
  assert.equal(a.stale, false);
  assert.equal(a.etag, '"e"');
  assert.equal(a.storedAt, 1000);
  assert.equal(a.validatedAt, 2000);
  assert.equal(a.contentType, 'application/json');
  assert.deepEqual(b.data, [1, 2]);
  assert.notEqual(a.data, b.data);
  assert.deepEqual(h.calls.filter((c) => c[0] !== 'judge'), [['key', URL_A], ['database']]);
  assert.equal(h.calls.filter((c) => c[0] === 'judge').length, 2);
});

test('verdicts: stale and revalidating are marked, a miss returns null for the general path', async () => {
  const db = fakeDB({ k1: record('"x"') });
  let v = 2;
  const r = new Reader(fakeHandle(db, () => v));
  const flags = async () => {
    const res = await r.read(URL_A);
    return res && [res.stale, res.revalidating];
  };
  assert.deepEqual(await flags(), [true, false]);
  v = 1;
  assert.deepEqual(await flags(), [false, false]);
  v = 1 | 4;
  assert.deepEqual(await flags(), [false, true]);
  v = 2 | 4;
  assert.deepEqual(await flags(), [true, true]);
  v = 0;
  assert.equal(await r.read(URL_A), null);
  v = undefined; // a released function (the Go side closed) answers undefined: not served
  assert.equal(await r.read(URL_A), null);
});

test('nothing stored, a refused URL, no database: null, without asking judge', async () => {
  const h = fakeHandle(fakeDB({}));
  const r = new Reader(h);
  assert.equal(await r.read(URL_A), null);
  assert.equal(await r.read(URL_A + 'bad'), null);
  assert.equal(h.calls.filter((c) => c[0] === 'judge').length, 0);
  assert.equal(await new Reader(fakeHandle(null)).read(URL_A), null);
});

test('a closed connection falls back once, then the reader asks for the new one', async () => {
  const db = fakeDB({ k1: record('1') });
  const h = fakeHandle(db);
  const r = new Reader(h);
  await r.read(URL_A);
  db.closed = true;
  assert.equal(await r.read(URL_A), null);
  db.closed = false;
  assert.equal((await r.read(URL_A)).data, 1);
  assert.equal(h.calls.filter((c) => c[0] === 'database').length, 2);
});

test('a handle that throws (the Go program exited) gives null, never a rejection', async () => {
  const h = fakeHandle(fakeDB({ k1: record('1') }));
  h.key = () => {
    throw new Error('Go program has already exited');
  };
  assert.equal(await new Reader(h).read(URL_A), null);
});
