import type { GraphClient } from '../../../src/graph/graph-client';
import { friendsWhoBought, socialCandidates } from '../../../src/graph/queries/retrieval';
import { dropDataset, testGraph, uniqueDataset } from '../../support/graph';

/**
 * The served social lift counts every unblocked friend who bought a candidate, not only the
 * friends' latest purchases the social candidate source reads.
 */
describe('friendsWhoBought (the social lift\'s count)', () => {
  const ds = uniqueDataset('fwb');
  let graph: GraphClient;

  beforeAll(async () => {
    graph = await testGraph();
    await graph.write(async (tx) => {
      await tx.run(
        `UNWIND $users AS u CREATE (:User {dataset: $ds, id: u.id, name: u.id, shareActivity: u.shares})`,
        { ds, users: [{ id: 'a', shares: true }, { id: 'b', shares: true }, { id: 'c', shares: true }, { id: 'd', shares: false }] },
      );
      await tx.run(`UNWIND range(1, 30) AS k CREATE (:Item {dataset: $ds, id: 'i' + k, name: 'item ' + k})`, { ds });
      await tx.run(
        `MATCH (a:User {dataset: $ds, id: 'a'}) UNWIND $friends AS f MATCH (x:User {dataset: $ds, id: f.id}) CREATE (a)-[:FRIEND {since: 0, blocked: f.blocked}]->(x)`,
        { ds, friends: [{ id: 'b', blocked: false }, { id: 'c', blocked: true }, { id: 'd', blocked: false }] },
      );
      // b bought i1..i25, oldest first; c (blocked) bought i1; d (private) bought i2.
      await tx.run(`MATCH (b:User {dataset: $ds, id: 'b'}) UNWIND range(1, 25) AS k MATCH (i:Item {dataset: $ds, id: 'i' + k}) CREATE (b)-[:PURCHASED {id: 'pb' + k, at: k}]->(i)`, { ds });
      await tx.run(`MATCH (c:User {dataset: $ds, id: 'c'}), (i:Item {dataset: $ds, id: 'i1'}) CREATE (c)-[:PURCHASED {id: 'pc1', at: 1}]->(i)`, { ds });
      await tx.run(`MATCH (d:User {dataset: $ds, id: 'd'}), (i:Item {dataset: $ds, id: 'i2'}) CREATE (d)-[:PURCHASED {id: 'pd2', at: 2}]->(i)`, { ds });
    });
  }, 60_000);
  afterAll(async () => {
    await dropDataset(graph, ds);
    await graph.close();
  });

  it('counts every unblocked friend who bought each item, including purchases beyond the social source\'s per-friend window', async () => {
    const social = await socialCandidates(graph, { dataset: ds, userId: 'a', perFriend: 20, limit: 300 });
    expect(social.some((r) => r.itemId === 'i1')).toBe(false); // b's 24th-newest purchase: outside the window

    const byItem = await friendsWhoBought(graph, { dataset: ds, userId: 'a', items: ['i1', 'i2', 'i25', 'i30'], since: null });
    const ids = (item: string) => (byItem.get(item)?.friends ?? []).map((f) => f.id).sort();
    expect(ids('i1')).toEqual(['b']); // c's purchase does not count: that friendship is blocked
    expect(ids('i2')).toEqual(['b', 'd']);
    expect(ids('i25')).toEqual(['b']);
    expect(byItem.has('i30')).toBe(false);
    expect(byItem.get('i2')!.friends.find((f) => f.id === 'd')!.shares).toBe(false); // counted, never named
    expect([...byItem.values()].map((x) => x.recent)).toEqual([...byItem.values()].map((x) => x.friends.length));
  });

  it('counts as recent only the friends who bought after `since` (their latest purchase of it)', async () => {
    // b bought i_k at k; d bought i2 at 2. Since 1.5: i1 (b at 1) is not recent, i2 (b and d at 2) is.
    const byItem = await friendsWhoBought(graph, { dataset: ds, userId: 'a', items: ['i1', 'i2', 'i25'], since: 1.5 });
    expect(byItem.get('i1')).toMatchObject({ recent: 0 });
    expect(byItem.get('i1')!.friends.map((f) => f.id)).toEqual(['b']); // still named by the reason
    expect(byItem.get('i2')).toMatchObject({ recent: 2 });
    expect(byItem.get('i25')).toMatchObject({ recent: 1 });
  });

  it('returns an empty map for no items', async () => {
    expect((await friendsWhoBought(graph, { dataset: ds, userId: 'a', items: [], since: null })).size).toBe(0);
  });
});
