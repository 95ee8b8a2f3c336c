import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, pairedRatio, summary } from './stats.js';

test('median', () => {
  for (const [name, xs, want] of [
    ['odd', [3, 1, 2], 2],
    ['even', [4, 1, 3, 2], 2.5],
    ['one', [7], 7],
    ['ignores NaN', [1, NaN, 3], 2],
  ]) assert.equal(median(xs), want, name);
  assert.ok(Number.isNaN(median([])), 'empty');
});

test('percentile is nearest rank', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 95), 95);
  assert.equal(percentile(xs, 100), 100);
  assert.equal(percentile([5], 95), 5);
  assert.equal(percentile([1, 2], 95), 2);
});

test('pairedRatio pairs by index', () => {
  // medians 2 and 2 would give 1; paired ratios are 2, 0.5, 2 -> median 2.
  assert.equal(pairedRatio([2, 1, 4], [1, 2, 2]), 2);
  assert.equal(pairedRatio([1, 1], [0, 2]), 0.5, 'drops a zero denominator');
  assert.ok(Number.isNaN(pairedRatio([], [])));
});

test('summary', () => {
  assert.deepEqual(summary([3, 1, 2]), { median: 2, p95: 3, n: 3 });
});
