import { mulberry32 } from '../world/prng';
import { filterRelation, graphAsOf, SPLIT_TEST, SPLIT_TRAIN, type HeteroGraph } from './hetero-graph';

/** Deduplicated (user, item) pairs: users[k] bought items[k]. */
export interface Pairs {
  users: Int32Array;
  items: Int32Array;
}

export interface InteractionSplit {
  kind: 'published' | 'time';
  /** For a time split: train is everything at or before `splitAt`, test is after it. */
  splitAt: number | null;
  train: Pairs;
  /** A seeded fraction of train, held out for model selection (early stopping). */
  valid: Pairs;
  test: Pairs;
  /**
   * The graph a model may see while training: test interactions removed (and for a time
   * split, everything after `splitAt`: features, friendships, wishlists, all of it), and
   * validation pairs removed from the purchase relation.
   */
  trainGraph: HeteroGraph;
  /** trainGraph plus the validation pairs: what the final model is fitted on / test is scored against. */
  fullTrainGraph: HeteroGraph;
}

export interface SplitOptions {
  /** Fraction of train pairs held out for validation (default 0.1). */
  validFraction?: number;
  seed: number;
  /** Time split only: the test window before the dataset's cutoff (default 28 days). */
  testDays?: number;
  /** Time split only: the dataset's cutoff (its timeline's "now"). */
  cutoff?: number | null;
}

/**
 * Splits a dataset's purchases for offline evaluation. Imported datasets carry their
 * published split on each purchase and keep it. A synthetic world is split by time: the
 * last `testDays` before the cutoff are the test period and nothing from that period
 * leaks into the training graph (features are computed on trainGraph as of splitAt).
 */
export function splitInteractions(g: HeteroGraph, o: SplitOptions): InteractionSplit {
  const purchased = g.relations.purchased;
  if (!purchased) throw new Error(`dataset ${g.dataset} has no purchases to split`);
  const published = purchased.split !== null && purchased.split.some((s) => s === SPLIT_TEST);
  let trainAll: Pairs;
  let test: Pairs;
  let splitAt: number | null = null;
  let base: HeteroGraph;
  if (published) {
    trainAll = pairsWhere(g, (e) => purchased.split![e] === SPLIT_TRAIN);
    test = pairsWhere(g, (e) => purchased.split![e] === SPLIT_TEST);
    base = { ...g, relations: { ...g.relations, purchased: filterRelation(purchased, (e) => purchased.split![e] !== SPLIT_TEST) } };
  } else {
    const cutoff = o.cutoff ?? maxTime(purchased.time);
    splitAt = cutoff - (o.testDays ?? 28) * 86_400_000;
    trainAll = pairsWhere(g, (e) => !(purchased.time[e]! > splitAt!));
    const trainSet = pairSet(trainAll);
    // Test: items first bought in the test window (a re-buy of a train item is not a new discovery).
    const t = pairsWhere(g, (e) => purchased.time[e]! > splitAt! && purchased.time[e]! <= cutoff);
    test = filterPairs(t, (u, i) => !trainSet.has(u * 2 ** 21 + i));
    base = graphAsOf(g, splitAt);
  }
  const { kept: train, held: valid } = holdOut(trainAll, o.validFraction ?? 0.1, o.seed);
  const validSet = pairSet(valid);
  const p = base.relations.purchased!;
  const trainGraph: HeteroGraph = {
    ...base,
    relations: { ...base.relations, purchased: filterRelation(p, (e) => !validSet.has(keyOf(p, e))) },
  };
  return { kind: published ? 'published' : 'time', splitAt, train, valid, test, trainGraph, fullTrainGraph: base };

  function keyOf(r: typeof p, e: number): number {
    // The source of edge e: binary search over offsets.
    let lo = 0;
    let hi = r.offsets.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (r.offsets[mid]! <= e) lo = mid;
      else hi = mid - 1;
    }
    return lo * 2 ** 21 + r.targets[e]!;
  }
}

function pairsWhere(g: HeteroGraph, keep: (e: number) => boolean): Pairs {
  const r = g.relations.purchased!;
  const us: number[] = [];
  const is: number[] = [];
  for (let u = 0; u < r.offsets.length - 1; u++) {
    let last = -1;
    for (let e = r.offsets[u]!; e < r.offsets[u + 1]!; e++) {
      if (!keep(e) || r.targets[e] === last) continue;
      us.push(u);
      is.push(r.targets[e]!);
      last = r.targets[e]!;
    }
  }
  return { users: Int32Array.from(us), items: Int32Array.from(is) };
}

function pairSet(p: Pairs): Set<number> {
  // Items are < 2^21 in every dataset we load (Gowalla: 40,981); the key stays exact below 2^53.
  const s = new Set<number>();
  for (let k = 0; k < p.users.length; k++) s.add(p.users[k]! * 2 ** 21 + p.items[k]!);
  return s;
}

function filterPairs(p: Pairs, keep: (u: number, i: number) => boolean): Pairs {
  const us: number[] = [];
  const is: number[] = [];
  for (let k = 0; k < p.users.length; k++)
    if (keep(p.users[k]!, p.items[k]!)) {
      us.push(p.users[k]!);
      is.push(p.items[k]!);
    }
  return { users: Int32Array.from(us), items: Int32Array.from(is) };
}

/** Holds out a seeded fraction of pairs (mulberry32; the same seed always picks the same pairs). */
export function holdOut(p: Pairs, fraction: number, seed: number): { kept: Pairs; held: Pairs } {
  const rand = mulberry32(seed);
  const kept: [number[], number[]] = [[], []];
  const held: [number[], number[]] = [[], []];
  for (let k = 0; k < p.users.length; k++) {
    const to = rand() < fraction ? held : kept;
    to[0].push(p.users[k]!);
    to[1].push(p.items[k]!);
  }
  const pairs = ([u, i]: [number[], number[]]): Pairs => ({ users: Int32Array.from(u), items: Int32Array.from(i) });
  return { kept: pairs(kept), held: pairs(held) };
}

function maxTime(t: Float64Array): number {
  let m = -Infinity;
  for (const x of t) if (x > m) m = x;
  return m;
}
