import { auc } from './classification-metrics';
import { SeededRandom } from '../layers/seeded-random';

/**
 * AUC of user–user links (who gifts whom) from embeddings: each held-out pair (s, r) is a
 * positive scored z_s·z_r; its negative is z_s·z_f for a friend f of s drawn uniformly
 * among s's other candidates (the hard negative: a friend who was not gifted). Pairs whose
 * sender has no other candidate are skipped.
 */
export function linkAuc(o: {
  userEmb: Float32Array;
  dim: number;
  pairs: { src: Int32Array; dst: Int32Array };
  candidates: (src: number) => ArrayLike<number>;
  seed: number;
}): { auc: number | null; pairs: number } {
  const rng = new SeededRandom(o.seed);
  const dot = (a: number, b: number) => {
    let s = 0;
    for (let k = 0; k < o.dim; k++) s += o.userEmb[a * o.dim + k]! * o.userEmb[b * o.dim + k]!;
    return s;
  };
  const pos: number[] = [];
  const neg: number[] = [];
  for (let k = 0; k < o.pairs.src.length; k++) {
    const s = o.pairs.src[k]!;
    const r = o.pairs.dst[k]!;
    const cands = Array.from(o.candidates(s)).filter((c) => c !== r && c !== s);
    if (cands.length === 0) continue;
    pos.push(dot(s, r));
    neg.push(dot(s, cands[rng.nextInt(cands.length)]!));
  }
  return { auc: pos.length ? auc(pos, neg) : null, pairs: pos.length };
}
