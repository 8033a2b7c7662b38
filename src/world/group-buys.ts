/**
 * Group buys launched inside friend groups. An initiator picks an item they like (and don't
 * own), sets a group price and a target size (2–6) and invites friends, squad-mates first,
 * then friends weighted by closeness; sometimes an invitee forwards the invite to a friend
 * of theirs. Each invitee joins by the deadline with a planted probability
 *   q = σ(bias + playsGame·[plays the item's game] + utility·U(invitee, item) + squadMate·[same squad])
 * at a time skewed towards the start. Joins are replayed in order: the group FILLS when
 * participants reach the target (closedAt = that join; later joiners are turned away), is
 * EXPIRED at the deadline otherwise, CANCELLED if the initiator gives up first (a few), and
 * still OPEN when the deadline is after the cutoff. Filled groups become GROUP_BUY purchases.
 *
 * The truth records each group's ex-ante fill probability, P(at least target − 1 invitees
 * join), exactly, by the Poisson-binomial DP over the q's (cancellation ignored).
 */
import { DAY_MS } from '../clock/clock';
import type { GroupBuyRow, GroupBuyStatus, InvitationRow, ParticipationRow, PurchaseRow } from '../ingest/rows';
import { onSale, type Catalog } from './catalog';
import type { PurchaseLedger } from './ledger';
import { UTILITY_WEIGHTS, plantedUtility } from './oracle';
import { plays, type Play } from './play';
import { poissonBinomialTail } from './poisson-binomial';
import type { Population } from './population';
import type { Rng } from './prng';
import type { SocialGraph } from './social-graph';
import type { Squads } from './squads';
import { dotRows, round, sigmoid } from './vectors';

export interface JoinModel {
  bias: number;
  playsGame: number;
  utility: number;
  squadMate: number;
}

export const GROUP_BUY_JOIN_MODEL: JoinModel = { bias: -1.4, playsGame: 1.5, utility: 0.6, squadMate: 0.6 };
const TARGET_SIZE_SHARE = [0.35, 0.3, 0.2, 0.1, 0.05]; // sizes 2..6
const GROUP_DISCOUNTS = [0.1, 0.15, 0.2, 0.25, 0.3];
const CANCEL_RATE = 0.04;

export interface GroupBuys {
  rows: GroupBuyRow[];
  invitations: InvitationRow[];
  participations: ParticipationRow[];
  /** One per participant of each FILLED group, ids continuing from `purchaseIdOffset`. */
  purchases: PurchaseRow[];
  fillProbability: Record<string, number>;
}

export interface GroupBuyDeps {
  pop: Population;
  graph: SocialGraph;
  closeness: Float64Array;
  catalog: Catalog;
  play: Play;
  ledger: PurchaseLedger;
  squads: Squads;
}

export interface GroupBuyInput {
  groupBuys: number;
  startMs: number;
  cutoffMs: number;
  purchaseIdOffset: number;
}

interface Invite {
  user: number;
  inviter: number;
  at: number;
  q: number;
  joinAt: number;
}

