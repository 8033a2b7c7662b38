/**
 * One training-and-evaluation run of the squad head on an exported dataset:
 *
 *   split: cutoff C, splitAt S = C − testDays (the encoders' time split), training windows
 *   (S − (k+1)·W, S − k·W] for k = 0 … windows−1 (the first is the 28 days right before the
 *   test window) -> per window, features as of its start (embeddings from the graph as of
 *   then), labels = what each squad bought inside it -> sampled-softmax fit, early stopping
 *   on held-out squads -> test: features as of S, labels in (S, C], full ranking over the
 *   catalogue minus what any member owned at S, read once with the selected weights ->
 *   baselines on the same rows (most popular among the members; the untrained squadScore)
 *   -> on a synthetic world, the planted-truth oracle (mean planted utility over members).
 *
 * No test-period event reaches a training row: training labels end at S, and every feature
 * of a window only counts events up to that window's start (dataset.ts).
 */
import type { HeteroGraph } from '../../../src/features/hetero-graph';
import { SQUAD_FEATURE_COUNT } from '../../../src/features/squad-features';
import type { ExportedSquad } from '../../../src/graph/queries/squad-signals';
import { squadScore } from '../../../src/ranking/squad-scoring';
import type { Csr } from '../../evaluation/interactions';
import { evaluateRanking, type RankingReport, type Scorer } from '../../evaluation/ranking-metrics';
import { SeededRandom } from '../../layers/seeded-random';
import {
  eligibleItems, squadContext, squadFeatureRows, squadsAsOf, squadWorld, windowLabels,
  type SquadAtT, type SquadContext, type SquadWorld,
} from './dataset';
import type { SquadUtility } from './evaluation/truth-utility';
import { fitSquadHead, type SquadEpochLog, type SquadExamples } from './fit';
import { squadHeadScores, type SquadHeadWeights, type SquadLabelKind } from './model';

const DAY_MS = 86_400_000;

/** Embeddings of every user and item from the graph as of t (L2-normalised rows). */
export interface Embeddings {
  users: Float32Array;
  items: Float32Array;
  dim: number;
}

export interface SquadHeadRunOptions {
  /** The dataset's "now" (its last event). */
  cutoff: number;
  /** Test period before the cutoff (default 28, as the encoders' time split). */
  testDays?: number;
  /** Length of each training window (default 28). */
  windowDays?: number;
  /** Training windows before the split, newest first (default 3). */
  windows?: number;
  /** Which purchases are the training labels (default 'any': 'together' is rare, see README); both are evaluated. */
  labels?: SquadLabelKind;
  /** Negatives sampled per positive (default 50). */
  negatives?: number;
  /** Share of squads held out of training for early stopping (default 0.15). */
  validShare?: number;
  seed: number;
  hidden?: number;
  lr?: number;
  epochs?: number;
  patience?: number;
  /** The encoder the embeddings come from (`sage/<version>`), recorded in the weights. */
  encoder: string;
  /** Embeddings as of t (the caller owns the encoder). */
  embed: (t: number) => Embeddings;
  /** The planted mean-utility oracle, on a synthetic world. */
  oracle: SquadUtility | null;
  log?: (line: string) => void;
}

export const RANK_KS = [10, 20] as const;
export const POPULAR_BASELINE = 'most popular among the members (members, then their friends, then everyone)';
export const SQUADSCORE_BASELINE = 'squadScore, untrained (mean cosine − 1 × spread)';
export const MEAN_COSINE_BASELINE = 'mean member cosine (squadScore, spread 0)';

export interface LabelCounts {
  /** Squads with ≥ 2 members at the window's start. */
  squads: number;
  /** Of those, squads with at least one label of each kind, and the labels. */
  withTogether: number;
  together: number;
  withAny: number;
  any: number;
}

export interface WindowSummary extends LabelCounts {
  from: string;
  to: string;
}

export interface SquadTestFigures {
  labels: SquadLabelKind;
  head: RankingReport;
  popular: RankingReport;
  squadScore: RankingReport;
  meanCosine: RankingReport;
  oracle: RankingReport | null;
}

export interface SquadHeadReport {
  split: {
    cutoff: number;
    splitAt: number;
    testDays: number;
    windowDays: number;
    trainLabels: SquadLabelKind;
    windows: WindowSummary[];
    test: WindowSummary;
    trainGroups: number;
    validGroups: number;
    negatives: number;
    items: number;
  };
  fit: { history: SquadEpochLog[]; bestEpoch: number; ms: number };
  /** Primary: the training label kind; also the other kind, same weights. */
  test: Record<SquadLabelKind, SquadTestFigures>;
}

export interface SquadHeadRun {
  weights: SquadHeadWeights;
  report: SquadHeadReport;
}

export interface WindowData {
  t: number;
  world: SquadWorld;
  z: Embeddings;
  squads: Array<SquadAtT & { ctx: SquadContext; labels: Record<SquadLabelKind, Int32Array> }>;
  counts: LabelCounts;
}

