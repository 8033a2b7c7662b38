import type { GroupBuyFacts, GroupBuyStatus, PersonFacts } from '../graph/queries/group-buy-signals';

/**
 * Group-buy conversion features: plain group-buy facts (src/graph/queries/group-buy-signals)
 * in, the state of the group at an instant and one feature row per (pending or candidate)
 * invitee out. Pure: no driver, no tensors. Training replays each historical group buy at
 * a few instants; serving calls the same functions at "now", so both see the same numbers.
 *
 * The head models the process the product runs: each pending invitee joins with some
 * probability q (one row each, below), and the group fills when at least
 * `need = targetSize − participants` of them do.
 */

/** Schema version of the rows below; bump when a column changes meaning. */
export const GROUP_BUY_FEATURE_VERSION = 1;

/** Per-person columns (the invitee's relation to the initiator and the item, as of the launch). */
export const PERSON_COLUMNS = [
  'playsGame', 'squadMate', 'logInteractions28d', 'forwarded', 'logPurchases', 'logSameGamePurchases',
  'pastJoinRate', 'logPastInvites', 'windowLeft',
] as const;

/** Per-group columns (the offer, its item and initiator, as of the launch; time left as of the instant). */
export const CONTEXT_COLUMNS = [
  'logItemPrice', 'discount', 'targetSize', 'windowDays', 'daysLeft', 'itemHasGame', 'logGamePlays28d',
  'logItemPurchases', 'logInitiatorLaunches', 'initiatorFillRate', 'logItemLaunches', 'itemFillRate',
] as const;

export const FEATURE_COLUMNS: readonly string[] = [...PERSON_COLUMNS, ...CONTEXT_COLUMNS];
export const FEATURE_COUNT = FEATURE_COLUMNS.length;

/**
 * The initiator's invitations go out in the minutes after a group buy is created (the
 * world sends them within 10 minutes); a launch is described once they are out, so "at
 * launch" means createdAt + 15 minutes.
 */
export const LAUNCH_SETTLE_MS = 15 * 60_000;

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** FILLED = 1, EXPIRED = 0; CANCELLED (the initiator gave up: no verdict on demand) and OPEN (no outcome yet) have no label. */
export function fillLabel(status: GroupBuyStatus): 0 | 1 | null {
  return status === 'FILLED' ? 1 : status === 'EXPIRED' ? 0 : null;
}

/** A pending invitee at an instant: invited by then, not joined by then. */
export interface PendingInvitee {
  person: PersonFacts;
  invitedAt: number;
  forwarded: boolean;
  /** Joined after the instant (the training label of the join model); false when they never did. */
  joinsLater: boolean;
}

export interface GroupBuyState {
  /** The status as of the instant: a FILLED/EXPIRED/CANCELLED group whose closedAt is later was still OPEN then. */
  status: GroupBuyStatus;
  participants: number;
  targetSize: number;
  /** targetSize − participants: how many more must join (≤ 0 means full). */
  need: number;
  invitees: number;
  inviteesPlayingGame: number;
  pending: PendingInvitee[];
  /** Hours to the deadline (0 when past it). */
  hoursLeft: number;
  /** Already decided at the instant: 1 (filled) or 0 (expired, cancelled, past deadline); null while open. */
  decided: 0 | 1 | null;
}

/** Thrown for a group buy the head cannot describe (no terms: target size, deadline, launch time). */
export class MissingTermsError extends Error {}

/**
 * The group buy as it stood at `asOf`: participants (the initiator always counts) and
 * invitees by their timestamps, time left, and whether it was already decided. A FILLED
 * group buy is decided 1, EXPIRED/CANCELLED 0 once closed; an OPEN one past its deadline 0.
 */
export function stateAt(f: GroupBuyFacts, asOf: number): GroupBuyState {
  if (f.targetSize === null || f.deadline === null || f.createdAt === null) {
    throw new MissingTermsError(`group buy ${f.id} has no target size, deadline or launch time`);
  }
  const closedBy = f.status !== 'OPEN' && (f.closedAt === null || f.closedAt <= asOf);
  const status: GroupBuyStatus = closedBy ? f.status : 'OPEN';
  const joined = new Set<string>([f.initiatorId]);
  for (const p of f.participants) if (p.joinedAt !== null && p.joinedAt <= asOf) joined.add(p.userId);
  const pending: PendingInvitee[] = [];
  let invitees = 0;
  let playing = 0;
  for (const x of f.invitees) {
    if (x.invitedAt === null || x.invitedAt > asOf) continue;
    invitees++;
    if (x.playsGame) playing++;
    if (joined.has(x.userId)) continue;
    pending.push({ person: x, invitedAt: x.invitedAt, forwarded: x.inviterId !== null && x.inviterId !== f.initiatorId, joinsLater: x.joinedAt !== null && x.joinedAt > asOf });
  }
  const participants = joined.size;
  let decided: 0 | 1 | null = null;
  if (status === 'FILLED') decided = 1;
  else if (status === 'EXPIRED' || status === 'CANCELLED' || asOf >= f.deadline) decided = 0;
  return {
    status, participants, targetSize: f.targetSize, need: f.targetSize - participants, invitees, inviteesPlayingGame: playing,
    pending, hoursLeft: Math.max(0, (f.deadline - asOf) / HOUR), decided,
  };
}

