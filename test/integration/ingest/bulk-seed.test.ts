/**
 * `seed --bulk`'s load (bulkIngest) against real JVMs: Neo4j's offline importer into an
 * embedded server of its own (temp home, Bolt 7695, so the demo and test servers are never
 * stopped), compared with the transactional loader on the test server. The tests run in
 * order on one home: a failed import, then a load, then a refused second load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { stopEmbedded } from '../../../src/graph/embedded/server';
import { createGraphClient, type GraphClient } from '../../../src/graph/graph-client';
import { datasetFingerprint } from '../../../src/graph/queries/fingerprint';
import { bulkIngest } from '../../../src/ingest/bulk/bulk-ingest';
import { databaseDataNodes } from '../../../src/ingest/import-runs';
import { ingestDataset } from '../../../src/ingest/ingest';
import type { GraphRows } from '../../../src/ingest/rows';
import { silentLogger } from '../../../src/logging/logger';
import { generateWorld } from '../../../src/world/generate';
import { dropDataset, testConfig, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

const PORT = '7695';

describe('bulk load: neo4j-admin import into an empty embedded database (real JVMs)', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'giftgraph-bulk-'));
  const config = testConfig({ GIFTGRAPH_NEO4J_HOME: home, GIFTGRAPH_BOLT_PORT: PORT, GIFTGRAPH_NEO4J_HEAP: '512m', GIFTGRAPH_NEO4J_PAGECACHE_MB: '64' });
  const clock = fixedClock(TEST_NOW);
  const meta = { kind: 'synthetic' as const, cutoff: TEST_NOW, seed: 5, source: 'test' };
  const rows: GraphRows = generateWorld({ users: 300, seed: 5, cutoffMs: TEST_NOW }).rows;
  const opened: GraphClient[] = [];
  let reference: string | undefined;
  /** The dataset the winning load wrote. */
  let loaded = 'bulk';

  afterAll(async () => {
    for (const g of opened) await g.close().catch(() => undefined);
    await stopEmbedded({ home, logger: silentLogger });
    rmSync(home, { recursive: true, force: true });
    if (!reference) return;
    const test = await testGraph();
    await dropDataset(test, reference);
    await test.close();
  });

  it('fails a load the importer rejects (duplicate ids) with IMPORT_INVALID and leaves an empty database that starts', async () => {
    const bad = { ...rows, users: [...rows.users, { ...rows.users[0]! }] };
    await expect(bulkIngest({ config, dataset: 'bulk', meta, rows: bad, clock, logger: silentLogger })).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    const graph = createGraphClient({ target: config.neo4j, txTimeoutMs: 30_000 });
    opened.push(graph);
    expect(await databaseDataNodes(graph)).toBe(0);
  });

  it('loads the same graph as the transactional loader, migrated, with a complete import run; a concurrent second load waits and refuses', async () => {
    const loads = await Promise.allSettled(['bulk', 'bulk2'].map((dataset) => bulkIngest({ config, dataset, meta, rows, clock, logger: silentLogger })));
    const won = loads.flatMap((l) => (l.status === 'fulfilled' ? [l.value] : []));
    const lost = loads.flatMap((l) => (l.status === 'rejected' ? [l.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toEqual([expect.objectContaining({ code: 'DATABASE_NOT_EMPTY' })]);
    const r = won[0]!;
    opened.push(r.graph);
    loaded = loads[0]!.status === 'fulfilled' ? 'bulk' : 'bulk2';
    expect(await databaseDataNodes(r.graph)).toBeGreaterThan(r.nodes); // + Dataset and ImportRun
    const test = await testGraph();
    try {
      reference = uniqueDataset('bulkref');
      await ingestDataset({ graph: test, dataset: reference, meta, rows, reset: false, clock, logger: silentLogger });
      const [bulk, transactional] = [await datasetFingerprint(r.graph, loaded), await datasetFingerprint(test, reference!)];
      expect(bulk.lines).toBeGreaterThan(r.nodes);
      expect(bulk).toEqual(transactional);
    } finally {
      await test.close();
    }
    const run = await r.graph.query('MATCH (d:Dataset {id: $ds}), (r:ImportRun {id: d.importRun}) RETURN d.status AS d, r.status AS r, r.relationships AS rels', { ds: loaded });
    expect(run).toEqual([{ d: 'READY', r: 'COMPLETE', rels: r.relationships }]);
    // The migrations ran on the imported store: its id lookups have their constraints.
    const constraints = await r.graph.query("SHOW CONSTRAINTS YIELD name WHERE name = 'user_id' RETURN count(*) AS c");
    expect(constraints).toEqual([{ c: 1 }]);
  });

  it('refuses a database that holds a dataset (DATABASE_NOT_EMPTY) and leaves it as it was', async () => {
    const graph = opened[1]!;
    const before = await datasetFingerprint(graph, loaded);
    await expect(bulkIngest({ config, dataset: 'other', meta, rows, clock, logger: silentLogger })).rejects.toMatchObject({ code: 'DATABASE_NOT_EMPTY' });
    expect(await datasetFingerprint(graph, loaded)).toEqual(before);
  });
});
