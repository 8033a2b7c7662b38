/**
 * The friend-group (squad) head's features: what one (squad, item) pair looks like to the
 * model, as of a time t. One pure function over plain facts, used by training
 * (graph-models/heads/squad/, facts counted from the exported HeteroGraph) and by serving
 * (src/ranking/squad-ranker.ts, facts from one Cypher round trip,
 * src/graph/queries/squad-signals.ts), so a column means the same thing in both paths. No
 * driver, no tensors.
 *
 * Why these columns: the synthetic world buys with σ(base + U(u, i) + γ·ln(1 + friends who
 * bought i in the last 60 days)) (src/world/purchases.ts), with U = taste + plays-game +
 * appeal − price sensitivity (src/world/oracle.ts). The members' embedding cosines stand
 * for taste (their mean, and min / max / spread: does the WHOLE squad want it, or one
 * member?), the shares of members who play the item's game or wishlisted it for the
 * explicit terms, the members' friends' recent purchases for the social term (how many
 * outsiders, and how many members see them), recent global purchases for appeal, the
 * price for the price term.
 */

/** Friends' purchases in this many days before t count as social proof (the world's feed window). */
export const SOCIAL_WINDOW_DAYS = 60;
/** Global purchases in this many days before t measure an item's current pull. */
export const RECENT_WINDOW_DAYS = 28;

export const SQUAD_FEATURES = [
  'cos_mean',
  'cos_min',
  'cos_max',
  'cos_std',
  'share_members_play_game',
  'share_members_wishlisted',
  'log1p_friend_buyers_60d',
  'share_members_exposed_60d',
  'log1p_recent_buys_28d',
  'log1p_price_dollars',
] as const;

export type SquadFeature = (typeof SQUAD_FEATURES)[number];
export const SQUAD_FEATURE_COUNT = SQUAD_FEATURES.length;
/** Bumped when a column's meaning changes: an artifact trained on another version is refused. */
export const SQUAD_FEATURE_SCHEMA_VERSION = 1;

/** Everything the features of one (squad, item) pair are made of, as of t. */
export interface SquadItemFacts {
  /** Cosine of each member's embedding with the item's (members without an embedding left out); at least one. */
  cosines: ArrayLike<number>;
  /** Members of the squad as of t (the denominator of the shares), ≥ 1. */
  members: number;
  /** Members with a PLAYED session of the item's game at or before t (0 for an item without a game). */
  membersPlaying: number;
  /** Members who wishlisted the item at or before t. */
  membersWishing: number;
  /** Distinct non-member friends of any member (friendship begun by t, not blocked) who bought the item in (t − 60 d, t]. */
  friendBuyers: number;
  /** Members with at least one such friend. */
  membersExposed: number;
  /** Purchases of the item by anyone in (t − 28 d, t]. */
  recentBuys: number;
  /** List price in cents; null when unknown (imported catalogs). */
  price: number | null;
}

/**
 * Writes the SQUAD_FEATURES row of one pair into `out[offset … offset + SQUAD_FEATURE_COUNT)`.
 * Throws a RangeError when there is no member cosine (nothing to score taste with) or no member.
 */
export function squadItemFeatures(f: SquadItemFacts, out: Float32Array, offset = 0): void {
  const n = f.cosines.length;
  if (n === 0) throw new RangeError('a squad item needs at least one member cosine');
  if (!(f.members >= 1)) throw new RangeError(`a squad has at least one member; got ${String(f.members)}`);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const c = f.cosines[k]!;
    sum += c;
    if (c < min) min = c;
    if (c > max) max = c;
  }
  const mean = sum / n;
  let sq = 0;
  for (let k = 0; k < n; k++) sq += (f.cosines[k]! - mean) ** 2;
  out[offset] = mean;
  out[offset + 1] = min;
  out[offset + 2] = max;
  // Population standard deviation, as squadScore (src/ranking/squad-scoring.ts) uses.
  out[offset + 3] = Math.sqrt(sq / n);
  out[offset + 4] = f.membersPlaying / f.members;
  out[offset + 5] = f.membersWishing / f.members;
  out[offset + 6] = Math.log1p(f.friendBuyers);
  out[offset + 7] = f.membersExposed / f.members;
  out[offset + 8] = Math.log1p(f.recentBuys);
  out[offset + 9] = f.price !== null && f.price >= 0 ? Math.log1p(f.price / 100) : 0;
}

/** The members' cosines with one item: dot products of L2-normalised embeddings. */
export function memberCosines(memberVectors: readonly ArrayLike<number>[], item: ArrayLike<number>): Float64Array {
  const out = new Float64Array(memberVectors.length);
  memberVectors.forEach((v, m) => {
    const d = Math.min(v.length, item.length);
    let s = 0;
    for (let k = 0; k < d; k++) s += v[k]! * item[k]!;
    out[m] = s;
  });
  return out;
}
