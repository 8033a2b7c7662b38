/**
 * The gift-recipient head as plain numbers: standardisation, a one-hidden-layer MLP and a
 * complementary log-log output with a log-window offset. Pure TypeScript (no TF.js), so the
 * serving ranker scores a sender's friends without loading a tensor runtime; fit.ts trains
 * the same function in TF.js and a models-tier test pins the two forward passes together.
 *
 *   x̂ = (x − μ) / σ                               x: [F]   (src/features/gift-features.ts)
 *   h = ReLU(W1ᵀ x̂ + b1)                          W1: [F, H] row-major, b1: [H]
 *   η = w2 · h + b2                                the log of the daily gifting rate
 *   P(gift in (t, t + W days]) = 1 − exp(−W · e^η) = 1 − exp(−exp(η + ln W))
 *
 * Why cloglog with an offset rather than a plain sigmoid: gifting is a point process (the
 * synthetic world draws it as Poisson rates per day, gift-model.ts), so the probability of
 * at least one gift in W days is 1 − exp(−∫λ). With ln W as an offset the head answers for
 * any horizon, and training may mix windows of different lengths (the cut points closest to
 * the split have shorter windows, see dataset.ts) without the probability scale drifting
 * (the standard discrete-time survival / Poisson GLM link; McCullagh & Nelder 1989, §4.3).
 * It is still a Bernoulli likelihood: training minimises binary cross-entropy.
 */
export const GIFT_HEAD_FORMAT = 'giftgraph/gift-recipient-head';
export const GIFT_HEAD_FORMAT_VERSION = 1;

export interface GiftHeadWeights {
  readonly format: typeof GIFT_HEAD_FORMAT;
  readonly formatVersion: number;
  /** Column names the model was trained on, in order (GIFT_FEATURES at training time). */
  readonly features: readonly string[];
  readonly featureSchemaVersion: number;
  /** [F] standardisation; a column constant in training has σ = 1 and a zero W1 row (it contributes nothing). */
  readonly mean: number[];
  readonly std: number[];
  readonly hidden: number;
  /** [F·H] row-major: W1[f·H + j]. */
  readonly w1: number[];
  readonly b1: number[];
  readonly w2: number[];
  readonly b2: number;
  /** First UTC day of the training data's interaction log (feature context), null = complete. */
  readonly interactionLogStart: number | null;
  /** The horizon the head was evaluated at (days); callers may ask another. */
  readonly windowDays: number;
}

/** Clamp on η + ln W: beyond ±20 the probability is 0 or 1 to float precision. */
const Z_CLAMP = 20;

/** The log of the daily rate η for each row of `x` ([n·F] row-major). */
export function logRate(m: GiftHeadWeights, x: Float32Array, n: number): Float64Array {
  const f = m.features.length;
  const h = m.hidden;
  if (x.length < n * f) throw new RangeError(`x holds ${x.length} values, need ${n}·${f}`);
  const out = new Float64Array(n);
  const xs = new Float64Array(f);
  const hid = new Float64Array(h);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < f; k++) xs[k] = (x[r * f + k]! - m.mean[k]!) / m.std[k]!;
    hid.fill(0);
    for (let k = 0; k < f; k++) {
      const v = xs[k]!;
      if (v === 0) continue;
      const base = k * h;
      for (let j = 0; j < h; j++) hid[j]! += v * m.w1[base + j]!;
    }
    let eta = m.b2;
    for (let j = 0; j < h; j++) {
      const a = hid[j]! + m.b1[j]!;
      if (a > 0) eta += a * m.w2[j]!;
    }
    out[r] = eta;
  }
  return out;
}

/** P(gift in the next `windowDays`) per row; in (0, 1). */
export function predictProbabilities(m: GiftHeadWeights, x: Float32Array, n: number, windowDays: number): Float64Array {
  const eta = logRate(m, x, n);
  const lw = Math.log(windowDays);
  for (let i = 0; i < n; i++) {
    const z = Math.max(-Z_CLAMP, Math.min(Z_CLAMP, eta[i]! + lw));
    eta[i] = -Math.expm1(-Math.exp(z));
  }
  return eta;
}

/** Parses and checks a weights file's content; throws naming what is wrong. */
export function parseGiftHeadWeights(raw: unknown, where: string): GiftHeadWeights {
  const o = raw as Partial<GiftHeadWeights> | null;
  const bad = (why: string): never => {
    throw new Error(`${where} is not a gift-recipient head: ${why}`);
  };
  if (!o || typeof o !== 'object') return bad('not an object');
  if (o.format !== GIFT_HEAD_FORMAT) return bad(`format is ${JSON.stringify(o.format)}`);
  if (o.formatVersion !== GIFT_HEAD_FORMAT_VERSION) return bad(`formatVersion ${String(o.formatVersion)} is not ${GIFT_HEAD_FORMAT_VERSION}`);
  const f = o.features?.length ?? 0;
  const h = o.hidden ?? 0;
  if (f === 0 || !(h > 0)) return bad('no features or no hidden units');
  const len = (name: keyof GiftHeadWeights, n: number) => {
    const a = o[name];
    if (!Array.isArray(a) || a.length !== n || a.some((v) => typeof v !== 'number' || !Number.isFinite(v))) bad(`${name} must be ${n} finite numbers`);
  };
  len('mean', f);
  len('std', f);
  len('w1', f * h);
  len('b1', h);
  len('w2', h);
  if (typeof o.b2 !== 'number' || !Number.isFinite(o.b2)) bad('b2 must be a finite number');
  return o as GiftHeadWeights;
}
