import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/clock';
import { ErrorCode } from '../../errors/codes';
import { BadInputError, GiftgraphError, NotFoundError } from '../../errors/errors';
import type { GraphClient, Row, Tx } from '../../graph/graph-client';
import {
  CANCEL_GROUP_BUY, CREATE_GROUP_BUY, CREATE_GROUP_BUY_FACTS, GROUP_BUY_FACTS, INVITE_TO_GROUP_BUY, JOIN_GROUP_BUY, LEAVE_GROUP_BUY,
} from '../../graph/queries/group-buy-writes';
import type { Logger } from '../../logging/logger';
import { runIdempotent, type Idempotent } from './idempotent';
import type { RefreshAfterWrite } from './refresh';
import { assertForSale, type Acting } from './shop-mutations';

export interface GroupBuyResult {
  groupBuyId: string;
  /** Status right after this mutation. */
  status: 'OPEN' | 'FILLED' | 'EXPIRED' | 'CANCELLED';
  participants: number;
  /** Invitations this call added. */
  invited?: number;
}

export const GROUP_BUY_LIMITS = { minTarget: 2, maxTarget: 10, maxInvitees: 50, minHours: 1, maxHours: 14 * 24 } as const;

interface InviteeFact { id: string; exists: boolean; friends: boolean; blocked: boolean; joined?: boolean; alreadyInvited?: boolean }

/**
 * Group-buy mutations. Each locks the GroupBuy node before the write it decides on
 * (GROUP_BUY_FACTS bumps its version; a join's guarded write takes the lock itself), so
 * joins for the last slot run one after another and "participants < target" is always
 * checked against the committed count. Expiry is decided inside the
 * transaction by the injected clock: an OPEN group buy past its deadline takes no joins,
 * leaves or invitations (GROUP_BUY_CLOSED, status EXPIRED).
 */
export class GroupBuyMutations {
  constructor(private readonly deps: { graph: GraphClient; clock: Clock; refresh: RefreshAfterWrite; logger: Logger }) {}