export function generateGroupBuys(deps: GroupBuyDeps, input: GroupBuyInput, rng: Rng): GroupBuys {
  const { pop, graph, closeness, catalog: cat, play, ledger, squads } = deps;
  const { startMs, cutoffMs } = input;
  const out: GroupBuys = { rows: [], invitations: [], participations: [], purchases: [], fillProbability: {} };
  // (user, item) pairs already in some group buy: nobody is in two for the same item.
  const involved = new Set<number>();
  const key = (u: number, i: number) => u * cat.itemCount + i;
  const utility = (v: number, i: number) => plantedUtility(
    UTILITY_WEIGHTS, dotRows(pop.taste, v, cat.itemVector, i), plays(play, v, cat.itemGame[i]),
    cat.itemAppeal[i], pop.priceSensitivity[v], cat.itemPrice[i],
  );
  const free = (v: number, i: number) => !ledger.owns(v, i) && !involved.has(key(v, i));

  // Launch times: spread over the history, plus a recent cluster so some are still OPEN.
  const from = startMs + 14 * DAY_MS;
  const times: number[] = [];
  for (let k = 0; k < input.groupBuys; k++) {
    times.push(Math.floor(rng.bernoulli(0.1) ? cutoffMs - rng.uniform() * 6 * DAY_MS : from + rng.uniform() * (cutoffMs - 3_600_000 - from)));
  }
  times.sort((a, b) => a - b);

  for (const t of times) {
    const initiator = pickInitiator(pop, graph, t, rng);
    if (initiator < 0) continue;
    const item = pickItem(cat, play, initiator, t, rng, (i) => free(initiator, i), utility);
    if (item < 0) continue;
    const sameSquad = new Set<number>();
    for (const s of squads.userSquads[initiator]) for (const v of squads.squadMembers[s]) if (v !== initiator) sameSquad.add(v);

    // Invitees: eligible friends, squad-mates first, then closeness-weighted without
    // replacement (Efraimidis–Spirakis keys ln(U)/w, largest first).
    const eligible: Array<[number, number]> = [];
    for (let k = graph.offsets[initiator]; k < graph.offsets[initiator + 1]; k++) {
      const e = graph.nbrEdge[k];
      const v = graph.nbr[k];
      if (graph.blocked[e] === 1 || graph.since[e] > t || closeness[e] <= 0 || !free(v, item)) continue;
      eligible.push([v, sameSquad.has(v) ? Infinity : Math.log(1 - rng.uniform()) / closeness[e]]);
    }
    if (eligible.length === 0) continue;
    eligible.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const targetSize = 2 + rng.pickWeighted(TARGET_SIZE_SHARE);
    const deadline = t + rng.intBetween(1, 7) * DAY_MS;
    const count = Math.min(eligible.length, targetSize - 1 + rng.poisson(1.2));
    const invites: Invite[] = [];
    const invited = new Set<number>([initiator]);
    const joinModel = (v: number): number => sigmoid(
      GROUP_BUY_JOIN_MODEL.bias + (plays(play, v, cat.itemGame[item]) ? GROUP_BUY_JOIN_MODEL.playsGame : 0)
      + GROUP_BUY_JOIN_MODEL.utility * utility(v, item) + (sameSquad.has(v) ? GROUP_BUY_JOIN_MODEL.squadMate : 0),
    );
    const invite = (v: number, inviter: number, at: number): void => {
      invited.add(v);
      const q = joinModel(v);
      const joinAt = rng.uniform() < q ? Math.floor(at + (deadline - at) * rng.uniform() ** 2) : Infinity;
      invites.push({ user: v, inviter, at, q, joinAt });
    };
    for (let j = 0; j < count; j++) invite(eligible[j][0], initiator, Math.floor(t + rng.uniform() * 600_000));
    if (rng.bernoulli(0.15)) {
      const fwd = rng.choice(invites);
      const at = Math.floor(fwd.at + rng.range(600_000, 6 * 3_600_000));
      for (let k = graph.offsets[fwd.user], added = 0; k < graph.offsets[fwd.user + 1] && added < 2 && at < deadline; k++) {
        const e = graph.nbrEdge[k];
        const w = graph.nbr[k];
        if (invited.has(w) || graph.blocked[e] === 1 || graph.since[e] > t || !free(w, item)) continue;
        invite(w, fwd.user, at);
        added++;
      }
    }

    const id = `gb${out.rows.length}`;
    out.fillProbability[id] = round(poissonBinomialTail(invites.map((x) => x.q), targetSize - 1), 5);
    const joiners = invites.filter((x) => x.joinAt < Infinity).sort((a, b) => a.joinAt - b.joinAt || a.user - b.user);
    const fillAt = joiners.length >= targetSize - 1 ? joiners[targetSize - 2].joinAt : Infinity;
    const cancelAt = rng.bernoulli(CANCEL_RATE) ? Math.floor(t + rng.uniform() * (deadline - t)) : Infinity;

    let status: GroupBuyStatus;
    let closedAt: number | null;
    let joinedBefore: number; // participants are the initiator plus joiners strictly before this
    if (cancelAt < fillAt && cancelAt <= cutoffMs) {
      status = 'CANCELLED';
      closedAt = cancelAt;
      joinedBefore = cancelAt;
    } else if (fillAt <= cutoffMs) {
      status = 'FILLED';
      closedAt = fillAt;
      joinedBefore = fillAt + 1;
    } else if (deadline <= cutoffMs) {
      status = 'EXPIRED';
      closedAt = deadline;
      joinedBefore = deadline;
    } else {
      status = 'OPEN';
      closedAt = null;
      joinedBefore = cutoffMs + 1;
    }
    const gb: GroupBuyRow = {
      id, initiatorId: pop.ids[initiator], itemId: cat.items[item].id, groupPrice: groupPrice(cat.itemPrice[item], rng),
      targetSize, createdAt: t, deadline, status, closedAt,
    };
    out.rows.push(gb);
    for (const x of invites) {
      involved.add(key(x.user, item));
      if (x.at <= cutoffMs) out.invitations.push({ groupBuyId: id, inviterId: pop.ids[x.inviter], inviteeId: pop.ids[x.user], at: x.at });
    }
    involved.add(key(initiator, item));
    const participants: Array<[number, number]> = [[initiator, t]];
    for (const x of joiners) {
      if (participants.length >= targetSize || x.joinAt >= joinedBefore) break;
      participants.push([x.user, x.joinAt]);
    }
    for (const [v, at] of participants) {
      out.participations.push({ groupBuyId: id, userId: pop.ids[v], joinedAt: at });
      if (status === 'FILLED' && closedAt !== null) {
        out.purchases.push({
          id: `pu${input.purchaseIdOffset + out.purchases.length}`, userId: pop.ids[v], itemId: gb.itemId, at: closedAt,
          surface: 'GROUP_BUY', pricePaid: gb.groupPrice, discount: round(1 - (gb.groupPrice ?? 0) / cat.itemPrice[item], 4),
          recId: null, campaignId: null, split: null,
        });
        ledger.add(v, item, closedAt);
      }
    }
  }
  return out;
}

