/**
 * Game genres and their anchor points in the latent space. Every game sits near its
 * genre's centroid, and every community's taste near a mix of one or two genres, so
 * "communities play certain kinds of games" is planted, not accidental.
 */
import type { Rng } from './prng';
import { LATENT_DIM, normalizeRow } from './vectors';

export const GENRES = ['FPS', 'MOBA', 'RPG', 'BATTLE_ROYALE', 'SANDBOX', 'RACING', 'STRATEGY', 'CARD'] as const;
export type Genre = (typeof GENRES)[number];

/** Unit vectors, [GENRES.length * LATENT_DIM]. */
export function genreCentroids(rng: Rng): Float64Array {
  const out = new Float64Array(GENRES.length * LATENT_DIM);
  for (let g = 0; g < GENRES.length; g++) {
    for (let k = 0; k < LATENT_DIM; k++) out[g * LATENT_DIM + k] = rng.normal();
    normalizeRow(out, g);
  }
  return out;
}