  async create(a: Acting, p: { itemId: string; targetSize: number; groupPrice?: number | null; durationHours: number; inviteeIds: string[] }): Promise<Idempotent<GroupBuyResult>> {
    const L = GROUP_BUY_LIMITS;
    if (!Number.isInteger(p.targetSize) || p.targetSize < L.minTarget || p.targetSize > L.maxTarget) throw new BadInputError(`targetSize must be an integer ${L.minTarget}..${L.maxTarget}; got ${p.targetSize}`);
    if (!(p.durationHours >= L.minHours && p.durationHours <= L.maxHours)) throw new BadInputError(`durationHours must be ${L.minHours}..${L.maxHours}; got ${p.durationHours}`);
    const invitees = [...new Set(p.inviteeIds)].sort();
    if (invitees.length > L.maxInvitees) throw new BadInputError(`at most ${L.maxInvitees} invitees; got ${invitees.length}`);
    if (invitees.includes(a.userId)) throw new BadInputError('the initiator is a participant already; do not invite yourself');
    if (p.groupPrice != null && (!Number.isInteger(p.groupPrice) || p.groupPrice < 0)) throw new BadInputError(`groupPrice must be a non-negative integer (minor units); got ${p.groupPrice}`);
    const payload = { itemId: p.itemId, targetSize: p.targetSize, groupPrice: p.groupPrice ?? null, durationHours: p.durationHours, inviteeIds: invitees };
    return runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'createGroupBuy', payload }, async (tx, now) => {
      const f = (await tx.run(CREATE_GROUP_BUY_FACTS.cypher, { ds: a.dataset, user: a.userId, item: p.itemId, now, invitees }))[0];
      if (!f) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      assertForSale(a.dataset, p.itemId, f, now);
      if (f.owns && f.consumable !== true) throw new GiftgraphError(ErrorCode.ALREADY_OWNED, `${a.dataset}:${a.userId} already owns item ${a.dataset}:${p.itemId}`, { itemId: p.itemId });
      const price = (f.price as number | null) ?? null;
      if (payload.groupPrice !== null && price !== null && payload.groupPrice > price) throw new BadInputError(`groupPrice (${payload.groupPrice}) must not exceed the list price (${price})`);
      assertInvitable(a, f.invitees as InviteeFact[]);
      const id = `gb-${randomUUID()}`;
      const r = (await tx.run(CREATE_GROUP_BUY.cypher, { ds: a.dataset, user: a.userId, item: p.itemId, id, groupPrice: payload.groupPrice ?? price, targetSize: p.targetSize, now, deadline: now + p.durationHours * 3_600_000, invitees }))[0]!;
      return { groupBuyId: id, status: 'OPEN' as const, participants: 1, invited: Number(r.invited) };
    });
  }

  async invite(a: Acting, p: { groupBuyId: string; inviteeIds: string[] }): Promise<Idempotent<GroupBuyResult>> {
    const invitees = [...new Set(p.inviteeIds)].sort();
    if (invitees.length === 0 || invitees.length > GROUP_BUY_LIMITS.maxInvitees) throw new BadInputError(`inviteeIds must hold 1..${GROUP_BUY_LIMITS.maxInvitees} users; got ${invitees.length}`);
    const payload = { groupBuyId: p.groupBuyId, inviteeIds: invitees };
    return runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'inviteToGroupBuy', payload }, async (tx, now) => {
      const f = await this.lock(tx, a, p.groupBuyId, invitees);
      this.assertOpen(a, p.groupBuyId, f, now);
      if (!f.joined) throw new GiftgraphError(ErrorCode.FORBIDDEN, `only participants of group buy ${a.dataset}:${p.groupBuyId} can invite`, { groupBuyId: p.groupBuyId });
      const facts = f.invitees as InviteeFact[];
      assertInvitable(a, facts);
      const inside = facts.find((x) => x.joined);
      if (inside) throw new GiftgraphError(ErrorCode.ALREADY_JOINED, `${a.dataset}:${inside.id} is already in group buy ${a.dataset}:${p.groupBuyId}`, { userId: inside.id });
      const fresh = facts.filter((x) => !x.alreadyInvited).map((x) => x.id);
      if (fresh.length > 0) await tx.run(INVITE_TO_GROUP_BUY.cypher, { ds: a.dataset, gb: p.groupBuyId, user: a.userId, now, invitees: fresh });
      return { groupBuyId: p.groupBuyId, status: 'OPEN' as const, participants: Number(f.participants), invited: fresh.length };
    });
  }

  /**
   * Joins an OPEN group buy the user was invited to; the join that reaches the target
   * fills it and buys the item for every participant. The coded errors come from facts
   * read without the lock; the lock is taken by the write itself, which re-checks them
   * (JOIN_GROUP_BUY), so one group's joins queue on its lock for one statement and the
   * commit. When something changed in between, the facts are read again under the lock
   * and answer with the error that applies now.
   */
  async join(a: Acting, p: { groupBuyId: string }): Promise<Idempotent<GroupBuyResult>> {
    const r = await runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'joinGroupBuy', payload: p }, async (tx, now) => {
      const w = (await tx.run(JOIN_GROUP_BUY.cypher, { ds: a.dataset, gb: p.groupBuyId, user: a.userId, now }))[0];
      if (!w) {
        // Which condition failed, read under the lock the join took: the coded error.
        this.assertJoinable(a, p.groupBuyId, await this.lock(tx, a, p.groupBuyId, []), now);
        throw new GiftgraphError(ErrorCode.GROUP_BUY_CLOSED, `group buy ${a.dataset}:${p.groupBuyId} no longer takes this join`, { groupBuyId: p.groupBuyId });
      }
      const fills = w.fills === true;
      return { groupBuyId: p.groupBuyId, status: fills ? ('FILLED' as const) : ('OPEN' as const), participants: Number(w.participants), buyers: w.buyers as string[], itemId: String(w.itemId) };
    });
    if (!r.replayed && r.result.status === 'FILLED') await this.deps.refresh.run(a.dataset, { users: [a.userId] }, { users: r.result.buyers.filter((b) => b !== a.userId), items: [r.result.itemId] });
    const { buyers: _b, itemId: _i, ...result } = r.result;
    return { result, replayed: r.replayed };
  }

  /** The coded errors of a join, decided on a group buy's facts. */
  private assertJoinable(a: Acting, groupBuyId: string, f: Row, now: number): void {
    if (!f.userExists) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
    if (f.joined) throw new GiftgraphError(ErrorCode.ALREADY_JOINED, `${a.dataset}:${a.userId} is already in group buy ${a.dataset}:${groupBuyId}`, { groupBuyId });
    this.assertOpen(a, groupBuyId, f, now);
    const participants = Number(f.participants);
    const target = Number(f.targetSize);
    if (participants >= target) throw new GiftgraphError(ErrorCode.GROUP_BUY_FULL, `group buy ${a.dataset}:${groupBuyId} is full (${participants} of ${target})`, { groupBuyId, participants, targetSize: target });
    if (!f.invited) throw new GiftgraphError(ErrorCode.FORBIDDEN, `${a.dataset}:${a.userId} was not invited to group buy ${a.dataset}:${groupBuyId}`, { groupBuyId });
    if (f.owns && f.consumable !== true) throw new GiftgraphError(ErrorCode.ALREADY_OWNED, `${a.dataset}:${a.userId} already owns the group buy's item`, { itemId: f.itemId });
  }

  async leave(a: Acting, p: { groupBuyId: string }): Promise<Idempotent<GroupBuyResult>> {
    return runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'leaveGroupBuy', payload: p }, async (tx, now) => {
      const f = await this.lock(tx, a, p.groupBuyId, []);
      if (!f.userExists) throw new NotFoundError('user', `${a.dataset}:${a.userId}`);
      this.assertOpen(a, p.groupBuyId, f, now);
      if (f.initiatorId === a.userId) throw new GiftgraphError(ErrorCode.FORBIDDEN, 'the initiator cannot leave their group buy; cancel it instead', { groupBuyId: p.groupBuyId });
      if (!f.joined) throw new GiftgraphError(ErrorCode.NOT_JOINED, `${a.dataset}:${a.userId} is not in group buy ${a.dataset}:${p.groupBuyId}`, { groupBuyId: p.groupBuyId });
      await tx.run(LEAVE_GROUP_BUY.cypher, { ds: a.dataset, gb: p.groupBuyId, user: a.userId });
      return { groupBuyId: p.groupBuyId, status: 'OPEN' as const, participants: Number(f.participants) - 1 };
    });
  }

  async cancel(a: Acting, p: { groupBuyId: string }): Promise<Idempotent<GroupBuyResult>> {
    return runIdempotent(this.deps, { dataset: a.dataset, actor: a.userId, key: a.idempotencyKey, operation: 'cancelGroupBuy', payload: p }, async (tx, now) => {
      const f = await this.lock(tx, a, p.groupBuyId, []);
      if (f.initiatorId !== a.userId) throw new GiftgraphError(ErrorCode.FORBIDDEN, `only the initiator can cancel group buy ${a.dataset}:${p.groupBuyId}`, { groupBuyId: p.groupBuyId });
      this.assertOpen(a, p.groupBuyId, f, now);
      await tx.run(CANCEL_GROUP_BUY.cypher, { ds: a.dataset, gb: p.groupBuyId, now });
      return { groupBuyId: p.groupBuyId, status: 'CANCELLED' as const, participants: Number(f.participants) };
    });
  }

  /** Locks the group buy and reads its facts; NOT_FOUND when it does not exist. */
  private async lock(tx: Tx, a: Acting, groupBuyId: string, invitees: string[]): Promise<Row> {
    const f = (await tx.run(GROUP_BUY_FACTS.cypher, { ds: a.dataset, gb: groupBuyId, user: a.userId, invitees }))[0];
    if (!f) throw new NotFoundError('group buy', `${a.dataset}:${groupBuyId}`);
    return f;
  }

  private assertOpen(a: Acting, groupBuyId: string, f: Row, now: number): void {
    const status = effectiveStatus(String(f.status), (f.deadline as number | null) ?? null, now);
    if (status !== 'OPEN') throw new GiftgraphError(ErrorCode.GROUP_BUY_CLOSED, `group buy ${a.dataset}:${groupBuyId} is ${status}`, { groupBuyId, status });
  }
}

/** An OPEN group buy whose deadline has passed (by the injected clock) is EXPIRED. */
export function effectiveStatus(status: string, deadline: number | null, now: number): 'OPEN' | 'FILLED' | 'EXPIRED' | 'CANCELLED' {
  if (status === 'OPEN' && deadline !== null && deadline <= now) return 'EXPIRED';
  return status as 'OPEN' | 'FILLED' | 'EXPIRED' | 'CANCELLED';
}

function assertInvitable(a: Acting, invitees: InviteeFact[]): void {
  for (const x of invitees) {
    if (!x.exists) throw new NotFoundError('user', `${a.dataset}:${x.id}`);
    if (!x.friends) throw new GiftgraphError(ErrorCode.NOT_FRIENDS, `${a.dataset}:${x.id} is not a friend of ${a.dataset}:${a.userId}`, { userId: x.id });
    if (x.blocked) throw new GiftgraphError(ErrorCode.FRIEND_BLOCKED, `the friendship with ${a.dataset}:${x.id} is blocked`, { userId: x.id });
  }
}
