/**
 * The squad head as plain numbers: standardisation, a linear term and a small ReLU layer
 * over the (squad, item) features of src/features/squad-features.ts, giving one score per
 * pair (a logit: higher = the squad more likely buys it together). Pure TypeScript (no
 * TF.js): the serving ranker scores candidates without a tensor runtime; fit.ts trains the
 * same function in TF.js and a models-tier test pins the two forward passes together.
 *
 *   x̂ = (x − μ) / σ                                 x: [F]
 *   s = wLinᵀ x̂ + w2ᵀ ReLU(W1ᵀ x̂ + b1)              wLin: [F], W1: [F, H] row-major, b1, w2: [H]
 *
 * The linear term alone is a learnt version of squadScore's "mean − λ·spread"; the hidden
 * layer (H = 0 switches it off) lets taste and social proof interact (an item many friends
 * bought matters more when the squad also likes it). Only score differences within a squad
 * matter (the objective is a softmax over a squad's candidates), so there is no bias.
 */
export const SQUAD_HEAD_FORMAT = 'giftgraph/squad-head';
export const SQUAD_HEAD_FORMAT_VERSION = 1;

/** Which purchases count as the squad buying an item (see dataset.ts `windowLabels`). */
export type SquadLabelKind = 'together' | 'any';

export interface SquadHeadWeights {
  readonly format: typeof SQUAD_HEAD_FORMAT;
  readonly formatVersion: number;
  /** Column names the model was trained on, in order (SQUAD_FEATURES at training time). */
  readonly features: readonly string[];
  readonly featureSchemaVersion: number;
  /** [F] standardisation; a column constant in training has σ = 1 and zero weights. */
  readonly mean: number[];
  readonly std: number[];
  readonly hidden: number;
  /** [F] linear weights. */
  readonly wLin: number[];
  /** [F·H] row-major W1[f·H + j]; [H] b1; [H] w2. Empty when hidden = 0. */
  readonly w1: number[];
  readonly b1: number[];
  readonly w2: number[];
  /** The encoder whose embeddings the cosine columns were computed with (`sage/<version>`). */
  readonly encoder: string;
  readonly labels: SquadLabelKind;
}

/** Scores for each row of `x` ([n·F] row-major). */
export function squadHeadScores(m: SquadHeadWeights, x: ArrayLike<number>, n: number, out: Float32Array | Float64Array = new Float64Array(n), outOffset = 0): Float32Array | Float64Array {
  const f = m.features.length;
  const h = m.hidden;
  if (x.length < n * f) throw new RangeError(`x holds ${x.length} values, need ${n}·${f}`);
  const xs = new Float64Array(f);
  const hid = new Float64Array(h);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let k = 0; k < f; k++) {
      xs[k] = (x[r * f + k]! - m.mean[k]!) / m.std[k]!;
      s += xs[k]! * m.wLin[k]!;
    }
    if (h > 0) {
      for (let j = 0; j < h; j++) hid[j] = m.b1[j]!;
      for (let k = 0; k < f; k++) {
        const v = xs[k]!;
        if (v === 0) continue;
        const base = k * h;
        for (let j = 0; j < h; j++) hid[j]! += v * m.w1[base + j]!;
      }
      for (let j = 0; j < h; j++) if (hid[j]! > 0) s += hid[j]! * m.w2[j]!;
    }
    out[outOffset + r] = s;
  }
  return out;
}

/** Parses and checks a weights file's content; throws naming what is wrong. */
export function parseSquadHeadWeights(raw: unknown, where: string): SquadHeadWeights {
  const o = raw as Partial<SquadHeadWeights> | null;
  const bad = (why: string): never => {
    throw new Error(`${where} is not a squad head: ${why}`);
  };
  if (!o || typeof o !== 'object') return bad('not an object');
  if (o.format !== SQUAD_HEAD_FORMAT) return bad(`format is ${JSON.stringify(o.format)}`);
  if (o.formatVersion !== SQUAD_HEAD_FORMAT_VERSION) return bad(`formatVersion ${String(o.formatVersion)} is not ${SQUAD_HEAD_FORMAT_VERSION}`);
  const f = o.features?.length ?? 0;
  const h = o.hidden;
  if (f === 0) return bad('no features');
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 0) return bad(`hidden must be a non-negative integer; got ${String(h)}`);
  const len = (name: keyof SquadHeadWeights, n: number) => {
    const a = o[name];
    if (!Array.isArray(a) || a.length !== n || a.some((v) => typeof v !== 'number' || !Number.isFinite(v))) bad(`${name} must be ${n} finite numbers`);
  };
  len('mean', f);
  len('std', f);
  len('wLin', f);
  len('w1', f * h);
  len('b1', h);
  len('w2', h);
  if ((o.std as number[]).some((s) => !(s > 0))) bad('std must be positive');
  if (o.labels !== 'together' && o.labels !== 'any') bad(`labels must be "together" or "any"; got ${JSON.stringify(o.labels)}`);
  return o as SquadHeadWeights;
}
