import path from 'node:path';
import neo4j from 'neo4j-driver';
import { intArg, parseArgs } from '../src/cli/args';
import { fixedClock } from '../src/clock/clock';
import { promises as fs } from 'node:fs';
import { loadConfig, PROJECT_ROOT, type Config } from '../src/config/config';
import type { Clock } from '../src/clock/clock';
import { stopEmbedded } from '../src/graph/embedded/server';
import { bulkIngest } from '../src/ingest/bulk/bulk-ingest';
import type { Logger } from '../src/logging/logger';
import { connectGraph } from '../src/graph/connect';
import { readPidFile } from '../src/graph/embedded/pid-file';
import { MIGRATIONS_DIR } from '../src/graph/migrations';
import { runMigrations } from '../src/graph/migrations/migration-runner';
import { deleteDataset } from '../src/ingest/import-runs';
import { ingestDataset } from '../src/ingest/ingest';
import { countRelationships } from '../src/ingest/graph-shape';
import { NODE_KINDS, type GraphRows } from '../src/ingest/rows';
import { consoleLogger } from '../src/logging/logger';
import { createProgress } from '../src/logging/progress';
import { generateWorld } from '../src/world/generate';
import { clustering, degreeStats, socialLift } from '../src/world/properties';
import { cpuSeconds, fmt, peakRssMiB, table } from './support';

/**
 * Seed benchmark. Runs on its own embedded Neo4j (var/neo4j/bench, Bolt 7689) unless
 * NEO4J_URI is set. Measures, in one run on one server:
 *  - full path: generate the world + load it through the project's ingest path;
 *  - baseline: the raw driver loading the same pre-built rows with plain UNWIND
 *    (CREATE nodes; MATCH both endpoints by their (dataset, id) index; CREATE the edge).
 * Both load into fresh datasets; each is deleted afterwards.
 */
