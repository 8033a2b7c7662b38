import { fixedClock } from '../../../src/clock/clock';
import type { GraphClient } from '../../../src/graph/graph-client';
import { datasetCounts } from '../../../src/graph/queries/stats';
import { datasetNodeCount } from '../../../src/ingest/import-runs';
import { ingestDataset } from '../../../src/ingest/ingest';
import { countRelationships } from '../../../src/ingest/graph-shape';
import { silentLogger } from '../../../src/logging/logger';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';
import { tinyRows } from '../../support/tiny-rows';

describe('ingest: loading a dataset through an import run (real Neo4j)', () => {
  let graph: GraphClient;
  const made: string[] = [];
  const ds = () => {
    const d = uniqueDataset('ing');
    made.push(d);
    return d;
  };
  const base = { clock: fixedClock(TEST_NOW), logger: silentLogger, meta: { kind: 'synthetic' as const, cutoff: TEST_NOW, seed: 1, source: 'test' } };

  beforeAll(async () => {
    graph = await testGraph();
  });
  afterAll(async () => {
    for (const d of made) await dropDataset(graph, d);
    await graph.close();
  });

  it('writes every node and relationship, scoped to the dataset, and marks the dataset READY', async () => {
    const dataset = ds();
    const rows = tinyRows();
    const r = await ingestDataset({ ...base, graph, dataset, rows, reset: false });
    expect(r.relationships).toBe(countRelationships(rows));
    const counts = await datasetCounts(graph, dataset);
    expect(counts.nodes).toMatchObject({ User: 4, Item: 3, Game: 1, Publisher: 2, Guild: 1, Squad: 1, GroupBuy: 1, Gift: 1, Campaign: 1, Occasion: 1 });
    expect(counts.relationships).toMatchObject({ FRIEND: 4, PURCHASED: 2, JOINED: 3, INVITED: 2, TO: 1, DISCOUNTS: 2, IN_SQUAD: 3 });
    const status = await graph.query('MATCH (d:Dataset {id: $ds}) RETURN d.status AS s, d.kind AS k', { ds: dataset });
    expect(status).toEqual([{ s: 'READY', k: 'synthetic' }]);
    const item = await graph.query('MATCH (i:Item {dataset: $ds, id: "i1"}) RETURN i.attrs AS attrs', { ds: dataset });
    expect(JSON.parse(String(item[0]!.attrs))).toEqual({ platform: 'pc' });
  });

  it('keeps two datasets with the same local ids apart', async () => {
    const a = ds();
    const b = ds();
    await ingestDataset({ ...base, graph, dataset: a, rows: tinyRows(), reset: false });
    await ingestDataset({ ...base, graph, dataset: b, rows: tinyRows(), reset: false });
    const rows = await graph.query('MATCH (u:User {id: "u0"}) WHERE u.dataset IN [$a, $b] RETURN count(u) AS c', { a, b });
    expect(rows[0]!.c).toBe(2);
  });

  it('refuses a non-empty dataset with DATASET_NOT_EMPTY unless reset', async () => {
    const dataset = ds();
    await ingestDataset({ ...base, graph, dataset, rows: tinyRows(), reset: false });
    await expect(ingestDataset({ ...base, graph, dataset, rows: tinyRows(), reset: false })).rejects.toMatchObject({ code: 'DATASET_NOT_EMPTY' });
    const again = await ingestDataset({ ...base, graph, dataset, rows: tinyRows(), reset: true });
    expect(again.nodes).toBe(await datasetNodeCount(graph, dataset));
  });

  it('removes everything a failed load wrote: a dangling reference halfway leaves the dataset empty', async () => {
    const dataset = ds();
    const rows = tinyRows();
    rows.wishlists.push({ userId: 'u0', itemId: 'no-such-item', at: null });
    await expect(ingestDataset({ ...base, graph, dataset, rows, reset: false })).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    expect(await datasetNodeCount(graph, dataset)).toBe(0);
    const runs = await graph.query('MATCH (r:ImportRun {dataset: $ds}) RETURN count(r) AS c', { ds: dataset });
    expect(runs[0]!.c).toBe(0);
  });

  it('stops at the next batch when asked (a signal) and removes the partial load', async () => {
    const dataset = ds();
    let batches = 0;
    const shouldStop = () => ++batches > 3;
    await expect(ingestDataset({ ...base, graph, dataset, rows: tinyRows(), reset: false, batchSize: 1, shouldStop })).rejects.toMatchObject({
      details: { stopped: true },
    });
    expect(await datasetNodeCount(graph, dataset)).toBe(0);
  });
});
