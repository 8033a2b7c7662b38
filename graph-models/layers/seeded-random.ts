/**
 * The project's one seeded generator: xoshiro128** (Blackman & Vigna, 2018) seeded through
 * splitmix32. Only 32-bit integer operations touch the state, so a seed gives the same
 * stream on every engine. Never reads `Math.random`. The samplers and trainers use it
 * as is; the synthetic world's `Rng` (src/world/prng.ts) extends it with the
 * distributions a world needs.
 */

const TWO_POW_32 = 4294967296;

/** Folds any safe integer (negative or above 2^32) into 32 bits; the identity on 0 … 2^32 − 1. Rejects non-integers. */
export function seedTo32(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${String(seed)}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
}

export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed`: any safe integer; equal seeds give equal streams. */
  constructor(seed: number) {
    let s = seedTo32(seed) | 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // xoshiro's one forbidden state
  }

  /** Uniform integer in `0 … 2^32 - 1`. */
  nextU32(): number {
    const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform integer in `0 … n - 1` without modulo bias (rejection); `1 ≤ n ≤ 2^32`. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`n must be an integer in 1 … 2^32, got ${String(n)}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextU32() / TWO_POW_32;
  }
}
