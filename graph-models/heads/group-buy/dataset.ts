import type { GroupBuyFacts } from '../../../src/graph/queries/group-buy-signals';
import { mulberry32 } from '../../../src/world/prng';
import { CONTEXT_COLUMNS, FEATURE_COUNT, LAUNCH_SETTLE_MS, contextFeatures, fillLabel, pendingRows, stateAt } from '../../../src/features/group-buy-features';
import type { TailBatch } from './join-network';

/**
 * Historical group buys -> snapshots -> the TailBatch the network trains on. A snapshot is
 * one labelled group buy (FILLED/EXPIRED) replayed at one instant with
 * src/features/group-buy-features.ts, the same code serving runs at "now".
 */

export interface Snapshot {
  facts: GroupBuyFacts;
  at: number;
  label: 0 | 1;
}

/** Seeded uniform [0, 1) (mulberry32): snapshot instants are reproducible. */
export const seededUniform = mulberry32;

/** The launch instant of a group buy (createdAt + LAUNCH_SETTLE_MS, capped before its close). */
export function launchInstant(f: GroupBuyFacts): number {
  const created = f.createdAt!;
  const end = Math.min(f.closedAt ?? Infinity, f.deadline!);
  return Math.min(created + LAUNCH_SETTLE_MS, Math.max(created, end - 1));
}

/**
 * Snapshots of labelled group buys: at launch, plus `extra` instants drawn uniformly over
 * each group's planned life (launch to deadline), kept only where the group is still open
 * then (so the model also sees groups part-way, as serving does). The instants are drawn
 * over the PLANNED life, not the life the group actually had: drawing them before its
 * actual close would pick early instants for the groups that filled early, so an instant
 * shortly after launch would all but announce "this one fills" (on the 100k world 87% of
 * the snapshots in the first 1% of the window were filled groups, against 34% of launches).
 */
export function snapshots(facts: readonly GroupBuyFacts[], o: { extra: number; seed: number }): Snapshot[] {
  const rnd = seededUniform(o.seed);
  const out: Snapshot[] = [];
  for (const f of facts) {
    const label = fillLabel(f.status);
    if (label === null || f.createdAt === null || f.deadline === null || f.targetSize === null) continue;
    const launch = launchInstant(f);
    const instants = [launch];
    for (let k = 0; k < o.extra; k++) instants.push(Math.floor(launch + rnd() * Math.max(0, f.deadline - 1 - launch)));
    for (const at of instants) {
      const s = stateAt(f, at);
      if (s.decided === null && s.need > 0) out.push({ facts: f, at, label });
    }
  }
  return out;
}

/** Packs snapshots into the network's padded batch layout (see TailBatch). */
export function toBatch(snaps: readonly Snapshot[]): TailBatch {
  const C = CONTEXT_COLUMNS.length;
  const states = snaps.map((s) => stateAt(s.facts, s.at));
  const M = Math.max(1, ...states.map((s) => s.pending.length));
  const x = new Float32Array(snaps.length * M * FEATURE_COUNT);
  const mask = new Float32Array(snaps.length * M);
  const joined = new Float32Array(snaps.length * M);
  const ctx = new Float32Array(snaps.length * C);
  const need = new Int32Array(snaps.length);
  const label = new Float32Array(snaps.length);
  snaps.forEach((s, i) => {
    const st = states[i]!;
    x.set(pendingRows(s.facts, st, s.at), i * M * FEATURE_COUNT);
    st.pending.forEach((p, m) => {
      mask[i * M + m] = 1;
      joined[i * M + m] = p.joinsLater ? 1 : 0;
    });
    ctx.set(contextFeatures(s.facts, s.at), i * C);
    need[i] = st.need;
    label[i] = s.label;
  });
  return { x, mask, joined, ctx, snapshots: snaps.length, maxPending: M, need, label };
}

export interface TimeSplit {
  train: GroupBuyFacts[];
  valid: GroupBuyFacts[];
  test: GroupBuyFacts[];
  validStart: number;
  testStart: number;
  /** Training/validation launches dropped because their deadline fell after the next part began. */
  purged: number;
  /** Labelled launches dropped because their deadline is after the horizon (see splitByTime). */
  beyondHorizon: number;
}

/**
 * Split labelled launches by creation time: the latest `testShare` are the test launches,
 * the `validShare` before them validation (early stopping, calibration), the rest train.
 *
 * Membership never depends on the outcome. A launch counts only if its deadline is at or
 * before `horizon` (the dataset's cutoff): a later-deadline launch is labelled only when it
 * happened to fill early, so keeping those would make the latest launches look far more
 * successful than they are. Likewise a training (validation) launch whose deadline falls
 * after the next part starts is dropped ("purged"), whatever its outcome, so no label from
 * a later period reaches an earlier part.
 */
export function splitByTime(facts: readonly GroupBuyFacts[], o: { testShare: number; validShare: number; horizon: number }): TimeSplit {
  const labelled = facts.filter((f) => fillLabel(f.status) !== null && f.createdAt !== null && f.deadline !== null && f.targetSize !== null);
  const inHorizon = labelled.filter((f) => f.deadline! <= o.horizon);
  inHorizon.sort((a, b) => a.createdAt! - b.createdAt! || (a.id < b.id ? -1 : 1));
  const n = inHorizon.length;
  if (n < 3) throw new RangeError(`only ${n} labelled group buys with a deadline before the horizon; at least 3 are needed to split`);
  const nTest = Math.max(1, Math.round(n * o.testShare));
  const nValid = Math.max(1, Math.round(n * o.validShare));
  const test = inHorizon.slice(n - nTest);
  const validAll = inHorizon.slice(n - nTest - nValid, n - nTest);
  const trainAll = inHorizon.slice(0, n - nTest - nValid);
  const testStart = test[0]!.createdAt!;
  const validStart = validAll[0]?.createdAt ?? testStart;
  const valid = validAll.filter((f) => f.deadline! < testStart);
  const train = trainAll.filter((f) => f.deadline! < validStart);
  return {
    train, valid, test, validStart, testStart,
    purged: trainAll.length - train.length + validAll.length - valid.length, beyondHorizon: labelled.length - n,
  };
}
