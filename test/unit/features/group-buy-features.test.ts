import fc from 'fast-check';
import {
  CONTEXT_COLUMNS, FEATURE_COUNT, PERSON_COLUMNS, baselineInviteScore, candidateRows, contextRow, fillLabel, pendingRows, personRow, stateAt, windowLeft,
} from '../../../src/features/group-buy-features';
import type { GroupBuyFacts, InviteeFacts, PersonFacts } from '../../../src/graph/queries/group-buy-signals';

const H = 3_600_000;
const person = (userId: string, o: Partial<PersonFacts> = {}): PersonFacts => ({
  userId, playsGame: false, squadMate: false, interactions28d: 0, purchases: 0, sameGamePurchases: 0, pastInvites: 0, pastJoins: 0, ...o,
});
const invitee = (userId: string, invitedAt: number, joinedAt: number | null, o: Partial<InviteeFacts> = {}): InviteeFacts => ({
  ...person(userId), invitedAt, inviterId: 'u0', joinedAt, ...o,
});

/** Launched at t = 0 by u0, target 4, deadline 48 h; u1 joins at 5 h, u2 at 30 h, u3 never; u4 forwarded at 10 h. */
function facts(o: Partial<GroupBuyFacts> = {}): GroupBuyFacts {
  return {
    id: 'gb1', status: 'FILLED', createdAt: 0, deadline: 48 * H, closedAt: 30 * H, targetSize: 4, groupPrice: 750,
    itemId: 'i1', itemPrice: 1000, itemGameId: 'g1', initiatorId: 'u0',
    initiatorLaunches: 2, initiatorFilled: 1, itemLaunches: 0, itemFilled: 0, itemPurchases: 10, gamePlays28d: 40,
    invitees: [
      invitee('u1', 60_000, 5 * H, { playsGame: true }),
      invitee('u2', 60_000, 30 * H),
      invitee('u3', 60_000, null, { playsGame: true }),
      invitee('u4', 10 * H, null, { inviterId: 'u1' }),
    ],
    participants: [{ userId: 'u0', joinedAt: 0 }, { userId: 'u1', joinedAt: 5 * H }, { userId: 'u2', joinedAt: 30 * H }],
    ...o,
  };
}

describe('group-buy state at an instant', () => {
  it('counts participants and pending invitees by their timestamps', () => {
    const s = stateAt(facts(), 6 * H);
    expect(s.status).toBe('OPEN');
    expect(s.participants).toBe(2); // the initiator and u1
    expect(s.need).toBe(2);
    expect(s.invitees).toBe(3); // u4 is invited only at 10 h
    expect(s.inviteesPlayingGame).toBe(2);
    expect(s.pending.map((p) => [p.person.userId, p.joinsLater, p.forwarded])).toEqual([['u2', true, false], ['u3', false, false]]);
    expect(s.hoursLeft).toBeCloseTo(42, 9);
    expect(s.decided).toBeNull();
    const later = stateAt(facts(), 12 * H);
    expect(later.pending.find((p) => p.person.userId === 'u4')?.forwarded).toBe(true);
  });

  it('is decided once closed (FILLED 1, EXPIRED/CANCELLED 0) and for an OPEN group past its deadline (0)', () => {
    expect(stateAt(facts(), 30 * H).decided).toBe(1);
    expect(stateAt(facts({ status: 'EXPIRED', closedAt: 48 * H }), 48 * H).decided).toBe(0);
    expect(stateAt(facts({ status: 'CANCELLED', closedAt: 20 * H }), 21 * H).decided).toBe(0);
    expect(stateAt(facts({ status: 'OPEN', closedAt: null }), 48 * H).decided).toBe(0);
    expect(stateAt(facts({ status: 'OPEN', closedAt: null }), 47 * H).decided).toBeNull();
  });

  it('refuses a group buy without terms', () => {
    expect(() => stateAt(facts({ targetSize: null }), 0)).toThrow(/no target size/);
  });

  it('labels FILLED 1, EXPIRED 0 and nothing else', () => {
    expect([fillLabel('FILLED'), fillLabel('EXPIRED'), fillLabel('CANCELLED'), fillLabel('OPEN')]).toEqual([1, 0, null, null]);
  });

  it('never counts more participants than joined by the instant, and pending + joined invitees = invited', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 48 * H }), (t) => {
        const s = stateAt(facts({ status: 'OPEN', closedAt: null }), t);
        const joinedInvitees = facts().invitees.filter((x) => x.invitedAt! <= t && x.joinedAt !== null && x.joinedAt <= t).length;
        return s.participants === 1 + joinedInvitees && s.pending.length + joinedInvitees === s.invitees;
      }),
    );
  });
});

describe('group-buy feature rows', () => {
  it('has one value per column, hand-checked', () => {
    const ctx = contextRow(facts(), 6 * H);
    expect(ctx).toHaveLength(CONTEXT_COLUMNS.length);
    expect(ctx[CONTEXT_COLUMNS.indexOf('discount')]).toBeCloseTo(0.25, 12);
    expect(ctx[CONTEXT_COLUMNS.indexOf('targetSize')]).toBeCloseTo(0.5, 12);
    expect(ctx[CONTEXT_COLUMNS.indexOf('daysLeft')]).toBeCloseTo(42 / 24 / 7, 12);
    expect(ctx[CONTEXT_COLUMNS.indexOf('initiatorFillRate')]).toBeCloseTo(2 / 4, 12); // (1 + 1) / (2 + 2)
    expect(ctx[CONTEXT_COLUMNS.indexOf('itemFillRate')]).toBeCloseTo(0.5, 12); // no history: the Laplace 1/2
    const p = personRow(person('u9', { playsGame: true, pastInvites: 3, pastJoins: 3 }), { forwarded: true, windowLeft: 0.5 });
    expect(p).toHaveLength(PERSON_COLUMNS.length);
    expect(p[PERSON_COLUMNS.indexOf('playsGame')]).toBe(1);
    expect(p[PERSON_COLUMNS.indexOf('forwarded')]).toBe(1);
    expect(p[PERSON_COLUMNS.indexOf('pastJoinRate')]).toBeCloseTo(0.8, 12);
    expect(p[PERSON_COLUMNS.indexOf('windowLeft')]).toBe(0.5);
  });

  it('lays out pending and candidate rows as person columns then context columns', () => {
    const f = facts();
    const s = stateAt(f, 6 * H);
    const rows = pendingRows(f, s, 6 * H);
    expect(rows).toHaveLength(2 * FEATURE_COUNT);
    const ctx = contextRow(f, 6 * H);
    expect(Array.from(rows.slice(FEATURE_COUNT - ctx.length, FEATURE_COUNT))).toEqual(Array.from(Float32Array.from(ctx)));
    // u2 was invited at 1 min, so at 6 h about 7/8 of its window is left.
    expect(rows[PERSON_COLUMNS.indexOf('windowLeft')]).toBeCloseTo(windowLeft(60_000, 48 * H, 6 * H), 6);
    const cand = candidateRows(f, [person('u7')], 6 * H);
    expect(cand[PERSON_COLUMNS.indexOf('windowLeft')]).toBe(1);
    expect(cand[PERSON_COLUMNS.indexOf('forwarded')]).toBe(0);
  });

  it('orders the invite baseline by plays-the-game first, then interactions', () => {
    const a = baselineInviteScore(person('a', { playsGame: true, interactions28d: 0 }));
    const b = baselineInviteScore(person('b', { playsGame: false, interactions28d: 500 }));
    const c = baselineInviteScore(person('c', { playsGame: false, interactions28d: 20 }));
    expect(a > b && b > c).toBe(true);
  });
});
