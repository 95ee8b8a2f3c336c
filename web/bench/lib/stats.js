// Summary statistics of the bench: medians, p95 (nearest rank) and ratios taken pair by pair.

/** Sorted copy of the finite numbers in xs. */
function sorted(xs) {
  return xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
}

/** Nearest-rank percentile p (0..100) of xs; NaN when empty. */
export function percentile(xs, p) {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

/** Median of xs (mean of the two middle values for even n); NaN when empty. */
export function median(xs) {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** {median, p95, n} of xs. */
export function summary(xs) {
  return { median: median(xs), p95: percentile(xs, 95), n: sorted(xs).length };
}

/** Ratios a[i] / b[i] of samples taken in the same round; pairs with a missing or zero side are dropped. */
export function pairedRatios(a, b) {
  const out = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && b[i] > 0) out.push(a[i] / b[i]);
  }
  return out;
}

/** Median of the paired ratios a[i] / b[i]. */
export function pairedRatio(a, b) {
  return median(pairedRatios(a, b));
}