export function runSquadHead(g: HeteroGraph, exported: readonly ExportedSquad[], o: SquadHeadRunOptions): SquadHeadRun {
  const log = o.log ?? (() => {});
  const testDays = o.testDays ?? 28;
  const W = o.windowDays ?? 28;
  const nWindows = o.windows ?? 3;
  const kind: SquadLabelKind = o.labels ?? 'any';
  const K = o.negatives ?? 50;
  const splitAt = o.cutoff - testDays * DAY_MS;
  const numItems = g.nodes.item.ids.length;
  const validShare = o.validShare ?? 0.15;
  const held = (squadId: string) => mix(hashString(squadId), o.seed) < validShare;

  const windowAt = (t: number, days: number): WindowData => {
    const world = squadWorld(g, t);
    const z = o.embed(t);
    const squads = squadsAsOf(g, exported, t).map((s) => {
      const ctx = squadContext(world, s.members);
      return { ...s, ctx, labels: windowLabels(g, exported[s.squad]!, s.members, ctx.excluded, t, t + days * DAY_MS) };
    });
    return { t, world, z, squads, counts: countLabels(squads) };
  };
  const summary = (w: WindowData, days: number): WindowSummary => ({ from: iso(w.t), to: iso(w.t + days * DAY_MS), ...w.counts });

  // Training windows, newest first; each one's data is dropped once its rows are built.
  const rng = new SeededRandom(o.seed);
  const trainParts: SquadExamples[] = [];
  const validParts: SquadExamples[] = [];
  const windows: WindowSummary[] = [];
  for (let k = 0; k < nWindows; k++) {
    const t = splitAt - (k + 1) * W * DAY_MS;
    const w = windowAt(t, W);
    windows.push(summary(w, W));
    trainParts.push(buildGroups(w, kind, K, rng, (s) => !held(s)));
    validParts.push(buildGroups(w, kind, K, rng, held));
    log(`squad: window (${iso(t)}, ${iso(t + W * DAY_MS)}]: ${w.counts.squads} squads, ${w.counts.withTogether} bought together (${w.counts.together} items), ${w.counts.withAny} bought anything (${w.counts.any})`);
  }
  const train = concatGroups(trainParts, K + 1);
  const valid = concatGroups(validParts, K + 1);
  log(`squad: ${train.groups} training groups, ${valid.groups} held-out groups (${K} negatives each), labels "${kind}"`);

  const fit = fitSquadHead(train, valid, {
    seed: o.seed, encoder: o.encoder, labels: kind,
    ...(o.hidden !== undefined ? { hidden: o.hidden } : {}), ...(o.lr !== undefined ? { lr: o.lr } : {}),
    ...(o.epochs !== undefined ? { epochs: o.epochs } : {}), ...(o.patience !== undefined ? { patience: o.patience } : {}),
    onEpoch: (r) => log(`epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}, held-out loss ${r.validLoss.toFixed(4)} (${(r.ms / 1000).toFixed(1)} s)`),
  });

  // The test window, read once with the selected weights.
  const test = windowAt(splitAt, testDays);
  log(`squad: test (${iso(splitAt)}, ${iso(o.cutoff)}]: ${test.counts.squads} squads, ${test.counts.withTogether} bought together, ${test.counts.withAny} bought anything`);
  const figures = (labels: SquadLabelKind): SquadTestFigures => evaluateWindow(test, labels, numItems, fit.weights, o.oracle);
  return {
    weights: fit.weights,
    report: {
      split: {
        cutoff: o.cutoff, splitAt, testDays, windowDays: W, trainLabels: kind, windows, test: summary(test, testDays),
        trainGroups: train.groups, validGroups: valid.groups, negatives: K, items: numItems,
      },
      fit: { history: fit.history, bestEpoch: fit.bestEpoch, ms: fit.ms },
      test: { together: figures('together'), any: figures('any') },
    },
  };
}

/**
 * Full ranking of the catalogue for every squad with a label in the window: each squad is
 * a "user" of evaluateRanking, its members' owned items the excluded row, its labels the
 * test row. Every ranker sees the same rows.
 */
