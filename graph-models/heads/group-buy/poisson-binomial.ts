/**
 * The Poisson-binomial tail the conversion head is built on: with pending invitees joining
 * independently with probabilities q_1 … q_n, a group that needs k more participants fills
 * with P(X ≥ k), X = Σ Bernoulli(q_i). Exact dynamic programming over counts with every
 * count ≥ k folded into one absorbing state (Chen & Liu, Statistica Sinica 7, 1997):
 * O(n·k) time, O(k) memory. Pure: shared by training (the TF.js twin in join-network.ts
 * must agree with it) and serving.
 */

/**
 * dist[j] = P(X = j) for j < k, dist[k] = P(X ≥ k). k ≤ 0 gives [1] (already full).
 * Throws on a probability outside [0, 1].
 */
export function countDistribution(ps: ArrayLike<number>, k: number): Float64Array {
  const K = Math.max(0, Math.floor(k));
  const dist = new Float64Array(K + 1);
  dist[0] = 1;
  if (K === 0) return dist;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`probability #${i} is ${p}, outside [0, 1]`);
    dist[K] += dist[K - 1]! * p;
    for (let j = K - 1; j >= 1; j--) dist[j] = dist[j]! * (1 - p) + dist[j - 1]! * p;
    dist[0] *= 1 - p;
  }
  return dist;
}

/** P(at least k of the independent events happen); 1 when k ≤ 0, 0 when k > n. */
export function tailProbability(ps: ArrayLike<number>, k: number): number {
  if (k <= 0) return 1;
  if (k > ps.length) return 0;
  const d = countDistribution(ps, k);
  return Math.min(1, Math.max(0, d[d.length - 1]!));
}

/**
 * The tail after adding one more independent event with probability p, from the
 * distribution of the others (`countDistribution(others, k)`): P(X' ≥ k) = P(X ≥ k) +
 * p·P(X = k − 1). So the marginal gain of inviting someone is p·P(exactly k − 1 others
 * join): proportional to their own join probability within one group buy.
 */
export function tailWithOneMore(dist: Float64Array, p: number): number {
  const K = dist.length - 1;
  if (K === 0) return 1;
  return Math.min(1, Math.max(0, dist[K]! + p * dist[K - 1]!));
}
