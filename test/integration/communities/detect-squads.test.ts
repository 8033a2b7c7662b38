import { fixedClock } from '../../../src/clock/clock';
import { detectSquads } from '../../../src/communities/detect-squads';
import type { GraphClient } from '../../../src/graph/graph-client';
import { FRIEND_GRAPH_EDGES, FRIEND_GRAPH_USERS, FRIEND_GRAPH_WEIGHTED_EDGES, readFriendGraph } from '../../../src/graph/queries/friend-graph';
import { CREATE_DETECTED_SQUADS, DELETE_DETECTED_SQUADS } from '../../../src/graph/queries/squad-writes';
import { ingestDataset } from '../../../src/ingest/ingest';
import { emptyRows, type GraphRows } from '../../../src/ingest/rows';
import { silentLogger } from '../../../src/logging/logger';
import { startCli } from '../../support/cli';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

const DAY = 86_400_000;

/**
 * Two obvious friend groups: clique A = u0..u4 and clique B = u5..u9, joined by the one
 * friendship u0–u5. u10 is a friend of all of B, but every one of those friendships is
 * blocked (so it must not join B); u11 is u10's only unblocked friend (a pair: too small).
 * One EXPLICIT squad s0 = {u0, u5, u11} that detection must leave alone. u1–u2 were
 * active on three days (two rows stored u1→u2, one u2→u1).
 */
function twoCliques(): GraphRows {
  const r = emptyRows();
  const t = TEST_NOW - 100 * DAY;
  for (let i = 0; i < 12; i++) r.users.push({ id: `u${i}`, name: `User ${i}`, createdAt: t, birthday: null });
  const friend = (a: number, b: number, blocked = false) =>
    r.friendships.push({ a: `u${a}`, b: `u${b}`, since: t, blocked, blockedBy: blocked ? `u${b}` : null });
  for (const base of [0, 5]) for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) friend(base + i, base + j);
  friend(0, 5);
  for (let j = 5; j < 10; j++) friend(10, j, true);
  friend(10, 11);
  for (const [a, b, d] of [['u1', 'u2', 1], ['u1', 'u2', 2], ['u2', 'u1', 3]] as const) {
    r.interactions.push({ a, b, day: TEST_NOW - d * DAY, messages: 5, voiceMinutes: 0, playedTogether: 0 });
  }
  r.squads.push({ id: 's0', name: 'The originals', kind: 'EXPLICIT', createdAt: t });
  for (const u of ['u0', 'u5', 'u11']) r.squadMembers.push({ squadId: 's0', userId: u, since: t });
  return r;
}

interface PlanNode {
  operatorType: string;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}
const operators = (p: PlanNode): string[] => [p.operatorType.replace(/@.*/, ''), ...p.children.flatMap(operators)];