export function evaluateWindow(w: WindowData, labels: SquadLabelKind, numItems: number, weights: SquadHeadWeights, oracle: SquadUtility | null): SquadTestFigures {
  const rows = w.squads;
  const excluded = csr(rows.map((s) => Int32Array.from(s.ctx.excluded).sort()), numItems);
  const truth = csr(rows.map((s) => s.labels[labels]), numItems);
  const all = Int32Array.from({ length: numItems }, (_, i) => i);
  const d = w.z.dim;
  const x = new Float32Array(numItems * SQUAD_FEATURE_COUNT);
  const perSquad = (fill: (s: (typeof rows)[number], out: Float32Array) => void): Scorer => (users, out) => {
    const scores = out ?? new Float32Array(users.length * numItems);
    users.forEach((r, b) => fill(rows[r]!, scores.subarray(b * numItems, (b + 1) * numItems)));
    return scores;
  };
  const run = (scorer: Scorer) => evaluateRanking({ train: excluded, test: truth, scorer, ks: RANK_KS });
  const head = perSquad((s, out) => {
    squadFeatureRows(w.world, s.ctx, all, w.z.users, w.z.items, d, x);
    squadHeadScores(weights, x, numItems, out);
  });
  // Exactly the function serving uses (src/ranking/squad-scoring.ts), on plain arrays.
  const itemVectors = Array.from({ length: numItems }, (_, i) => Array.from(w.z.items.subarray(i * d, (i + 1) * d)));
  const byEmbedding = (spread: number) => perSquad((s, out) => {
    const vectors = Array.from(s.members, (u) => Array.from(w.z.users.subarray(u * d, (u + 1) * d)));
    for (let i = 0; i < numItems; i++) out[i] = squadScore(vectors, itemVectors[i]!, spread)!;
  });
  const popular = perSquad((s, out) => popularityScores(w.world, s.ctx, numItems, out));
  return {
    labels,
    head: run(head),
    popular: run(popular),
    squadScore: run(byEmbedding(1)),
    meanCosine: run(byEmbedding(0)),
    oracle: oracle ? run(perSquad((s, out) => oracle(s.members, all, out))) : null,
  };
}

/**
 * The baseline "most popular among the members": items ordered by how many members bought
 * them by t, then by how many of the members' other friends did, then by purchases by
 * everyone, ties by item index; written as −rank so the order survives Float32. Under the
 * protocol's exclusion (nothing a member owns is ranked) the first key is 0 for every
 * candidate, so the order is the friends' then the global popularity.
 */
export function popularityScores(w: SquadWorld, c: SquadContext, numItems: number, out: Float32Array): void {
  const memberBuys = new Map<number, number>();
  for (const m of c.members) for (const i of w.owned[m]!) memberBuys.set(i, (memberBuys.get(i) ?? 0) + 1);
  const order = Array.from({ length: numItems }, (_, i) => i).sort(
    (a, b) => (memberBuys.get(b) ?? 0) - (memberBuys.get(a) ?? 0) || (c.friendOwners.get(b) ?? 0) - (c.friendOwners.get(a) ?? 0) || w.buys[b]! - w.buys[a]! || a - b,
  );
  order.forEach((i, r) => (out[i] = -r));
}

/** One group per (squad, label): the label first, then K uniform draws from the squad's other eligible items. */
function buildGroups(w: WindowData, kind: SquadLabelKind, K: number, rng: SeededRandom, include: (squadId: string) => boolean): SquadExamples {
  const S = K + 1;
  const F = SQUAD_FEATURE_COUNT;
  const numItems = w.world.price.length;
  const parts: Float32Array[] = [];
  const weights: number[] = [];
  for (const s of w.squads) {
    const pos = s.labels[kind];
    if (pos.length === 0 || !include(s.id)) continue;
    const posSet = new Set(pos);
    const pool = Array.from(eligibleItems(numItems, s.ctx.excluded)).filter((i) => !posSet.has(i));
    if (pool.length === 0) continue;
    for (const p of pos) {
      const items = new Int32Array(S);
      items[0] = p;
      for (let k = 1; k < S; k++) items[k] = pool[rng.nextInt(pool.length)]!;
      parts.push(squadFeatureRows(w.world, s.ctx, items, w.z.users, w.z.items, w.z.dim));
      weights.push(1 / pos.length);
    }
  }
  const x = new Float32Array(parts.length * S * F);
  parts.forEach((p, g) => x.set(p, g * S * F));
  return { groups: parts.length, size: S, x, weight: Float32Array.from(weights) };
}

function concatGroups(parts: SquadExamples[], size: number): SquadExamples {
  const groups = parts.reduce((n, p) => n + p.groups, 0);
  const x = new Float32Array(groups * size * SQUAD_FEATURE_COUNT);
  const weight = new Float32Array(groups);
  let g = 0;
  for (const p of parts) {
    x.set(p.x, g * size * SQUAD_FEATURE_COUNT);
    weight.set(p.weight, g);
    g += p.groups;
  }
  return { groups, size, x, weight };
}

function countLabels(squads: WindowData['squads']): LabelCounts {
  let withTogether = 0;
  let together = 0;
  let withAny = 0;
  let any = 0;
  for (const s of squads) {
    if (s.labels.together.length > 0) withTogether++;
    together += s.labels.together.length;
    if (s.labels.any.length > 0) withAny++;
    any += s.labels.any.length;
  }
  return { squads: squads.length, withTogether, together, withAny, any };
}

function csr(rows: Int32Array[], numItems: number): Csr {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, k) => (offsets[k + 1] = offsets[k]! + r.length));
  const items = new Int32Array(offsets[rows.length]!);
  rows.forEach((r, k) => items.set(r, offsets[k]!));
  return { numUsers: rows.length, numItems, offsets, items };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A seeded hash to [0, 1): the held-out squads. */
function mix(u: number, seed: number): number {
  let x = (u ^ Math.imul(seed | 0, 0x9e3779b1)) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}