export async function main(args: string[]): Promise<void> {
  const users = intArg(parseArgs(args, { users: 'value' }), 'users', 100_000, 10);
  const config = loadConfig({
    GIFTGRAPH_NEO4J_HOME: path.join(PROJECT_ROOT, 'var', 'neo4j', 'bench'),
    GIFTGRAPH_BOLT_PORT: '7689',
    GIFTGRAPH_NEO4J_HEAP: '2g',
    GIFTGRAPH_NEO4J_PAGECACHE_MB: '2048',
    GIFTGRAPH_LOG_LEVEL: 'warn',
    ...process.env,
  });
  const logger = consoleLogger(config.logLevel, 'bench');
  const graph = await connectGraph(config, logger);
  const clock = fixedClock(Date.parse('2026-11-01T00:00:00Z'));
  await runMigrations({ graph, dir: MIGRATIONS_DIR, clock, logger });
  const pidInFile = config.neo4j.kind === 'embedded' ? await readPidFile(config.neo4j.home) : undefined;
  const jvmPid = typeof pidInFile === 'number' ? pidInFile : null;
  for (const d of ['benchfull', 'benchraw']) await deleteDataset(graph, d, logger);

  console.log(`seed benchmark: ${fmt(users)} users, seed 42`);
  const t0 = performance.now();
  const world = generateWorld({ users, seed: 42, cutoffMs: clock.now() }, createProgress('generate', users));
  const genMs = performance.now() - t0;
  const rows = world.rows;
  const nodes = NODE_KINDS.reduce((s, k) => s + rows[k].length, 0) + rows.impressions.length + rows.clicks.length;
  const rels = countRelationships(rows);
  console.log(`generated ${fmt(nodes)} nodes, ${fmt(rels)} relationships in ${(genMs / 1000).toFixed(1)} s`);

  const jvmCpu0 = jvmPid ? cpuSeconds(jvmPid) : null;
  const full = await ingestDataset({
    graph, dataset: 'benchfull', rows, reset: true, clock, logger,
    meta: { kind: 'synthetic', cutoff: clock.now(), seed: 42, source: 'bench' },
    progress: createProgress('load', nodes),
  });
  const jvmCpu1 = jvmPid ? cpuSeconds(jvmPid) : null;
  const raw = await rawUnwindLoad(config.neo4j, rows, 'benchraw');
  const jvmCpu2 = jvmPid ? cpuSeconds(jvmPid) : null;
  for (const d of ['benchfull', 'benchraw']) await deleteDataset(graph, d, logger);
  const bulk = await bulkLoad(config, rows, clock, logger, nodes);

  const fullTotalS = (genMs + full.ms) / 1000;
  const bulkTotalS = (genMs + bulk.ms) / 1000;
  console.log('\n' + table([
    ['path', 'nodes/s', 'relationships/s', 'wall s', 'JVM CPU s', 'rels/s vs baseline'],
    ['full: generate + ingest', fmt(full.nodes / fullTotalS), fmt(full.relationships / fullTotalS), fullTotalS.toFixed(1), '', (full.relationships / fullTotalS / (raw.rels / (raw.ms / 1000))).toFixed(2)],
    ['ingest only (loader)', fmt(full.nodes / (full.ms / 1000)), fmt(full.relationships / (full.ms / 1000)), (full.ms / 1000).toFixed(1), jvmCpu1 !== null && jvmCpu0 !== null ? (jvmCpu1 - jvmCpu0).toFixed(0) : '?', (full.relationships / full.ms / (raw.rels / raw.ms)).toFixed(2)],
    ['baseline: raw driver UNWIND', fmt(raw.nodes / (raw.ms / 1000)), fmt(raw.rels / (raw.ms / 1000)), (raw.ms / 1000).toFixed(1), jvmCpu2 !== null && jvmCpu1 !== null ? (jvmCpu2 - jvmCpu1).toFixed(0) : '?', '1.00'],
    ['bulk: generate + seed --bulk', fmt(bulk.nodes / bulkTotalS), fmt(bulk.relationships / bulkTotalS), bulkTotalS.toFixed(1), '', (bulk.relationships / bulkTotalS / (raw.rels / (raw.ms / 1000))).toFixed(2)],
    ['bulk load only', fmt(bulk.nodes / (bulk.ms / 1000)), fmt(bulk.relationships / (bulk.ms / 1000)), (bulk.ms / 1000).toFixed(1), '', (bulk.relationships / bulk.ms / (raw.rels / raw.ms)).toFixed(2)],
  ]));
  console.log(
    `bulk load steps: emptiness check + import files ${(bulk.steps.files / 1000).toFixed(1)} s, neo4j-admin import ${(bulk.steps.importer / 1000).toFixed(1)} s, ` +
      `restart + migrations (constraints and indexes built on the imported data) + run record ${(bulk.steps.restart / 1000).toFixed(1)} s`,
  );
  const nodePeak = peakRssMiB(process.pid);
  const jvmPeak = jvmPid ? peakRssMiB(jvmPid) : null;
  console.log(`\npeak memory: node ${nodePeak?.toFixed(0) ?? '?'} MiB, neo4j JVM ${jvmPeak?.toFixed(0) ?? '? (external server)'} MiB`);
  console.log('target: ≥ 100,000 relationships/s on the full path (the transactional path loads beside other datasets; the bulk path loads an empty database)');

  const deg = degreeStats(rows);
  const cl = clustering(rows);
  const lift = socialLift(rows, world.truth);
  console.log('\nworld properties:');
  console.log(`  friend degree: median ${deg.median}, max ${deg.max}, max/median ${deg.ratioMaxToMedian.toFixed(1)} (required ≥ 20)`);
  console.log(`  clustering: ${cl.average.toFixed(4)} vs degree-matched random ${cl.randomExpected.toFixed(5)}, ratio ${cl.ratio.toFixed(1)} (required ≥ 5)`);
  console.log(`  social lift within taste deciles: min ${lift.minRatio.toFixed(2)} over ${lift.deciles.filter((d) => d.supported).length} supported deciles (required ≥ 2)`);

  await graph.close();
}

/**
 * The same rows through `seed --bulk`'s load (bulkIngest) into a fresh home of its own
 * (var/neo4j/bench-bulk, Bolt 7690): the offline importer replaces a whole database, so it
 * must not touch the bench server's. The home is removed before and after.
 */
async function bulkLoad(config: Config, rows: GraphRows, clock: Clock, logger: Logger, nodes: number) {
  const home = path.join(PROJECT_ROOT, 'var', 'neo4j', 'bench-bulk');
  // Always the embedded server: the importer writes store files, which an external one keeps to itself.
  const { NEO4J_URI: _external, ...env } = process.env;
  const bulkConfig = loadConfig({ ...env, GIFTGRAPH_NEO4J_HOME: home, GIFTGRAPH_BOLT_PORT: '7690', GIFTGRAPH_NEO4J_HEAP: config.neo4j.kind === 'embedded' ? config.neo4j.heap : '2g', GIFTGRAPH_LOG_LEVEL: 'warn' });
  const clean = async () => {
    await stopEmbedded({ home, logger });
    await fs.rm(home, { recursive: true, force: true });
  };
  await clean();
  try {
    const r = await bulkIngest({ config: bulkConfig, dataset: 'benchbulk', meta: { kind: 'synthetic', cutoff: clock.now(), seed: 42, source: 'bench' }, rows, clock, logger, progress: createProgress('bulk', nodes) });
    await r.graph.close();
    return r;
  } finally {
    await clean();
  }
}

