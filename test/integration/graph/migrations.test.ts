import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { GiftgraphError } from '../../../src/errors/errors';
import type { GraphClient } from '../../../src/graph/graph-client';
import { runMigrations } from '../../../src/graph/migrations/migration-runner';
import { silentLogger } from '../../../src/logging/logger';
import { testGraph, uniqueDataset } from '../../support/graph';

describe('migration runner (real Neo4j)', () => {
  let graph: GraphClient;
  let dir: string;
  let chain: string;
  const clock = fixedClock(1_700_000_000_000);

  beforeAll(async () => {
    graph = await testGraph();
  });
  afterAll(async () => {
    await graph.write((tx) => tx.run('MATCH (m:Migration) WHERE m.chain STARTS WITH "test-" DETACH DELETE m'));
    await graph.write((tx) => tx.run('MATCH (l:MigrationLock) WHERE l.name STARTS WITH "test-" DELETE l'));
    await graph.close();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-mig-'));
    chain = `test-${uniqueDataset()}`;
    const label = `Tmp${chain.replace(/[^a-z0-9]/gi, '')}`;
    fs.writeFileSync(path.join(dir, 'V001__first.cypher'), `// a comment\nCREATE INDEX ${label.toLowerCase()}_a IF NOT EXISTS FOR (n:${label}) ON (n.a);\n`);
    fs.writeFileSync(path.join(dir, 'V002__second.cypher'), `CREATE (:${label} {a: 1});\n`);
  });

  const run = (o: Partial<Parameters<typeof runMigrations>[0]> = {}) => runMigrations({ graph, dir, clock, logger: silentLogger, chain, ...o });

  it('applies files in order, records a NEXT-linked chain with checksums, and is a no-op the second time', async () => {
    expect((await run()).applied).toEqual(['V001__first.cypher', 'V002__second.cypher']);
    const rows = await graph.query(
      'MATCH p = (a:Migration {chain: $chain})-[:NEXT]->(b:Migration {chain: $chain}) RETURN a.version AS a, b.version AS b, size(a.checksum) AS len',
      { chain },
    );
    expect(rows).toEqual([{ a: 1, b: 2, len: 64 }]);
    const again = await run();
    expect(again).toEqual({ applied: [], alreadyApplied: 2 });
  });

  it('applies a file whole or not at all: a failing statement leaves none of the file\'s indexes and no record', async () => {
    const label = `Tmp${chain.replace(/[^a-z0-9]/gi, '')}`;
    const index = `${label.toLowerCase()}_b`;
    fs.writeFileSync(path.join(dir, 'V003__broken.cypher'), `CREATE INDEX ${index} IF NOT EXISTS FOR (n:${label}) ON (n.b);\nCREATE INDEX ${index} FOR (n:${label}) ON (n.c);\n`);
    await expect(run()).rejects.toThrow();
    expect(await graph.query('SHOW INDEXES YIELD name WHERE name = $index RETURN name', { index })).toEqual([]);
    const versions = await graph.query('MATCH (m:Migration {chain: $chain}) RETURN m.version AS v ORDER BY v', { chain });
    expect(versions.map((r) => r.v)).toEqual([1, 2]);
  });

  it('refuses to run when an applied file changed, naming the file', async () => {
    await run();
    fs.appendFileSync(path.join(dir, 'V001__first.cypher'), '// edited\n');
    await expect(run()).rejects.toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH', details: { file: 'V001__first.cypher' } });
    await expect(run()).rejects.toThrow(/V001__first\.cypher has changed/);
  });

  it('lets only one of two concurrent runners apply each file', async () => {
    const results = await Promise.all([run(), run()]);
    const applied = results.flatMap((r) => r.applied).sort();
    expect(applied).toEqual(['V001__first.cypher', 'V002__second.cypher']);
    const count = await graph.query('MATCH (m:Migration {chain: $chain}) RETURN count(m) AS c', { chain });
    expect(count[0]!.c).toBe(2);
  });

  it('gives up with MIGRATION_LOCKED while another live process holds the lock', async () => {
    await graph.write((tx) => tx.run('CREATE (:MigrationLock {name: $chain, holder: "other", at: timestamp()})', { chain }));
    const err = await run({ lockWaitMs: 300, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GiftgraphError);
    expect((err as GiftgraphError).code).toBe('MIGRATION_LOCKED');
  });

  it('breaks a stale lock left by a crashed process', async () => {
    await graph.write((tx) => tx.run('CREATE (:MigrationLock {name: $chain, holder: "crashed", at: 0})', { chain }));
    expect((await run()).applied).toHaveLength(2);
  });
});
