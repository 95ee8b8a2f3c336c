import { test } from 'node:test';
import assert from 'node:assert/strict';
import { report } from './report.js';

// A visit as pages/cold.js reports it: data at `data` ms, the given resources.
const visit = (data, source = 'network', resources = []) => ({ marks: { data }, source, resources });

test('targets: the first visit on slow 3G and the floor module', () => {
  const wasm = { path: '/dist/etag-cache.wasm', end: 20000, transfer: 800300, encoded: 800000, decoded: 3800000 };
  const probe = { path: '/dist/etag-cache.wasm', end: 900, transfer: 0, encoded: 0, decoded: 0 }; // only-if-cached
  const { md, targets } = report({
    transfer: {
      module: { raw: 4000, gzip: 1100, brotli: 1000 },
      floorModule: { raw: 3000, gzip: 900, brotli: 960, run: { ms: 80, value: { n: 42 } } },
      wire: { 'ours.fetch': { bytes: 1, requests: 1, status: [200] }, 'ours.revalidate': { bytes: 164, requests: 1, status: [304] },
        'peer.fetch': { bytes: 1, requests: 1, status: [200] }, 'peer.revalidate': { bytes: 164, requests: 1, status: [304] } },
    },
    firstvisit: {
      size: 102400, net: { latency: 400, kbps: 400 },
      visits: {
        ours: [visit(3300, 'network', [probe, wasm]), visit(4000), visit(3500)],
        peer: [visit(4000), visit(4000), visit(4000)],
        plain: [visit(3000), visit(3000), visit(3000)],
      },
    },
  });
  const byFigure = Object.fromEntries(targets.map((t) => [t.figure, t]));
  const fv = byFigure['first visit on slow 3G, time to first data: ours ÷ plain fetch'];
  assert.equal(fv.value, 3500 / 3000, 'median of per-round ratios');
  assert.equal(fv.ok, true);
  const mod = byFigure['module brotli ÷ floor module brotli'];
  assert.equal(mod.value, 1000 / 960);
  assert.equal(mod.ok, true);
  assert.match(md, /400 ms RTT, 400 kbit\/s/);
  assert.match(md, /the module downloaded 20000\.0 \(781\.3 KB on the wire/, 'the download, not the empty probe');
  assert.doesNotMatch(md, /not served compressed/);
});

test('targets: warm reads, cold start and memory use the new bounds', () => {
  const rounds = (x, n = 5) => Array(n).fill(x);
  const { targets } = report({
    warm: {
      isolated: true,
      sizes: {
        1024: { samples: { ours: rounds(0.7), floor: rounds(0.5), floorObject: rounds(0.5), peer: rounds(1) } },
        102400: { samples: { ours: rounds(1.3), floor: rounds(1), floorObject: rounds(1), peer: rounds(2) } },
        1048576: { samples: { ours: rounds(9), floor: rounds(10), floorObject: rounds(10), peer: rounds(10) } },
      },
    },
    cold: {
      cpu1: { ours: rounds(visit(130, 'cache')), peer: rounds(visit(100, 'cache')) },
      cpu4: { ours: rounds(visit(500, 'cache')), peer: rounds(visit(300, 'cache')) },
    },
    memory: {
      ours: { nFew: 10, nMany: 1000, few: { jsHeapUsed: 100, wasmMemory: 100 }, many: { jsHeapUsed: 105, wasmMemory: 120 } },
    },
  });
  const got = targets.map((t) => [t.figure, t.want, t.ok]);
  assert.deepEqual(got, [
    ['warm read 1 KB: ours ÷ Dexie peer', '≤ 0.8', true],
    ['warm read 1 KB: ours ÷ raw IndexedDB', '≤ 1.8', true],
    ['warm read 100 KB: ours ÷ Dexie peer', '≤ 0.7', true],
    ['warm read 100 KB: ours ÷ raw IndexedDB', '≤ 1.2', false],
    ['warm read 1 MB: ours ÷ raw IndexedDB', '≤ 1.0', true],
    ['cold start (CPU 1×): ours ÷ Dexie peer', '≤ 1.3', true],
    ['cold start (CPU 4×): ours ÷ Dexie peer', '≤ 1.3', false],
    ['memory after 1000 reads ÷ after 10: JS heap', '≤ 1.1', true],
    ['memory after 1000 reads ÷ after 10: wasm linear memory', '≤ 1.1', false],
  ]);
});