/** The baseline: what a straightforward driver script does with the same rows. */
async function rawUnwindLoad(target: { uri: string; user: string; password: string; database: string }, rows: GraphRows, ds: string) {
  const driver = neo4j.driver(target.uri, neo4j.auth.basic(target.user, target.password));
  const t0 = performance.now();
  let nodes = 0;
  let rels = 0;
  const run = async (cypher: string, list: unknown[]) => {
    for (let i = 0; i < list.length; i += 10_000) {
      await driver.executeQuery(cypher, { rows: list.slice(i, i + 10_000), ds }, { database: target.database });
    }
  };
  const node = async (label: string, list: object[]) => {
    await run(`UNWIND $rows AS r CREATE (n:${label}) SET n = r, n.dataset = $ds`, list.map(strip));
    nodes += list.length;
  };
  const rel = async (type: string, fromLabel: string, toLabel: string, list: { s: string; t: string; p: object }[]) => {
    await run(`UNWIND $rows AS r MATCH (a:${fromLabel} {dataset: $ds, id: r.s}) MATCH (b:${toLabel} {dataset: $ds, id: r.t}) CREATE (a)-[e:${type}]->(b) SET e = r.p`, list);
    rels += list.length;
  };
  await node('Publisher', rows.publishers);
  await node('Game', rows.games);
  await node('Guild', rows.guilds);
  await node('User', rows.users);
  await node('Item', rows.items.map(({ attributes, ...r }) => ({ ...r, attrs: attributes ? JSON.stringify(attributes) : null })));
  await node('Occasion', rows.occasions);
  await node('Squad', rows.squads);
  await node('Campaign', rows.campaigns.map(({ itemIds, ...r }) => r));
  await node('GroupBuy', rows.groupBuys);
  await node('Gift', rows.gifts);
  await rel('PUBLISHED_BY', 'Game', 'Publisher', rows.games.filter((g) => g.publisherId).map((g) => ({ s: g.id, t: g.publisherId!, p: {} })));
  await rel('FOR_GAME', 'Item', 'Game', rows.items.filter((i) => i.gameId).map((i) => ({ s: i.id, t: i.gameId!, p: {} })));
  await rel('SOLD_BY', 'Item', 'Publisher', rows.items.filter((i) => i.publisherId).map((i) => ({ s: i.id, t: i.publisherId!, p: {} })));
  await rel('INITIATED', 'User', 'GroupBuy', rows.groupBuys.filter((g) => g.initiatorId).map((g) => ({ s: g.initiatorId!, t: g.id, p: strip({ at: g.createdAt }) })));
  await rel('FOR_ITEM', 'GroupBuy', 'Item', rows.groupBuys.map((g) => ({ s: g.id, t: g.itemId, p: {} })));
  await rel('SENT', 'User', 'Gift', rows.gifts.map((g) => ({ s: g.senderId, t: g.id, p: { at: g.at } })));
  await rel('TO', 'Gift', 'User', rows.gifts.map((g) => ({ s: g.id, t: g.recipientId, p: {} })));
  await rel('OF_ITEM', 'Gift', 'Item', rows.gifts.map((g) => ({ s: g.id, t: g.itemId, p: {} })));
  await rel('FRIEND', 'User', 'User', rows.friendships.map(({ a, b, ...p }) => ({ s: a, t: b, p: strip(p) })));
  await rel('INTERACTED', 'User', 'User', rows.interactions.map(({ a, b, ...p }) => ({ s: a, t: b, p })));
  await rel('MEMBER_OF', 'User', 'Guild', rows.memberships.map(({ userId, guildId, ...p }) => ({ s: userId, t: guildId, p: strip(p) })));
  await rel('PLAYED', 'User', 'Game', rows.playSessions.map(({ userId, gameId, ...p }) => ({ s: userId, t: gameId, p })));
  await rel('PURCHASED', 'User', 'Item', rows.purchases.map(({ userId, itemId, ...p }) => ({ s: userId, t: itemId, p: strip(p) })));
  await rel('WISHLISTED', 'User', 'Item', rows.wishlists.map(({ userId, itemId, ...p }) => ({ s: userId, t: itemId, p: strip(p) })));
  await rel('INVITED', 'GroupBuy', 'User', rows.invitations.map(({ groupBuyId, inviteeId, ...p }) => ({ s: groupBuyId, t: inviteeId, p: strip(p) })));
  await rel('JOINED', 'User', 'GroupBuy', rows.participations.map(({ groupBuyId, userId, joinedAt }) => ({ s: userId, t: groupBuyId, p: strip({ at: joinedAt }) })));
  await rel('IN_SQUAD', 'User', 'Squad', rows.squadMembers.map(({ squadId, userId, ...p }) => ({ s: userId, t: squadId, p: strip(p) })));
  await rel('EXPOSED_TO', 'User', 'Campaign', rows.exposures.map(({ campaignId, userId, ...p }) => ({ s: userId, t: campaignId, p })));
  await rel('DISCOUNTS', 'Campaign', 'Item', rows.campaigns.flatMap((c) => c.itemIds.map((i) => ({ s: c.id, t: i, p: {} }))));
  const ms = performance.now() - t0;
  await driver.close();
  return { nodes, rels, ms };
}

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}
