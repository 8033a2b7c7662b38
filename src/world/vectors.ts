/**
 * The hidden latent space shared by users, games and items: `LATENT_DIM`-dimensional
 * vectors stored row-major in one `Float64Array` ([count * LATENT_DIM]) so 100k users
 * cost one allocation, not 100k arrays.
 */
import type { Rng } from './prng';

export const LATENT_DIM = 8;

/** ⟨a[ai..], b[bi..]⟩ over LATENT_DIM components; `ai`/`bi` are row indices, not offsets. */
export function dotRows(a: Float64Array, ai: number, b: Float64Array, bi: number): number {
  const ao = ai * LATENT_DIM;
  const bo = bi * LATENT_DIM;
  let s = 0;
  for (let k = 0; k < LATENT_DIM; k++) s += (a[ao + k]) * (b[bo + k]);
  return s;
}

/** Scales row `i` to unit length (a zero row stays zero). */
export function normalizeRow(a: Float64Array, i: number): void {
  const o = i * LATENT_DIM;
  let s = 0;
  for (let k = 0; k < LATENT_DIM; k++) s += (a[o + k]) ** 2;
  const n = Math.sqrt(s);
  if (n === 0) return;
  for (let k = 0; k < LATENT_DIM; k++) a[o + k] = (a[o + k]) / n;
}

/**
 * out[oi] = Σ weight_j · src_j[row_j] + N(0, noiseSd²) per component: a point near a
 * weighted mix of existing rows (how tastes sit near their community, items near their game).
 */
export function mixRow(
  rng: Rng,
  out: Float64Array,
  oi: number,
  parts: ReadonlyArray<{ src: Float64Array; row: number; weight: number }>,
  noiseSd: number,
): void {
  const o = oi * LATENT_DIM;
  for (let k = 0; k < LATENT_DIM; k++) {
    let v = noiseSd > 0 ? rng.normal(0, noiseSd) : 0;
    for (const p of parts) v += p.weight * (p.src[p.row * LATENT_DIM + k]);
    out[o + k] = v;
  }
}

/** Row `i` as a plain array rounded to `digits` decimals (for the truth file). */
export function rowToArray(a: Float64Array, i: number, digits = 5): number[] {
  const out: number[] = [];
  for (let k = 0; k < LATENT_DIM; k++) out.push(round(a[i * LATENT_DIM + k], digits));
  return out;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
