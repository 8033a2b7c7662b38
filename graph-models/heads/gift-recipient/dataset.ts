/**
 * Training and evaluation examples for the gift-recipient head, from the exported graph
 * (src/features HeteroGraph) plus the dataset's gifts (src/graph/queries/gift-signals.ts).
 *
 * One example = (sender u, friend v, cut point t, window W): features of the pair as of t
 * (src/features/gift-features.ts, the module serving uses too) and the label "u gave v a
 * gift in (t, t + W]". Candidates at t are u's unblocked friends whose friendship began at
 * or before t (the export drops blocked friendships). Each pair's whole history is built
 * once and handed to the feature function at every cut point; that function ignores
 * everything after t, which is what keeps the rows leak-free.
 *
 * Plain typed arrays out:
 *   x:      Float32Array [n · F]   feature rows (F = GIFT_FEATURE_COUNT)
 *   y:      Uint8Array   [n]       labels
 *   weight: Float32Array [n]       importance weights (1 / keep-probability of the row)
 *   sender, friend: Int32Array [n] user indices (HeteroGraph user order)
 */
import { DAY_MS } from '../../../src/clock/clock';
import type { HeteroGraph } from '../../../src/features/hetero-graph';
import {
  GIFT_FEATURE_COUNT, giftPairFeatures, interactionTotals, isCandidateAt, utcDay,
  type GiftFeatureContext, type GiftPairHistory, type GiftSenderHistory,
} from '../../../src/features/gift-features';
import type { ExportedGift } from '../../../src/graph/queries/gift-signals';
import { SeededRandom } from '../../layers/seeded-random';

export interface GiftHistories {
  users: readonly string[];
  /** Friend CSR (symmetric): friends of u are targets[offsets[u] .. offsets[u+1]). */
  offsets: Int32Array;
  targets: Int32Array;
  /** [E] per directed friend edge, the pair's history (sender = source). */
  pairs: GiftPairHistory[];
  senders: GiftSenderHistory[];
  /** Gift times per directed pair, for labels: key u·N + v. */
  giftTimes: Map<number, number[]>;
  /** First UTC day the interaction log covers; null when the dataset has no interactions. */
  interactionLogStart: number | null;
  occasions: ReadonlyArray<{ month: number; day: number }>;
}

const EMPTY = new Float64Array(0);

/** Builds every directed friend pair's history once (O(edges + interactions + gifts)). */
export function buildGiftHistories(g: HeteroGraph, gifts: readonly ExportedGift[], occasions: ReadonlyArray<{ month: number; day: number }>): GiftHistories {
  const users = g.nodes.user.ids;
  const index = g.nodes.user.index;
  const n = users.length;
  const friend = g.relations.friend;
  const inter = g.relations.interacted;
  const wish = g.relations.wishlisted;
  if (!friend) throw new Error(`dataset ${g.dataset} has no friend relation`);
  const birthdays = (g.nodeProps.user.birthday ?? []) as Array<string | null>;

  const giftTimes = new Map<number, number[]>();
  const sentBy: number[][] = Array.from({ length: n }, () => []);
  for (const gf of gifts) {
    const u = index.get(gf.sender);
    const v = index.get(gf.recipient);
    if (u === undefined || v === undefined) continue;
    const key = u * n + v;
    const list = giftTimes.get(key);
    if (list) list.push(gf.at);
    else giftTimes.set(key, [gf.at]);
    sentBy[u]!.push(gf.at);
  }
  for (const l of giftTimes.values()) l.sort((a, b) => a - b);

  let logStart = Infinity;
  if (inter) for (let e = 0; e < inter.time.length; e++) if (inter.time[e]! < logStart) logStart = inter.time[e]!;

  const senders: GiftSenderHistory[] = [];
  for (let u = 0; u < n; u++) {
    senders.push({ giftsSent: Float64Array.from(sentBy[u]!.sort((a, b) => a - b)), friendSince: friend.time.subarray(friend.offsets[u]!, friend.offsets[u + 1]!) });
  }

  const pairs: GiftPairHistory[] = new Array(friend.targets.length);
  for (let u = 0; u < n; u++) {
    const lo = friend.offsets[u]!;
    const hi = friend.offsets[u + 1]!;
    for (let e = lo; e < hi; e++) {
      const v = friend.targets[e]!;
      const [a, b] = inter ? rangeOf(inter.offsets, inter.targets, u, v) : [0, 0];
      pairs[e] = {
        since: Number.isNaN(friend.time[e]!) ? null : friend.time[e]!,
        recipientBirthday: birthdays[v] ?? null,
        interactions: inter
          ? { day: inter.time.subarray(a, b), messages: attr(inter, 'messages', a, b), voiceMinutes: attr(inter, 'voiceMinutes', a, b), playedTogether: attr(inter, 'playedTogether', a, b) }
          : { day: EMPTY, messages: EMPTY, voiceMinutes: EMPTY, playedTogether: EMPTY },
        giftsToFriend: giftTimes.get(u * n + v) ?? [],
        giftsFromFriend: giftTimes.get(v * n + u) ?? [],
        recipientWishlist: wish ? wish.time.subarray(wish.offsets[v]!, wish.offsets[v + 1]!) : EMPTY,
        recipientFriendSince: friend.time.subarray(friend.offsets[v]!, friend.offsets[v + 1]!),
        commonFriendSince: commonSince(friend.offsets, friend.targets, friend.time, u, v),
      };
    }
  }
  return {
    users, offsets: friend.offsets, targets: friend.targets, pairs, senders, giftTimes,
    interactionLogStart: logStart === Infinity ? null : utcDay(logStart), occasions,
  };
}

