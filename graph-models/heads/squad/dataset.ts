/**
 * The squad head's data, from the exported HeteroGraph and squads, as of a time t:
 *
 *   squadsAsOf      the squads and their members at t (≥ 2 members)
 *   SquadWorld      per-user and per-item counts as of t that the features need (owned
 *                   items, games played, wishlists, recent purchases), computed once per t
 *   squadFacts      the SquadItemFacts of one (squad, item) pair -> squadItemFeatures
 *   windowLabels    what a squad bought in (t, t + W]: the labels
 *
 * Nothing after t reaches a feature: every count filters on edge time ≤ t (unknown times
 * count as before, as graphAsOf keeps them), and the embeddings are computed by the caller
 * from the graph as of t. Labels only read (t, t + W].
 */
import type { HeteroGraph, Relation } from '../../../src/features/hetero-graph';
import {
  RECENT_WINDOW_DAYS, SOCIAL_WINDOW_DAYS, SQUAD_FEATURE_COUNT, squadItemFeatures, type SquadItemFacts,
} from '../../../src/features/squad-features';
import type { ExportedSquad } from '../../../src/graph/queries/squad-signals';
import type { SquadLabelKind } from './model';

const DAY_MS = 86_400_000;

export interface SquadAtT {
  /** Index into the exported squads. */
  squad: number;
  id: string;
  kind: ExportedSquad['kind'];
  /** Member user indices as of t, ascending. */
  members: Int32Array;
}

/**
 * Squads with at least two members as of t. An EXPLICIT squad's member counts from the
 * time they joined (`since` ≤ t; unknown counts). A DETECTED squad is stamped with the time
 * detection ran (usually the dataset's cutoff): its members are a function of the
 * friendship graph, not a decision the users made at that moment, so all of them count.
 */
export function squadsAsOf(g: HeteroGraph, squads: readonly ExportedSquad[], t: number): SquadAtT[] {
  const out: SquadAtT[] = [];
  squads.forEach((s, k) => {
    const idx: number[] = [];
    for (const m of s.members) {
      if (s.kind === 'EXPLICIT' && m.since !== null && m.since > t) continue;
      const u = g.nodes.user.index.get(m.userId);
      if (u !== undefined) idx.push(u);
    }
    const members = Int32Array.from(new Set(idx)).sort();
    if (members.length >= 2) out.push({ squad: k, id: s.id, kind: s.kind, members });
  });
  return out;
}

/** Per-user and per-item facts as of t, shared by every squad. */
export interface SquadWorld {
  t: number;
  /** Per user: items bought at or before t (sorted, unique). */
  owned: Int32Array[];
  /** Per user: games with a PLAYED session at or before t. */
  games: Set<number>[];
  /** Per user: items wishlisted at or before t. */
  wished: Set<number>[];
  /** Per user: distinct items they bought in (t − 60 d, t]. */
  recentItems: Int32Array[];
  /** Per user: friends (friendship begun by t, not blocked). */
  friends: Int32Array[];
  /** Per item: purchases in (t − 28 d, t]. */
  recentBuys: Float64Array;
  /** Per item: purchases at or before t (the popularity baseline). */
  buys: Float64Array;
  /** Per item: its game index, −1 without one. */
  itemGame: Int32Array;
  /** Per item: list price in cents, NaN when unknown. */
  price: Float64Array;
}

export function squadWorld(g: HeteroGraph, t: number): SquadWorld {
  const nu = g.nodes.user.ids.length;
  const ni = g.nodes.item.ids.length;
  const purchased = g.relations.purchased!;
  const socialFrom = t - SOCIAL_WINDOW_DAYS * DAY_MS;
  const recentFrom = t - RECENT_WINDOW_DAYS * DAY_MS;
  const owned: Int32Array[] = [];
  const recentItems: Int32Array[] = [];
  const recentBuys = new Float64Array(ni);
  const buys = new Float64Array(ni);
  for (let u = 0; u < nu; u++) {
    const own: number[] = [];
    const rec: number[] = [];
    for (let e = purchased.offsets[u]!; e < purchased.offsets[u + 1]!; e++) {
      const tm = purchased.time[e]!;
      if (tm > t) continue;
      const i = purchased.targets[e]!;
      own.push(i);
      buys[i]!++;
      if (tm > socialFrom) rec.push(i);
      if (tm > recentFrom) recentBuys[i]!++;
    }
    owned.push(uniqueSorted(own));
    recentItems.push(uniqueSorted(rec));
  }
  const itemGame = new Int32Array(ni).fill(-1);
  const gameIds = g.nodeProps.item.gameId ?? [];
  const prices = g.nodeProps.item.price ?? [];
  const price = new Float64Array(ni).fill(NaN);
  for (let i = 0; i < ni; i++) {
    const gid = gameIds[i];
    if (typeof gid === 'string') itemGame[i] = g.nodes.game.index.get(gid) ?? -1;
    const p = prices[i];
    if (typeof p === 'number') price[i] = p;
  }
  return {
    t, owned, recentItems, recentBuys, buys, itemGame, price,
    games: targetsAsOf(g.relations.played, nu, t).map((a) => new Set(a)),
    wished: targetsAsOf(g.relations.wishlisted, nu, t).map((a) => new Set(a)),
    friends: targetsAsOf(g.relations.friend, nu, t).map((a) => uniqueSorted(Array.from(a))),
  };
}

/** Per-squad facts that do not depend on the item: exclusions and social exposure. */
export interface SquadContext {
  members: Int32Array;
  /** Items any member owned as of t: never ranked, never a label. */
  excluded: Set<number>;
  /** Per item: distinct non-member friends of members who bought it in (t − 60 d, t]. */
  friendBuyers: Map<number, number>;
  /** Per item: members with at least one such friend. */
  membersExposed: Map<number, number>;
  /** Per item: distinct non-member friends of members who bought it at or before t (baseline). */
  friendOwners: Map<number, number>;
}