const smoothedRate = (hits: number, n: number): number => (hits + 1) / (n + 2);

/** The per-group columns (CONTEXT_COLUMNS order) at `asOf`. Scales keep each column near [0, 1]. */
export function contextRow(f: GroupBuyFacts, asOf: number): number[] {
  const price = f.itemPrice ?? 999;
  const created = f.createdAt ?? asOf;
  const deadline = f.deadline ?? asOf;
  return [
    Math.log(Math.max(1, price) / 1000),
    f.groupPrice !== null && price > 0 ? Math.max(0, 1 - f.groupPrice / price) : 0,
    ((f.targetSize ?? 2) - 2) / 4,
    (deadline - created) / (7 * DAY),
    Math.max(0, deadline - asOf) / (7 * DAY),
    f.itemGameId !== null ? 1 : 0,
    Math.log1p(f.gamePlays28d) / 6,
    Math.log1p(f.itemPurchases) / 5,
    Math.log1p(f.initiatorLaunches) / 2,
    smoothedRate(f.initiatorFilled, f.initiatorLaunches),
    Math.log1p(f.itemLaunches) / 2,
    smoothedRate(f.itemFilled, f.itemLaunches),
  ];
}

/**
 * The per-person columns (PERSON_COLUMNS order). `windowLeft` is the share of the person's
 * own invitation window still ahead (1 for someone invited now, or at launch).
 */
export function personRow(p: PersonFacts, o: { forwarded: boolean; windowLeft: number }): number[] {
  return [
    p.playsGame ? 1 : 0,
    p.squadMate ? 1 : 0,
    Math.log1p(p.interactions28d) / 5,
    o.forwarded ? 1 : 0,
    Math.log1p(p.purchases) / 4,
    Math.log1p(p.sameGamePurchases) / 3,
    smoothedRate(p.pastJoins, p.pastInvites),
    Math.log1p(p.pastInvites) / 2,
    Math.min(1, Math.max(0, o.windowLeft)),
  ];
}

/** Share of [invitedAt, deadline] still ahead at `asOf`. */
export function windowLeft(invitedAt: number, deadline: number, asOf: number): number {
  const span = deadline - invitedAt;
  return span > 0 ? Math.min(1, Math.max(0, (deadline - asOf) / span)) : 0;
}

/**
 * Feature rows of the pending invitees at `asOf` (rows × FEATURE_COUNT, row-major), in
 * `state.pending` order.
 */
export function pendingRows(f: GroupBuyFacts, state: GroupBuyState, asOf: number): Float32Array {
  const ctx = contextRow(f, asOf);
  const out = new Float32Array(state.pending.length * FEATURE_COUNT);
  state.pending.forEach((x, r) => {
    out.set([...personRow(x.person, { forwarded: x.forwarded, windowLeft: windowLeft(x.invitedAt, f.deadline ?? asOf, asOf) }), ...ctx], r * FEATURE_COUNT);
  });
  return out;
}

/** Feature rows of candidates the initiator could invite now (not forwarded, whole window ahead). */
export function candidateRows(f: GroupBuyFacts, candidates: readonly PersonFacts[], asOf: number): Float32Array {
  const ctx = contextRow(f, asOf);
  const out = new Float32Array(candidates.length * FEATURE_COUNT);
  candidates.forEach((p, r) => out.set([...personRow(p, { forwarded: false, windowLeft: 1 }), ...ctx], r * FEATURE_COUNT));
  return out;
}

/** The context row alone (the model's "invitations still to come" term reads it). */
export function contextFeatures(f: GroupBuyFacts, asOf: number): Float32Array {
  return Float32Array.from(contextRow(f, asOf));
}

/**
 * The "whom to invite" baseline's order: friends who play the game first, then by
 * interactions with the initiator over the 28 days before the launch; ties by user id.
 */
export function baselineInviteScore(p: PersonFacts): number {
  return (p.playsGame ? 1e6 : 0) + p.interactions28d;
}
