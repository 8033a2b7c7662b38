import type { GroupBuyFacts } from '../../../src/graph/queries/group-buy-signals';
import { baselineInviteScore, fillLabel, stateAt } from '../../../src/features/group-buy-features';
import { auc, calibration, type CalibrationBin } from '../../evaluation/classification-metrics';
import { launchInstant, snapshots } from './dataset';
import { IDENTITY_PLATT } from './calibration';
import { GroupBuyHeadModel } from './head-model';
import { scoreAt } from './scoring';

/** AUC (ranking), Brier and 10-bin ECE (probability quality) of one predictor on one set. */
export interface ProbabilityMetrics {
  n: number;
  positives: number;
  auc: number;
  brier: number;
  ece: number;
  bins: CalibrationBin[];
}

export function probabilityMetrics(probs: ArrayLike<number>, labels: ArrayLike<number>): ProbabilityMetrics {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? pos : neg).push(probs[i]!);
  const cal = calibration(probs, labels, 10);
  return { n: labels.length, positives: pos.length, auc: auc(pos, neg), brier: cal.brier, ece: cal.ece, bins: cal.bins };
}

/** Σ_b (n_b/N)·|mean reference_b − mean prob_b| over 10 equal-width bins of `probs`. */
export function eceAgainst(probs: ArrayLike<number>, reference: ArrayLike<number>, bins = 10): number {
  const n = new Float64Array(bins);
  const sp = new Float64Array(bins);
  const sr = new Float64Array(bins);
  for (let i = 0; i < probs.length; i++) {
    const b = Math.min(bins - 1, Math.floor(probs[i]! * bins));
    n[b]++;
    sp[b] += probs[i]!;
    sr[b] += reference[i]!;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (n[b] > 0) ece += Math.abs(sr[b]! - sp[b]!) / probs.length;
  return probs.length > 0 ? ece : NaN;
}

/**
 * The baseline: the item's fill rate over the training launches, shrunk towards the global
 * training fill rate by `pseudo` launches, (filled_i + pseudo·prior) / (n_i + pseudo), and
 * the global rate for an item never launched in training. The shrinkage is the baseline's
 * best version: a raw rate of an item launched once is 0 or 1, which only hurts its Brier.
 */
export function itemFillRateBaseline(train: readonly GroupBuyFacts[], pseudo = 2): { prior: number; score: (f: GroupBuyFacts) => number } {
  const byItem = new Map<string, { n: number; filled: number }>();
  let n = 0;
  let filled = 0;
  for (const f of train) {
    const y = fillLabel(f.status);
    if (y === null) continue;
    const s = byItem.get(f.itemId) ?? { n: 0, filled: 0 };
    s.n++;
    s.filled += y;
    byItem.set(f.itemId, s);
    n++;
    filled += y;
  }
  const prior = n > 0 ? filled / n : 0.5;
  return {
    prior,
    score: (f) => {
      const s = byItem.get(f.itemId);
      return s ? (s.filled + pseudo * prior) / (s.n + pseudo) : prior;
    },
  };
}

export interface InviteeRankingMetrics {
  /** Invitees pending at launch over the test launches, and how many joined. */
  invitees: number;
  joined: number;
  /** Pooled AUC of the join probability vs the baseline order (plays the game, then interactions). */
  modelAuc: number;
  baselineAuc: number;
  /** Launches with ≥ 2 pending invitees and ≥ 1 joiner; share whose top-ranked invitee joined. */
  groups: number;
  modelHitAt1: number;
  baselineHitAt1: number;
}

export interface HeadEvaluation {
  /** Test launches scored at launch (createdAt + settle). */
  launches: {
    model: ProbabilityMetrics; uncalibrated: ProbabilityMetrics; baseline: ProbabilityMetrics; oracle: ProbabilityMetrics | null; oracleMissing: number;
    /**
     * On a synthetic world, 10-bin ECE measured against the planted fill probability instead
     * of the 0/1 outcome (the outcome's expectation): the same calibration question without
     * the label noise that dominates ECE on a hundred-odd launches. Null without truth.
     */
    eceVsTruth: { model: number; baseline: number } | null;
  };
  /** Test groups scored at seeded instants part-way through their life (what serving sees). */
  midLife: { model: ProbabilityMetrics; uncalibrated: ProbabilityMetrics; baseline: ProbabilityMetrics };
  invitees: InviteeRankingMetrics;
}

/**
 * Scores the test launches with the head, the item-fill-rate baseline and (on a synthetic
 * world) the planted-truth oracle, all on the same launches and labels.
 */
export function evaluateHead(
  model: GroupBuyHeadModel,
  test: readonly GroupBuyFacts[],
  baseline: (f: GroupBuyFacts) => number,
  oracle: Record<string, number> | null,
  o: { seed: number },
): HeadEvaluation {
  const labels: number[] = [];
  const probs: number[] = [];
  const raw: number[] = [];
  const base: number[] = [];
  const oracleProbs: number[] = [];
  const oracleLabels: number[] = [];
  const uncalibrated = new GroupBuyHeadModel(model.weights, IDENTITY_PLATT);
  for (const f of test) {
    const y = fillLabel(f.status)!;
    const at = launchInstant(f);
    labels.push(y);
    probs.push(scoreAt(model, f, at).probability);
    raw.push(scoreAt(uncalibrated, f, at).probability);
    base.push(baseline(f));
    const t = oracle?.[f.id];
    if (t !== undefined) {
      oracleProbs.push(t);
      oracleLabels.push(y);
    }
  }
  const mid = snapshots(test, { extra: 1, seed: o.seed }).filter((s) => s.at !== launchInstant(s.facts));
  const midProbs = mid.map((s) => scoreAt(model, s.facts, s.at).probability);
  const midLabels = mid.map((s) => s.label);
  return {
    launches: {
      model: probabilityMetrics(probs, labels),
      uncalibrated: probabilityMetrics(raw, labels),
      baseline: probabilityMetrics(base, labels),
      oracle: oracle ? probabilityMetrics(oracleProbs, oracleLabels) : null,
      oracleMissing: oracle ? test.length - oracleProbs.length : 0,
      eceVsTruth: oracle && oracleProbs.length === test.length ? { model: eceAgainst(probs, oracleProbs), baseline: eceAgainst(base, oracleProbs) } : null,
    },
    midLife: {
      model: probabilityMetrics(midProbs, midLabels),
      uncalibrated: probabilityMetrics(mid.map((s) => scoreAt(uncalibrated, s.facts, s.at).probability), midLabels),
      baseline: probabilityMetrics(mid.map((s) => baseline(s.facts)), midLabels) },
    invitees: inviteeRanking(model, test),
  };
}

/**
 * Whom-to-invite, measured on realised joins: at each test launch the pending invitees are
 * ranked by the head's join probability and by the baseline order, against who joined.
 * Caveat: in a FILLED group an invitee who would have joined after it filled shows as
 * "not joined" (censored), for both rankings alike.
 */
export function inviteeRanking(model: GroupBuyHeadModel, test: readonly GroupBuyFacts[]): InviteeRankingMetrics {
  const pos: { m: number[]; b: number[] } = { m: [], b: [] };
  const neg: { m: number[]; b: number[] } = { m: [], b: [] };
  let groups = 0;
  let hitM = 0;
  let hitB = 0;
  for (const f of test) {
    const at = launchInstant(f);
    const s = scoreAt(model, f, at);
    if (s.state.decided !== null) continue;
    const st = stateAt(f, at);
    const rows = st.pending.map((p, i) => ({ id: p.person.userId, y: p.joinsLater, m: s.joinProbs[i]!, b: baselineInviteScore(p.person) }));
    for (const r of rows) {
      (r.y ? pos : neg).m.push(r.m);
      (r.y ? pos : neg).b.push(r.b);
    }
    if (rows.length >= 2 && rows.some((r) => r.y)) {
      groups++;
      const top = (key: 'm' | 'b') => [...rows].sort((a, b) => b[key] - a[key] || (a.id < b.id ? -1 : 1))[0]!;
      if (top('m').y) hitM++;
      if (top('b').y) hitB++;
    }
  }
  return {
    invitees: pos.m.length + neg.m.length,
    joined: pos.m.length,
    modelAuc: auc(pos.m, neg.m),
    baselineAuc: auc(pos.b, neg.b),
    groups,
    modelHitAt1: groups > 0 ? hitM / groups : NaN,
    baselineHitAt1: groups > 0 ? hitB / groups : NaN,
  };
}