export function squadContext(w: SquadWorld, members: Int32Array): SquadContext {
  const memberSet = new Set(members);
  const excluded = new Set<number>();
  for (const m of members) for (const i of w.owned[m]!) excluded.add(i);
  const buyers = new Map<number, Set<number>>();
  const owners = new Map<number, Set<number>>();
  const exposed = new Map<number, number>();
  for (const m of members) {
    const seen = new Set<number>();
    for (const f of w.friends[m]!) {
      if (memberSet.has(f)) continue;
      for (const i of w.recentItems[f]!) {
        let s = buyers.get(i);
        if (!s) buyers.set(i, (s = new Set()));
        s.add(f);
        seen.add(i);
      }
      for (const i of w.owned[f]!) {
        let s = owners.get(i);
        if (!s) owners.set(i, (s = new Set()));
        s.add(f);
      }
    }
    for (const i of seen) exposed.set(i, (exposed.get(i) ?? 0) + 1);
  }
  const sizes = (m: Map<number, Set<number>>) => new Map([...m].map(([i, s]) => [i, s.size]));
  return { members, excluded, friendBuyers: sizes(buyers), membersExposed: exposed, friendOwners: sizes(owners) };
}

/**
 * The facts of (squad, item) as of w.t. `zUser` / `zItem`: the encoder's embeddings as of
 * w.t ([n·d] row-major, L2-normalised), so a cosine is a dot product.
 */
export function squadFacts(w: SquadWorld, c: SquadContext, item: number, zUser: Float32Array, zItem: Float32Array, d: number, cosBuf: Float64Array): SquadItemFacts {
  const m = c.members.length;
  const game = w.itemGame[item]!;
  let playing = 0;
  let wishing = 0;
  for (let k = 0; k < m; k++) {
    const u = c.members[k]!;
    let s = 0;
    const ou = u * d;
    const oi = item * d;
    for (let j = 0; j < d; j++) s += zUser[ou + j]! * zItem[oi + j]!;
    cosBuf[k] = s;
    if (game >= 0 && w.games[u]!.has(game)) playing++;
    if (w.wished[u]!.has(item)) wishing++;
  }
  const p = w.price[item]!;
  return {
    cosines: cosBuf.subarray(0, m),
    members: m,
    membersPlaying: playing,
    membersWishing: wishing,
    friendBuyers: c.friendBuyers.get(item) ?? 0,
    membersExposed: c.membersExposed.get(item) ?? 0,
    recentBuys: w.recentBuys[item]!,
    price: Number.isNaN(p) ? null : p,
  };
}

/** Feature rows for the given items of one squad: x [items.length · F]. */
export function squadFeatureRows(w: SquadWorld, c: SquadContext, items: ArrayLike<number>, zUser: Float32Array, zItem: Float32Array, d: number, out?: Float32Array): Float32Array {
  const x = out ?? new Float32Array(items.length * SQUAD_FEATURE_COUNT);
  const cos = new Float64Array(c.members.length);
  for (let r = 0; r < items.length; r++) squadItemFeatures(squadFacts(w, c, items[r]!, zUser, zItem, d, cos), x, r * SQUAD_FEATURE_COUNT);
  return x;
}

/**
 * What a squad bought in (from, to], minus `excluded` (items a member owned at `from`):
 * - together: items bought by two or more members in the window, plus the items of FILLED
 *   group buys that two or more members joined and that filled in the window;
 * - any: items bought by at least one member in the window, plus those group-buy items.
 * Both sorted ascending.
 */
export function windowLabels(
  g: HeteroGraph, s: ExportedSquad, members: Int32Array, excluded: ReadonlySet<number>, from: number, to: number,
): Record<SquadLabelKind, Int32Array> {
  const purchased = g.relations.purchased!;
  const buyers = new Map<number, number>();
  for (const u of members) {
    const seen = new Set<number>();
    for (let e = purchased.offsets[u]!; e < purchased.offsets[u + 1]!; e++) {
      const tm = purchased.time[e]!;
      if (!(tm > from && tm <= to)) continue;
      seen.add(purchased.targets[e]!);
    }
    for (const i of seen) buyers.set(i, (buyers.get(i) ?? 0) + 1);
  }
  const together = new Set<number>();
  const any = new Set<number>();
  for (const [i, n] of buyers) {
    any.add(i);
    if (n >= 2) together.add(i);
  }
  for (const gb of s.groupBuys) {
    if (gb.at === null || !(gb.at > from && gb.at <= to)) continue;
    const i = g.nodes.item.index.get(gb.itemId);
    if (i === undefined) continue;
    together.add(i);
    any.add(i);
  }
  const keep = (set: Set<number>) => Int32Array.from([...set].filter((i) => !excluded.has(i))).sort();
  return { together: keep(together), any: keep(any) };
}

/** The items a squad may be recommended (not owned by any member), ascending. */
export function eligibleItems(numItems: number, excluded: ReadonlySet<number>): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < numItems; i++) if (!excluded.has(i)) out.push(i);
  return Int32Array.from(out);
}

function targetsAsOf(r: Relation | undefined, n: number, t: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let s = 0; s < n; s++) {
    if (!r) {
      out.push(new Int32Array(0));
      continue;
    }
    const a: number[] = [];
    for (let e = r.offsets[s]!; e < r.offsets[s + 1]!; e++) if (!(r.time[e]! > t)) a.push(r.targets[e]!);
    out.push(Int32Array.from(a));
  }
  return out;
}

function uniqueSorted(a: number[]): Int32Array {
  return Int32Array.from(new Set(a)).sort();
}