describe('detectSquads: friend groups from a dataset in the real Neo4j', () => {
  let graph: GraphClient;
  const made: string[] = [];
  const meta = { kind: 'synthetic' as const, cutoff: TEST_NOW, seed: 1, source: 'test' };

  const load = async (): Promise<string> => {
    const dataset = uniqueDataset('sq');
    made.push(dataset);
    await ingestDataset({ graph, dataset, meta, rows: twoCliques(), reset: false, clock: fixedClock(TEST_NOW), logger: silentLogger });
    return dataset;
  };

  const squadsOf = (dataset: string) =>
    graph.query(
      `MATCH (s:Squad {dataset: $ds})
       OPTIONAL MATCH (u:User)-[m:IN_SQUAD]->(s)
       WITH s, u, m ORDER BY u.id
       RETURN s.id AS id, s.kind AS kind, s.name AS name, s.createdAt AS createdAt, s.importRun AS importRun,
              collect(u.id) AS members, collect(DISTINCT m.since) AS since
       ORDER BY kind, id`,
      { ds: dataset },
    );

  beforeAll(async () => {
    graph = await testGraph();
  });
  afterAll(async () => {
    for (const d of made) await dropDataset(graph, d);
    await graph.close();
  });

  it('plans its statements through indexes: no scans, users found by the unique (dataset, id) seek', async () => {
    // Stricter than the shared EXPLAIN test: on a near-empty store the planner likes the
    // dataset index for "user by id" (a seek that reads the whole dataset per id); the
    // statements pin the (dataset, id) index with a hint, and this checks it holds.
    for (const q of [FRIEND_GRAPH_USERS, FRIEND_GRAPH_EDGES, FRIEND_GRAPH_WEIGHTED_EDGES, CREATE_DETECTED_SQUADS, DELETE_DETECTED_SQUADS]) {
      const ops = operators((await graph.explain(q.cypher, q.sampleParams)) as PlanNode);
      const usesUserIndex = q !== DELETE_DETECTED_SQUADS;
      expect({ name: q.name, scans: ops.filter((o) => /Scan/.test(o)), uniqueSeek: ops.some((o) => o.startsWith('NodeUniqueIndexSeek')) }).toEqual({
        name: q.name,
        scans: [],
        uniqueSeek: usesUserIndex,
      });
    }
  });

  it('reads the unblocked friend graph as CSR with sorted ids and interaction-day weights', async () => {
    const dataset = await load();
    const fg = await readFriendGraph(graph, { dataset, batchSize: 5 }); // small pages: exercises the keyset paging
    expect(fg.ids).toEqual(['u0', 'u1', 'u10', 'u11', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9']);
    expect(fg.edges).toBe(10 + 10 + 1 + 1);
    const at = (id: string) => fg.ids.indexOf(id);
    const nbrs = (id: string) => Array.from(fg.neighbors.subarray(fg.offsets[at(id)], fg.offsets[at(id) + 1]), (i) => fg.ids[i]);
    expect(nbrs('u10')).toEqual(['u11']);
    expect(nbrs('u0')).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    const w = (a: string, b: string) => fg.weights![fg.offsets[at(a)]! + nbrs(a).indexOf(b)];
    expect([w('u1', 'u2'), w('u2', 'u1'), w('u0', 'u1')]).toEqual([4, 4, 1]);
    expect((await readFriendGraph(graph, { dataset, weights: false })).weights).toBeUndefined();
  });

  it('writes the two cliques as DETECTED squads, leaves the EXPLICIT one alone, and a re-run replaces rather than adds', async () => {
    const dataset = await load();
    const first = await detectSquads({ graph, dataset, clock: fixedClock(TEST_NOW), logger: silentLogger, seed: 5 });
    expect(first).toMatchObject({ squads: 2, members: 10, sizes: { 5: 2 }, users: 12, friendships: 22, replaced: 0 });
    const explicit = { id: 's0', kind: 'EXPLICIT', name: 'The originals', createdAt: TEST_NOW - 100 * DAY, importRun: expect.any(String), members: ['u0', 'u11', 'u5'], since: [TEST_NOW - 100 * DAY] };
    const detected = (at: number) => [
      { id: 'ds0', kind: 'DETECTED', name: 'Detected squad 0', createdAt: at, importRun: null, members: ['u0', 'u1', 'u2', 'u3', 'u4'], since: [at] },
      { id: 'ds1', kind: 'DETECTED', name: 'Detected squad 1', createdAt: at, importRun: null, members: ['u5', 'u6', 'u7', 'u8', 'u9'], since: [at] },
    ];
    expect(await squadsOf(dataset)).toEqual([...detected(TEST_NOW), explicit]);

    // A stale squad from some earlier run must go too.
    await graph.write((tx) => tx.run(`MATCH (u:User {dataset: $ds, id: 'u10'}) CREATE (u)-[:IN_SQUAD {since: 1}]->(:Squad {dataset: $ds, id: 'ds9', kind: 'DETECTED', name: 'stale', createdAt: 1})`, { ds: dataset }));
    const later = TEST_NOW + DAY;
    const second = await detectSquads({ graph, dataset, clock: fixedClock(later), logger: silentLogger, seed: 5 });
    expect(second).toMatchObject({ squads: 2, members: 10, replaced: 3 });
    expect(await squadsOf(dataset)).toEqual([...detected(later), explicit]);
    const links = await graph.query(`MATCH (:User {dataset: $ds})-[m:IN_SQUAD]->(:Squad) RETURN count(m) AS c`, { ds: dataset });
    expect(links).toEqual([{ c: 10 + 3 }]);
  });

  it('stamps the given import run on the new squads', async () => {
    const dataset = await load();
    await detectSquads({ graph, dataset, clock: fixedClock(TEST_NOW), logger: silentLogger, importRun: 'run-42' });
    const runs = await graph.query(`MATCH (s:Squad {dataset: $ds}) WHERE s.kind = 'DETECTED' RETURN DISTINCT s.importRun AS run`, { ds: dataset });
    expect(runs).toEqual([{ run: 'run-42' }]);
  });

  it('refuses an unknown dataset with NOT_FOUND', async () => {
    await expect(detectSquads({ graph, dataset: uniqueDataset('none'), clock: fixedClock(TEST_NOW), logger: silentLogger })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('runs as a CLI: one summary line on stdout, squads written', async () => {
    const dataset = await load();
    const r = await startCli('src/cli/detect-squads.ts', ['--dataset', dataset, '--seed', '3']).done;
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`dataset "${dataset}": 2 detected squads \\(10 members; sizes 5:2\\)`));
    const bad = await startCli('src/cli/detect-squads.ts', ['--dataset', dataset, '--seed', 'x']).done;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/BAD_USER_INPUT.*--seed/);
  });
});
