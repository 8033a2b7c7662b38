import { Rng } from '../../src/world/prng';
import { csrFromPairs, nnz, type Csr } from './interactions';

export interface ValidationSplit {
  /** The remaining train pairs, to fit on. */
  train: Csr;
  /** The held-out pairs, to select epochs / hyper-parameters on. Never the test split. */
  validation: Csr;
}

/**
 * Holds out round(fraction · nnz) train pairs, drawn uniformly over ALL pairs with a seeded
 * shuffle (xoshiro128**, src/world/prng.ts): the same global random scheme as the lastfm
 * 80/20 split, so validation mirrors test. Users may end up with no validation pairs (then
 * they are not validation users) or, rarely, with no train pairs left (then they are
 * cold-start users in validation, as some are in test). Same (train, fraction, seed) →
 * same split on every machine.
 */
export function splitValidation(train: Csr, fraction: number, seed: number): ValidationSplit {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`fraction must be in (0, 1), got ${String(fraction)}`);
  const total = nnz(train);
  const users = new Int32Array(total);
  for (let u = 0; u < train.numUsers; u++) users.fill(u, train.offsets[u], train.offsets[u + 1]);
  // Partial Fisher–Yates: the first `held` slots of `order` become a uniform sample.
  const order = Int32Array.from({ length: total }, (_, k) => k);
  const held = Math.round(fraction * total);
  const rng = Rng.derive(seed, 'validation-split');
  for (let k = 0; k < held; k++) {
    const j = k + rng.int(total - k);
    const t = order[k];
    order[k] = order[j];
    order[j] = t;
  }
  const isHeld = new Uint8Array(total);
  for (let k = 0; k < held; k++) isHeld[order[k]] = 1;
  const pick = (want: number) => {
    const n = want === 1 ? held : total - held;
    const us = new Int32Array(n);
    const is = new Int32Array(n);
    let w = 0;
    for (let k = 0; k < total; k++) {
      if (isHeld[k] !== want) continue;
      us[w] = users[k];
      is[w++] = train.items[k];
    }
    return csrFromPairs(train.numUsers, train.numItems, us, is);
  };
  return { train: pick(0), validation: pick(1) };
}
