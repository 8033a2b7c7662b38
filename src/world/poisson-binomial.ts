/**
 * Tail of the Poisson-binomial distribution: P(X ≥ k) for X = Σ Bernoulli(p_i), independent.
 * Exact by dynamic programming over counts, with every count ≥ k folded into one absorbing
 * state: O(n · k) time, O(k) memory (Chen & Liu, "Statistical applications of the
 * Poisson-binomial and conditional Bernoulli distributions", Statistica Sinica 7, 1997).
 */
export function poissonBinomialTail(ps: ArrayLike<number>, k: number): number {
  if (k <= 0) return 1;
  if (k > ps.length) return 0;
  // dist[j] = P(count == j) for j < k; dist[k] = P(count ≥ k).
  const dist = new Float64Array(k + 1);
  dist[0] = 1;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    dist[k] += dist[k - 1] * p;
    for (let j = k - 1; j >= 1; j--) dist[j] = dist[j] * (1 - p) + dist[j - 1] * p;
    dist[0] *= 1 - p;
  }
  return Math.min(1, Math.max(0, dist[k]));
}
