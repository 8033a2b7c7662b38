import { applyPlatt, sigmoid, type PlattParams } from './calibration';
import { countDistribution, tailProbability, tailWithOneMore } from './poisson-binomial';

/**
 * The trained group-buy head as plain numbers, for serving and evaluation (no tensors).
 *
 *   q_i     = σ( w2 · tanh(W1ᵀ x_i + b1) + v · x_i + b )        join probability of pending invitee i
 *   q_extra = σ( u · c_g + c )                                   "someone not yet invited will join"
 *   P(fill) = Platt( P( Σ_i Bernoulli(q_i) + Bernoulli(q_extra) ≥ need ) )
 *
 * x_i: [F] person + context columns (src/features/group-buy-features.ts FEATURE_COLUMNS),
 * c_g: [C] the context columns alone. The extra term stands for invitations still to come
 * (forwards, late invites): without it a group that fills only thanks to a later invite
 * would get probability 0 at launch. The tanh layer plus a linear skip keeps a small data
 * set from needing many hidden units (a wide-and-deep shape; Cheng et al., DLRS 2016).
 */
export interface HeadWeights {
  features: number;
  contextColumns: number;
  hidden: number;
  /** [F · H] row-major (feature f, unit h at f·H + h). */
  w1: Float32Array;
  /** [H] */
  b1: Float32Array;
  /** [H] */
  w2: Float32Array;
  /** [F] linear skip. */
  v: Float32Array;
  /** [1] */
  b: Float32Array;
  /** [C] */
  u: Float32Array;
  /** [1] */
  c: Float32Array;
}

export class GroupBuyHeadModel {
  constructor(
    readonly weights: HeadWeights,
    readonly platt: PlattParams,
  ) {}

  /** Join logits of `rows` feature rows ([rows · F] row-major). */
  joinLogits(x: ArrayLike<number>): Float64Array {
    const { features: F, hidden: H, w1, b1, w2, v, b } = this.weights;
    const n = x.length / F;
    if (!Number.isInteger(n)) throw new RangeError(`feature rows must be a multiple of ${F} values, got ${x.length}`);
    const out = new Float64Array(n);
    const h = new Float64Array(H);
    for (let r = 0; r < n; r++) {
      h.set(b1);
      let z = b[0]!;
      for (let f = 0; f < F; f++) {
        const xf = x[r * F + f]!;
        if (xf === 0) continue;
        z += xf * v[f]!;
        for (let k = 0; k < H; k++) h[k] += xf * w1[f * H + k]!;
      }
      for (let k = 0; k < H; k++) z += Math.tanh(h[k]!) * w2[k]!;
      out[r] = z;
    }
    return out;
  }

  joinProbabilities(x: ArrayLike<number>): Float64Array {
    return this.joinLogits(x).map(sigmoid);
  }

  /** q_extra from the context columns ([C]). */
  extraProbability(ctx: ArrayLike<number>): number {
    const { contextColumns: C, u, c } = this.weights;
    if (ctx.length !== C) throw new RangeError(`context has ${ctx.length} columns, the model reads ${C}`);
    let z = c[0]!;
    for (let k = 0; k < C; k++) z += ctx[k]! * u[k]!;
    return sigmoid(z);
  }

  /** Uncalibrated P(at least `need` of the pending invitees and the extra term join). */
  rawFillProbability(joinProbs: ArrayLike<number>, extra: number, need: number): number {
    if (need <= 0) return 1;
    return tailProbability([...Array.from(joinProbs), extra], need);
  }

  /** Calibrated fill probability; `need ≤ 0` (already full) is 1 whatever the model says. */
  fillProbability(joinProbs: ArrayLike<number>, extra: number, need: number): number {
    if (need <= 0) return 1;
    return applyPlatt(this.platt, this.rawFillProbability(joinProbs, extra, need));
  }

  /**
   * Calibrated fill probability if each candidate alone were invited too, computed from the
   * pending distribution once (O(k) per candidate; see tailWithOneMore).
   */
  fillProbabilityIfInvited(joinProbs: ArrayLike<number>, extra: number, need: number, candidateProbs: ArrayLike<number>): Float64Array {
    const out = new Float64Array(candidateProbs.length);
    if (need <= 0) return out.fill(1);
    const dist = countDistribution([...Array.from(joinProbs), extra], need);
    for (let i = 0; i < out.length; i++) out[i] = applyPlatt(this.platt, tailWithOneMore(dist, candidateProbs[i]!));
    return out;
  }
}
