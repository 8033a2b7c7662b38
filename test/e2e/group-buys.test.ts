import type { Clock } from '../../src/clock/clock';
import type { GraphClient } from '../../src/graph/graph-client';
import { ingestDataset } from '../../src/ingest/ingest';
import { emptyRows } from '../../src/ingest/rows';
import { silentLogger } from '../../src/logging/logger';
import { GroupBuyMutations } from '../../src/services/mutations/group-buy-mutations';
import { RefreshAfterWrite } from '../../src/services/mutations/refresh';
import { startTestApi, type GqlResponse } from '../support/api';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../support/graph';

/** An initiator u0 with 24 friends (u1..u24); u25 is nobody's friend; i0 a 1P item, i1 a consumable (bought again and again). */
function groupRows() {
  const r = emptyRows();
  r.publishers.push({ id: 'p0', name: 'Platform', firstParty: true });
  for (let i = 0; i <= 25; i++) r.users.push({ id: `u${i}`, name: `U${i}`, createdAt: TEST_NOW - 1e9, birthday: null });
  for (let i = 1; i <= 24; i++) r.friendships.push({ a: 'u0', b: `u${i}`, since: TEST_NOW - 1e9, blocked: false, blockedBy: null });
  r.friendships.push({ a: 'u1', b: 'u2', since: TEST_NOW - 1e9, blocked: false, blockedBy: null });
  r.items.push({ id: 'i0', name: 'Squad banner', catalog: '1P', type: 'PROFILE_EFFECT', price: 1000, currency: 'USD', rarity: null, gameId: null, publisherId: 'p0', dropAt: null, availableUntil: null, forSale: true, giftable: true, consumable: false });
  r.items.push({ id: 'i2', name: 'Avatar frame', catalog: '1P', type: 'AVATAR_DECORATION', price: 800, currency: 'USD', rarity: null, gameId: null, publisherId: 'p0', dropAt: null, availableUntil: null, forSale: true, giftable: true, consumable: false });
  r.items.push({ id: 'i1', name: 'Boost pack', catalog: '1P', type: 'BOOST', price: 500, currency: 'USD', rarity: null, gameId: null, publisherId: 'p0', dropAt: null, availableUntil: null, forSale: true, giftable: true, consumable: true });
  return r;
}

