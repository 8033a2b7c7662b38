import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../../src/clock/clock';
import type { GraphClient } from '../../../src/graph/graph-client';
import { datasetFingerprint } from '../../../src/graph/queries/fingerprint';
import { datasetNodeCount } from '../../../src/ingest/import-runs';
import { seedWorld } from '../../../src/ingest/seed-world';
import { silentLogger } from '../../../src/logging/logger';
import { cliEnv, startCli } from '../../support/cli';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from '../../support/graph';

describe('seeding the synthetic world into Neo4j', () => {
  let graph: GraphClient;
  const truthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-truth-'));
  const made: string[] = [];
  const seed = async (seedValue: number) => {
    const dataset = uniqueDataset('w');
    made.push(dataset);
    await seedWorld({ graph, dataset, users: 1000, seed: seedValue, reset: false, cutoff: TEST_NOW, clock: fixedClock(TEST_NOW), truthDir, logger: silentLogger });
    return dataset;
  };

  beforeAll(async () => {
    graph = await testGraph();
  });
  afterAll(async () => {
    for (const d of made) await dropDataset(graph, d);
    await graph.close();
    fs.rmSync(truthDir, { recursive: true, force: true });
  });

  it('gives the same fingerprint of a sorted export read back from Neo4j for the same seed, and a different one for another seed', async () => {
    const a = await seed(7);
    const b = await seed(7);
    const c = await seed(8);
    const fa = await datasetFingerprint(graph, a);
    expect(fa.lines).toBeGreaterThan(20_000);
    expect((await datasetFingerprint(graph, b)).hash).toBe(fa.hash);
    expect((await datasetFingerprint(graph, c)).hash).not.toBe(fa.hash);
  });

  it('writes the hidden truths beside the data, never into the graph', async () => {
    const d = made[0]!;
    expect(fs.existsSync(path.join(truthDir, `${d}.truth.json`))).toBe(true);
    const leaked = await graph.query(
      'MATCH (u:User {dataset: $ds}) WHERE u.taste IS NOT NULL OR u.discountType IS NOT NULL OR u.priceSensitivity IS NOT NULL RETURN count(u) AS c',
      { ds: d },
    );
    expect(leaked[0]!.c).toBe(0);
  });

  it('the seed CLI refuses a non-empty dataset unless --reset', async () => {
    const d = made[0]!;
    const before = await datasetNodeCount(graph, d);
    const env = cliEnv({ GIFTGRAPH_TRUTH_DIR: truthDir });
    const refused = await startCli('src/cli/seed.ts', ['--users', '100', '--seed', '1', '--dataset', d, '--cutoff', '2026-11-01T00:00:00Z'], env).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/DATASET_NOT_EMPTY/);
    expect(await datasetNodeCount(graph, d)).toBe(before);
    const reset = await startCli('src/cli/seed.ts', ['--users', '100', '--seed', '1', '--dataset', d, '--reset', '--cutoff', '2026-11-01T00:00:00Z'], env).done;
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/relationships\/s/);
    expect((await graph.query('MATCH (u:User {dataset: $ds}) RETURN count(u) AS c', { ds: d }))[0]!.c).toBe(100);
  });
});
