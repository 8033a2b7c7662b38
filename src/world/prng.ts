/**
 * Seeded pseudo-random numbers for the synthetic world.
 *
 * The project's xoshiro128** generator (graph-models/layers/seeded-random.ts: 32-bit
 * integer operations only, so a seed yields the same stream on every engine and Node
 * version) with the distributions a world draws from. The derived floats use
 * `Math.log`/`Math.sqrt`/`Math.exp`, which V8 computes with its fdlibm port (identical
 * results since V8 5.x). Nothing here reads `Math.random`.
 *
 * Each generator stage takes its own stream (`Rng.derive(seed, 'purchases')`), so changing
 * how many numbers one stage draws never shifts another stage's output.
 */

import { SeededRandom, seedTo32 } from '../../graph-models/layers/seeded-random';

const TWO_POW_32 = 4294967296;

/** FNV-1a over the label's UTF-16 code units: a stable 32-bit hash for naming streams. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export { seedTo32 };

/** The world's generator: the project's xoshiro128** stream (SeededRandom) with the distributions a world draws from. */
export class Rng extends SeededRandom {
  /** The second value of the last polar-method pair, NaN when used up. */
  private spareNormal = NaN;

  /** An independent stream for one named stage: same (seed, label) → same stream. */
  static derive(seed: number, label: string): Rng {
    return new Rng((seedTo32(seed) ^ Math.imul(hashLabel(label), 0x9e3779b1)) >>> 0);
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number {
    return this.nextFloat();
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n); n ≥ 1. */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  intBetween(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Gaussian by Marsaglia's polar method (no trigonometry, so no libm differences). */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return mean + sd * z;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  /** exp(N(mu, sigma)). */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /**
   * Poisson(lambda). Knuth's product method below 30; above, the rounded normal
   * approximation (error < 1% in the bulk), which is all a synthetic world needs.
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
  }

  /** Uniform element of a non-empty array. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('choice() needs a non-empty array');
    return items[this.int(items.length)] as T;
  }

  /** Fisher–Yates, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /**
   * Index drawn with probability proportional to weights, given their running sums
   * (`cumulative[i]` = w0 + … + wi, last entry > 0). Binary search: O(log n).
   */
  pickCumulative(cumulative: ArrayLike<number>, from = 0, to = cumulative.length): number {
    const base = from > 0 ? cumulative[from - 1] : 0;
    const target = base + this.uniform() * (cumulative[to - 1] - base);
    let lo = from;
    let hi = to - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Index drawn with probability proportional to small non-negative weights (linear scan). */
  pickWeighted(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let target = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i];
      if (target < 0) return i;
    }
    return weights.length - 1;
  }
}

/**
 * mulberry32: a small seeded uniform generator in [0, 1) with 32 bits of state, for
 * places that need a short reproducible stream and no named sub-streams (the validation
 * hold-out of a split, group-buy snapshot instants, the benchmarks' user draws). Only
 * 32-bit integer operations touch the state: the same seed gives the same stream anywhere.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}