function groupPrice(price: number, rng: Rng): number {
  return Math.min(price - 1, Math.round(price * (1 - rng.choice(GROUP_DISCOUNTS))));
}

/** A user who had joined by t and has at least one unblocked friend then; -1 after 20 misses. */
function pickInitiator(pop: Population, graph: SocialGraph, t: number, rng: Rng): number {
  for (let tries = 0; tries < 20; tries++) {
    const u = rng.int(pop.n);
    if (pop.createdAt[u] > t) continue;
    for (let k = graph.offsets[u]; k < graph.offsets[u + 1]; k++) {
      const e = graph.nbrEdge[k];
      if (graph.blocked[e] === 0 && graph.since[e] <= t) return u;
    }
  }
  return -1;
}

/** The most appealing (U + noise) of a few on-sale, non-consumable items the initiator could want. */
function pickItem(
  cat: Catalog, play: Play, u: number, t: number, rng: Rng,
  free: (i: number) => boolean, utility: (v: number, i: number) => number,
): number {
  const options: number[] = [];
  const g0 = play.userGameStart[u];
  const gCount = play.userGameStart[u + 1] - g0;
  for (let k = 0; k < (gCount > 0 ? 10 : 0); k++) {
    const g = play.userGames[g0 + rng.int(gCount)];
    options.push(cat.gameItemStart[g] + rng.int(cat.gameItemStart[g + 1] - cat.gameItemStart[g]));
  }
  for (let k = 0; k < 4; k++) options.push(rng.int(cat.firstPartyCount));
  let best = -1;
  let bestScore = -Infinity;
  for (const i of options) {
    if (cat.itemConsumable[i] === 1 || !onSale(cat, i, t) || !free(i)) continue;
    const score = utility(u, i) + rng.normal(0, 0.5);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}
