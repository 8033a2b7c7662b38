import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../src/clock/clock';
import type { GraphClient } from '../../src/graph/graph-client';
import { seedWorld } from '../../src/ingest/seed-world';
import { silentLogger } from '../../src/logging/logger';
import { dropDataset, testGraph, TEST_NOW, uniqueDataset } from './graph';

export interface SeededWorld {
  /** The test graph client (set before the suite's own beforeAll hooks run). */
  readonly graph: GraphClient;
  readonly dataset: string;
  /** Where the world's truth file was written (only evaluation code reads it). */
  readonly truthDir: string;
}

/**
 * A synthetic world seeded into its own dataset on the test server for one suite (cutoff
 * TEST_NOW), dropped afterwards with its truth file. Call at the top of a `describe`: its
 * hooks run before the suite's own.
 */
export function seededTestWorld(prefix: string, o: { users: number; seed: number }): SeededWorld {
  const dataset = uniqueDataset(prefix);
  const truthDir = fs.mkdtempSync(path.join(os.tmpdir(), `gg-${prefix}-`));
  let graph: GraphClient | null = null;
  beforeAll(async () => {
    graph = await testGraph();
    await seedWorld({ graph, dataset, users: o.users, seed: o.seed, reset: false, cutoff: TEST_NOW, clock: fixedClock(TEST_NOW), truthDir, logger: silentLogger });
  }, 300_000);
  afterAll(async () => {
    if (graph) {
      await dropDataset(graph, dataset);
      await graph.close();
    }
    fs.rmSync(truthDir, { recursive: true, force: true });
  });
  return {
    get graph() {
      if (!graph) throw new Error('the seeded world is not ready: use it inside a test or a later hook');
      return graph;
    },
    dataset,
    truthDir,
  };
}