describe('group buys over HTTP', () => {
  let graph: GraphClient;
  let api: Awaited<ReturnType<typeof startTestApi>>;
  const ds = uniqueDataset('gb');
  const id = (x: string) => `${ds}:${x}`;
  let now = TEST_NOW;
  const clock: Clock = { now: () => now };
  let keyN = 0;
  const key = () => `gbkey-${++keyN}-${Date.now()}`;
  const code = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    graph = await testGraph();
    await ingestDataset({ graph, dataset: ds, rows: groupRows(), reset: false, clock, logger: silentLogger, meta: { kind: 'synthetic', cutoff: TEST_NOW, seed: 1, source: 'test' } });
    api = await startTestApi(graph, { clock });
  });
  afterAll(async () => {
    await api?.stop();
    await dropDataset(graph, ds);
    await graph.close();
  });

  const FIELDS = `replayed invited groupBuy { id status targetSize participantCount participants { id } invitees { id } item { id } initiator { id } }`;
  type Payload = { replayed: boolean; invited: number; groupBuy: { id: string; status: string; participantCount: number; participants: { id: string }[]; invitees: { id: string }[] } };
  const create = (input: Record<string, unknown>) => api.gql<{ createGroupBuy: Payload }>(`mutation($input: CreateGroupBuyInput!) { createGroupBuy(input: $input) { ${FIELDS} } }`, { input: { userId: id('u0'), idempotencyKey: key(), itemId: id('i1'), targetSize: 3, durationHours: 24, ...input } });
  const act = (op: 'joinGroupBuy' | 'leaveGroupBuy' | 'cancelGroupBuy', user: string, gb: string, k = key()) =>
    api.gql<Record<string, Payload>>(`mutation($input: GroupBuyActionInput!) { ${op}(input: $input) { ${FIELDS} } }`, { input: { userId: id(user), idempotencyKey: k, groupBuyId: gb } });

  it('create, invite, join to fill: the filling join closes it and buys the item for every participant', async () => {
    const c = await create({ itemId: id('i0'), inviteeIds: [id('u1'), id('u2')] });
    expect(c.errors).toBeUndefined();
    const gb = c.data!.createGroupBuy.groupBuy;
    expect(gb).toMatchObject({ status: 'OPEN', participantCount: 1, participants: [{ id: id('u0') }] });
    expect(c.data!.createGroupBuy.invited).toBe(2);
    const inv = await api.gql<{ inviteToGroupBuy: Payload }>(`mutation($input: InviteInput!) { inviteToGroupBuy(input: $input) { ${FIELDS} } }`, { input: { userId: id('u0'), idempotencyKey: key(), groupBuyId: gb.id, inviteeIds: [id('u3'), id('u1')] } });
    expect(inv.data!.inviteToGroupBuy.invited).toBe(1);
    expect(inv.data!.inviteToGroupBuy.groupBuy.invitees.map((u) => u.id).sort()).toEqual([id('u1'), id('u2'), id('u3')].sort());
    const k = key();
    const j1 = await act('joinGroupBuy', 'u1', gb.id, k);
    expect(j1.data!.joinGroupBuy!.groupBuy).toMatchObject({ status: 'OPEN', participantCount: 2 });
    expect((await act('joinGroupBuy', 'u1', gb.id, k)).data!.joinGroupBuy!.replayed).toBe(true);
    expect(code(await act('joinGroupBuy', 'u1', gb.id))).toBe('ALREADY_JOINED');
    const j2 = await act('joinGroupBuy', 'u2', gb.id);
    expect(j2.data!.joinGroupBuy!.groupBuy).toMatchObject({ status: 'FILLED', participantCount: 3 });
    const bought = await graph.query(`MATCH (u:User {dataset: $ds})-[p:PURCHASED {groupBuyId: $gb}]->(:Item {id: 'i0'}) RETURN u.id AS id ORDER BY id`, { ds, gb: gb.id.split(':')[1] });
    expect(bought.map((r) => r.id)).toEqual(['u0', 'u1', 'u2']);
    expect(code(await act('joinGroupBuy', 'u3', gb.id))).toBe('GROUP_BUY_CLOSED');
    // Now u0 owns the banner: a second group buy for it is refused.
    expect(code(await create({ itemId: id('i0') }))).toBe('ALREADY_OWNED');
  });

  it('refuses invitees who are not friends, unknown users, a bad target size, and joins by the uninvited', async () => {
    expect(code(await create({ inviteeIds: [id('u25')] }))).toBe('NOT_FRIENDS');
    expect(code(await create({ inviteeIds: [id('ghost')] }))).toBe('NOT_FOUND');
    expect(code(await create({ targetSize: 1 }))).toBe('BAD_USER_INPUT');
    expect(code(await create({ itemId: id('nope') }))).toBe('NOT_FOUND');
    const gb = (await create({ inviteeIds: [id('u4')] })).data!.createGroupBuy.groupBuy.id;
    expect(code(await act('joinGroupBuy', 'u5', gb))).toBe('FORBIDDEN');
    expect(code(await act('joinGroupBuy', 'u4', `${ds}:nope`))).toBe('NOT_FOUND');
  });

  it('an invitee who already owns the (non-consumable) item cannot join: ALREADY_OWNED, and nothing is written', async () => {
    await graph.write((tx) => tx.run(`MATCH (u:User {dataset: $ds, id: 'u10'}), (i:Item {dataset: $ds, id: 'i2'}) CREATE (u)-[:PURCHASED {id: 'gb-own-u10', at: $at}]->(i)`, { ds, at: TEST_NOW - 1000 }));
    const gb = (await create({ itemId: id('i2'), inviteeIds: [id('u10'), id('u11')] })).data!.createGroupBuy.groupBuy.id;
    expect(code(await act('joinGroupBuy', 'u10', gb))).toBe('ALREADY_OWNED');
    const joined = await graph.query(`MATCH (:GroupBuy {dataset: $ds, id: $gb})<-[:JOINED]-(u:User) RETURN collect(u.id) AS ids`, { ds, gb: gb.split(':')[1] });
    expect(joined[0]!.ids).toEqual(['u0']);
    expect((await act('joinGroupBuy', 'u11', gb)).data!.joinGroupBuy!.groupBuy.participantCount).toBe(2);
  });

  it('leave frees a slot; the initiator cannot leave; only the initiator cancels; a cancelled one takes no joins', async () => {
    const gb = (await create({ inviteeIds: [id('u6'), id('u7')] })).data!.createGroupBuy.groupBuy.id;
    await act('joinGroupBuy', 'u6', gb);
    expect(code(await act('leaveGroupBuy', 'u0', gb))).toBe('FORBIDDEN');
    expect(code(await act('leaveGroupBuy', 'u7', gb))).toBe('NOT_JOINED');
    expect((await act('leaveGroupBuy', 'u6', gb)).data!.leaveGroupBuy!.groupBuy.participantCount).toBe(1);
    expect(code(await act('cancelGroupBuy', 'u6', gb))).toBe('FORBIDDEN');
    expect((await act('cancelGroupBuy', 'u0', gb)).data!.cancelGroupBuy!.groupBuy.status).toBe('CANCELLED');
    expect(code(await act('joinGroupBuy', 'u7', gb))).toBe('GROUP_BUY_CLOSED');
    expect(code(await act('cancelGroupBuy', 'u0', gb))).toBe('GROUP_BUY_CLOSED');
  });

  it('expiry is decided by the injected clock inside the transaction: after the deadline no join is accepted and the status reads EXPIRED', async () => {
    const gb = (await create({ inviteeIds: [id('u8')], durationHours: 2 })).data!.createGroupBuy.groupBuy.id;
    now += 3 * 3_600_000;
    try {
      const j = await act('joinGroupBuy', 'u8', gb);
      expect(code(j)).toBe('GROUP_BUY_CLOSED');
      expect(j.errors![0]!.extensions!.status).toBe('EXPIRED');
      const q = await api.gql<{ groupBuy: { status: string } }>(`query($id: ID!) { groupBuy(id: $id) { status } }`, { id: gb });
      expect(q.data!.groupBuy.status).toBe('EXPIRED');
    } finally {
      now = TEST_NOW;
    }
  });

  it('the last slot: 20 concurrent joins on separate sessions behind a barrier, 50 times — exactly one wins and participants never exceed the target', async () => {
    const writes = new GroupBuyMutations({ graph, clock, refresh: new RefreshAfterWrite({ refresh: null, logger: silentLogger }), logger: silentLogger });
    const racers = Array.from({ length: 20 }, (_, k) => `u${k + 3}`);
    for (let rep = 0; rep < 50; rep++) {
      const created = await writes.create({ dataset: ds, userId: 'u0', idempotencyKey: `race-create-${rep}-${Date.now()}` }, { itemId: 'i1', targetSize: 3, durationHours: 24, inviteeIds: ['u1', ...racers] });
      const gb = created.result.groupBuyId;
      await writes.join({ dataset: ds, userId: 'u1', idempotencyKey: `race-first-${rep}-${Date.now()}` }, { groupBuyId: gb });
      let release!: () => void;
      const barrier = new Promise<void>((r) => (release = r));
      const attempts = racers.map(async (u) => {
        await barrier;
        return writes.join({ dataset: ds, userId: u, idempotencyKey: `race-${rep}-${u}` }, { groupBuyId: gb }).then(
          () => 'ok',
          (e: { code?: string }) => e.code ?? 'ERR',
        );
      });
      release();
      const outcomes = await Promise.all(attempts);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(new Set(outcomes.filter((o) => o !== 'ok'))).toEqual(new Set(['GROUP_BUY_CLOSED']));
      const n = await graph.query(`MATCH (g:GroupBuy {dataset: $ds, id: $gb})<-[:JOINED]-(u:User) RETURN count(u) AS n, g.status AS status`, { ds, gb });
      expect(n[0]).toEqual({ n: 3, status: 'FILLED' });
    }
  }, 600_000);
});