function attr(r: { attrs: Record<string, Float64Array> }, name: string, a: number, b: number): Float64Array {
  return r.attrs[name]?.subarray(a, b) ?? new Float64Array(b - a);
}

/** Edge range of (u → v) in a CSR whose targets ascend per source (buildRelation sorts them). */
function rangeOf(offsets: Int32Array, targets: Int32Array, u: number, v: number): [number, number] {
  let lo = offsets[u]!;
  let hi = offsets[u + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (targets[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < offsets[u + 1]! && targets[end] === v) end++;
  return [lo, end];
}

/** Per common friend w of u and v: max(since(u,w), since(v,w)) (NaN if either is unknown). */
function commonSince(offsets: Int32Array, targets: Int32Array, time: Float64Array, u: number, v: number): Float64Array {
  const out: number[] = [];
  let i = offsets[u]!;
  let j = offsets[v]!;
  const ie = offsets[u + 1]!;
  const je = offsets[v + 1]!;
  let prev = -1;
  while (i < ie && j < je) {
    const a = targets[i]!;
    const b = targets[j]!;
    if (a < b) i++;
    else if (a > b) j++;
    else {
      if (a !== u && a !== v && a !== prev) out.push(Math.max(time[i]!, time[j]!));
      prev = a;
      i++;
      j++;
    }
  }
  return Float64Array.from(out);
}

export interface ExampleSet {
  n: number;
  x: Float32Array;
  y: Uint8Array;
  weight: Float32Array;
  sender: Int32Array;
  friend: Int32Array;
  /** [n] the pair's directed friend-edge index in GiftHistories (for signals and baselines). */
  edge: Int32Array;
  /** Window of each row, days. */
  windowDays: Float32Array;
}

export interface CutPoint {
  t: number;
  windowDays: number;
  /** Keep each negative row with this probability (weight 1/p); positives are always kept. */
  negativeKeep: number;
}

/**
 * Rows for the given cut points. `includeSender(u)` selects senders (a validation hold-out);
 * `seed` drives the negative subsampling.
 */
export function buildExamples(h: GiftHistories, cuts: readonly CutPoint[], o: { seed: number; includeSender?: (u: number) => boolean }): ExampleSet {
  const rng = new SeededRandom(o.seed);
  const f = GIFT_FEATURE_COUNT;
  let cap = 1024;
  let x = new Float32Array(cap * f);
  let y = new Uint8Array(cap);
  let w = new Float32Array(cap);
  let snd = new Int32Array(cap);
  let frd = new Int32Array(cap);
  let edg = new Int32Array(cap);
  let win = new Float32Array(cap);
  let n = 0;
  const grow = () => {
    cap *= 2;
    const gx = new Float32Array(cap * f); gx.set(x); x = gx;
    const gy = new Uint8Array(cap); gy.set(y); y = gy;
    const gw = new Float32Array(cap); gw.set(w); w = gw;
    const gs = new Int32Array(cap); gs.set(snd); snd = gs;
    const gf = new Int32Array(cap); gf.set(frd); frd = gf;
    const ge = new Int32Array(cap); ge.set(edg); edg = ge;
    const gn = new Float32Array(cap); gn.set(win); win = gn;
  };
  const users = h.users.length;
  for (const cut of cuts) {
    const ctx: GiftFeatureContext = { t: cut.t, windowDays: cut.windowDays, occasions: h.occasions, interactionLogStart: h.interactionLogStart };
    const end = cut.t + cut.windowDays * DAY_MS;
    for (let u = 0; u < users; u++) {
      if (o.includeSender && !o.includeSender(u)) continue;
      for (let e = h.offsets[u]!; e < h.offsets[u + 1]!; e++) {
        const pair = h.pairs[e]!;
        if (!isCandidateAt(pair, cut.t)) continue;
        const v = h.targets[e]!;
        const label = hasGiftIn(h.giftTimes.get(u * users + v), cut.t, end) ? 1 : 0;
        let weight = 1;
        if (label === 0 && cut.negativeKeep < 1) {
          if (rng.nextU32() / 4294967296 >= cut.negativeKeep) continue;
          weight = 1 / cut.negativeKeep;
        }
        if (n === cap) grow();
        giftPairFeatures(ctx, h.senders[u]!, pair, x, n * f);
        y[n] = label;
        w[n] = weight;
        snd[n] = u;
        frd[n] = v;
        edg[n] = e;
        win[n] = cut.windowDays;
        n++;
      }
    }
  }
  return { n, x: x.subarray(0, n * f), y: y.subarray(0, n), weight: w.subarray(0, n), sender: snd.subarray(0, n), friend: frd.subarray(0, n), edge: edg.subarray(0, n), windowDays: win.subarray(0, n) };
}

function hasGiftIn(times: readonly number[] | undefined, from: number, to: number): boolean {
  if (!times) return false;
  for (const x of times) if (x > from && x <= to) return true;
  return false;
}

/**
 * The baseline's score: the pair's interaction count in the training period, i.e. active
 * days (INTERACTED rows) on every completed day before t, ties broken by messages.
 */
export function interactionCountScores(h: GiftHistories, ex: ExampleSet, t: number): Float64Array {
  const out = new Float64Array(ex.n);
  for (let i = 0; i < ex.n; i++) {
    const tot = interactionTotals(h.pairs[ex.edge[i]!]!.interactions, t, 1_000_000);
    out[i] = tot.activeDays + tot.messages * 1e-6;
  }
  return out;
}

/**
 * Rolling training cut points before `splitAt`, one every `strideDays`, newest first: each
 * label window ends at or before `splitAt` (so no label or feature comes from the test
 * period), a full `windowDays` long when it fits, shorter for the newest ones (the cloglog
 * offset in model.ts accounts for the length). Cut points earlier than `earliest` are
 * dropped (too little history to learn from). With `dense`, cut points that are late enough
 * (e.g. the few that see a short interaction log) come every `dense.strideDays` instead:
 * more rows where a feature family is observed, at the price of overlapping windows.
 */
export function rollingCutPoints(o: {
  splitAt: number;
  windowDays: number;
  strideDays: number;
  count: number;
  earliest: number;
  negativeKeep: (t: number) => number;
  /** A denser stride (days) for cut points at or after `denseFrom` (default: none). */
  dense?: { from: number; strideDays: number };
}): CutPoint[] {
  const out: CutPoint[] = [];
  let t = o.splitAt;
  for (let k = 0; k < o.count; k++) {
    const stride = o.dense && t - o.dense.strideDays * DAY_MS >= o.dense.from ? o.dense.strideDays : o.strideDays;
    t -= stride * DAY_MS;
    if (t < o.earliest) break;
    const windowDays = Math.min(o.windowDays, Math.round((o.splitAt - t) / DAY_MS));
    out.push({ t, windowDays, negativeKeep: o.negativeKeep(t) });
  }
  return out;
}
