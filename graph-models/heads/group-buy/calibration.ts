/**
 * Post-hoc Platt scaling (Platt, "Probabilistic outputs for support vector machines", 1999)
 * on the logit of a probability: p' = σ(a·logit(p) + b), fitted on held-out launches by
 * Newton's method on the log-loss with a ridge pulling (a, b) towards the identity (1, 0),
 * so that a small validation set cannot bend the curve far. Pure numbers, no tensors.
 */

export interface PlattParams {
  a: number;
  b: number;
}

export const IDENTITY_PLATT: PlattParams = { a: 1, b: 0 };

/** Probabilities are clipped to [EPS, 1 − EPS] before the logit, so 0 and 1 stay finite. */
const EPS = 1e-6;

export const logit = (p: number): number => {
  const c = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(c / (1 - c));
};
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function applyPlatt(c: PlattParams, p: number): number {
  return sigmoid(c.a * logit(p) + c.b);
}

/**
 * Minimises Σ logloss(σ(a·z_i + b), y_i) + (ridge/2)·((a − 1)² + b²), z_i = logit(p_i).
 * The objective is convex, so Newton converges from the identity in a few steps.
 */
export function fitPlatt(probs: ArrayLike<number>, labels: ArrayLike<number>, o: { ridge?: number; iterations?: number } = {}): PlattParams {
  if (probs.length !== labels.length) throw new RangeError(`probs and labels differ in length: ${probs.length} vs ${labels.length}`);
  const ridge = o.ridge ?? 1;
  let a = 1;
  let b = 0;
  for (let it = 0; it < (o.iterations ?? 50); it++) {
    // Gradient and Hessian of the penalised log-loss in (a, b).
    let ga = ridge * (a - 1);
    let gb = ridge * b;
    let haa = ridge;
    let hab = 0;
    let hbb = ridge;
    for (let i = 0; i < probs.length; i++) {
      const z = logit(probs[i]!);
      const p = sigmoid(a * z + b);
      const r = p - labels[i]!;
      const w = p * (1 - p);
      ga += r * z;
      gb += r;
      haa += w * z * z;
      hab += w * z;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}
