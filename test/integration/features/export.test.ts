import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import { PROJECT_ROOT } from '../../../src/config/config';
import { SPLIT_TEST, SPLIT_TRAIN } from '../../../src/features/hetero-graph';
import { loadHeteroGraph } from '../../../src/features/load-graph';
import { splitInteractions } from '../../../src/features/splits';
import type { GraphClient } from '../../../src/graph/graph-client';
import { readDataset } from '../../../src/import/read-dataset';
import { parseImportArgs } from '../../../src/import/spec';
import { ingestDataset } from '../../../src/ingest/ingest';
import { seedWorld } from '../../../src/ingest/seed-world';
import { silentLogger } from '../../../src/logging/logger';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

const LASTFM = path.join(PROJECT_ROOT, '..', 'shared', 'datasets', 'lastfm');

describe('graph export: Neo4j -> typed-array CSR (real Neo4j)', () => {
  let graph: GraphClient;
  const made: string[] = [];
  beforeAll(async () => {
    graph = await testGraph();
  });
  afterAll(async () => {
    for (const d of made) await dropDataset(graph, d);
    await graph.close();
  });

  it('streams the imported Last.fm set out in batches with its published split and a symmetric friendship graph', async () => {
    const dataset = uniqueDataset('lfm');
    made.push(dataset);
    const spec = parseImportArgs(['--dataset', dataset, '--train', path.join(LASTFM, 'train_set.txt'), '--test', path.join(LASTFM, 'test_set.txt'), '--social', path.join(LASTFM, 'trust.txt'), '--format', 'csv']);
    const { rows } = await readDataset(spec);
    await ingestDataset({ graph, dataset, rows, reset: false, clock: fixedClock(TEST_NOW), logger: silentLogger, meta: { kind: 'imported', cutoff: null, seed: null, source: 'test' } });

    const g = await loadHeteroGraph(graph, dataset);
    expect(g.nodes.user.ids.length).toBe(1892);
    expect(g.nodes.item.ids.length).toBe(17632);
    const p = g.relations.purchased!;
    expect(p.targets.length).toBe(92834);
    expect(p.split!.filter((s) => s === SPLIT_TRAIN).length).toBe(74267);
    expect(p.split!.filter((s) => s === SPLIT_TEST).length).toBe(18567);
    expect(g.relations.friend!.targets.length).toBe(2 * 12717);
    // CSR invariants: offsets monotone, targets sorted within each source.
    for (let u = 0; u < 1892; u++) {
      expect(p.offsets[u + 1]).toBeGreaterThanOrEqual(p.offsets[u]!);
      for (let e = p.offsets[u]! + 1; e < p.offsets[u + 1]!; e++) expect(p.targets[e]).toBeGreaterThanOrEqual(p.targets[e - 1]!);
    }
    const s = splitInteractions(g, { seed: 2020 });
    expect(s.kind).toBe('published');
    expect(s.test.users.length).toBe(18567);
    expect(s.train.users.length + s.valid.users.length).toBe(74267);
    expect(new Set(s.test.users).size).toBe(1881); // the README's 1,881 test users
  });

  it('exports a synthetic world whose time split leaks nothing after the split point', async () => {
    const dataset = uniqueDataset('wx');
    made.push(dataset);
    await seedWorld({ graph, dataset, users: 1000, seed: 3, reset: false, cutoff: TEST_NOW, clock: fixedClock(TEST_NOW), truthDir: path.join(PROJECT_ROOT, 'var', 'test-truth'), logger: silentLogger });
    const g = await loadHeteroGraph(graph, dataset);
    expect(g.nodes.user.ids.length).toBe(1000);
    expect(g.relations.played!.targets.length).toBeGreaterThan(0);
    const s = splitInteractions(g, { seed: 1, cutoff: TEST_NOW, testDays: 28 });
    expect(s.kind).toBe('time');
    expect(s.test.users.length).toBeGreaterThan(100);
    for (const r of Object.values(s.trainGraph.relations)) for (const t of r.time) expect(t > s.splitAt!).toBe(false);
  });
});
