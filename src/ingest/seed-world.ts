import fs from 'node:fs';
import path from 'node:path';
import { fixedClock, type Clock } from '../clock/clock';
import { detectSquads } from '../communities/detect-squads';
import type { GraphClient } from '../graph/graph-client';
import type { Logger } from '../logging/logger';
import type { Progress } from '../logging/progress';
import { generateWorld, type World } from '../world/generate';
import { writeTruthFile } from '../world/truth';
import type { Config } from '../config/config';
import { bulkIngest, type BulkIngestResult } from './bulk/bulk-ingest';
import type { DatasetMeta } from './import-runs';
import { ingestDataset } from './ingest';
import type { LoadStats } from './loader';

export interface SeedOptions {
  graph: GraphClient;
  dataset: string;
  users: number;
  seed: number;
  reset: boolean;
  /** End of the generated timeline (epoch ms): everything in the world happens before it. */
  cutoff: number;
  clock: Clock;
  truthDir: string;
  logger: Logger;
  progress?: Progress;
  shouldStop?: () => boolean;
}

export interface SeedResult extends LoadStats {
  generateMs: number;
  truthFile: string;
  cutoff: number;
}

/** Where a synthetic dataset's hidden truths live: beside the data, never in Neo4j. */
export function truthFilePath(truthDir: string, dataset: string): string {
  return path.join(truthDir, `${dataset}.truth.json`);
}

/**
 * Generates the synthetic world for (users, seed, cutoff), writes it through the shared ingest path, then writes the truth file.
 * The truth file is written only after the graph load committed, so a truth file never
 * describes a world that is not in the graph.
 */
export async function seedWorld(o: SeedOptions): Promise<SeedResult> {
  const { world, generateMs } = generate(o);
  const stats = await ingestDataset({
    graph: o.graph,
    dataset: o.dataset,
    meta: seedMeta(o),
    rows: world.rows,
    reset: o.reset,
    clock: o.clock,
    logger: o.logger,
    ...(o.progress ? { progress: o.progress } : {}),
    ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}),
  });
  return { ...stats, ...(await finish(o.graph, o, world, stats.importRun)), generateMs };
}

export type BulkSeedOptions = Omit<SeedOptions, 'graph' | 'reset' | 'shouldStop'> & { config: Config };

/**
 * The same world loaded with Neo4j's offline importer into an empty embedded database
 * (bulk/bulk-ingest.ts): much faster for a first load, and it replaces the database, so
 * it refuses one that holds any dataset. Returns a client on the restarted server.
 */
export async function bulkSeedWorld(o: BulkSeedOptions): Promise<SeedResult & { graph: GraphClient; steps: BulkIngestResult['steps'] }> {
  const { world, generateMs } = generate(o);
  const r = await bulkIngest({ config: o.config, dataset: o.dataset, meta: seedMeta(o), rows: world.rows, clock: o.clock, logger: o.logger, ...(o.progress ? { progress: o.progress } : {}) });
  try {
    return { nodes: r.nodes, relationships: r.relationships, ms: r.ms, steps: r.steps, graph: r.graph, ...(await finish(r.graph, o, world, r.importRun)), generateMs };
  } catch (e) {
    await r.graph.close();
    throw e;
  }
}

function generate(o: Pick<SeedOptions, 'users' | 'seed' | 'cutoff' | 'progress' | 'logger'>): { world: World; generateMs: number } {
  const t0 = performance.now();
  o.progress?.phase('generate', o.users);
  const world = generateWorld({ users: o.users, seed: o.seed, cutoffMs: o.cutoff }, o.progress);
  const generateMs = performance.now() - t0;
  o.logger.info(`world generated in ${(generateMs / 1000).toFixed(1)} s`, { users: world.rows.users.length, items: world.rows.items.length });
  return { world, generateMs };
}

const seedMeta = (o: Pick<SeedOptions, 'users' | 'seed' | 'cutoff'>): DatasetMeta => ({ kind: 'synthetic', cutoff: o.cutoff, seed: o.seed, source: `seed --users ${o.users} --seed ${o.seed}` });

/** After the load: detected squads (part of the world's graph), then the truth file. */
async function finish(graph: GraphClient, o: Pick<SeedOptions, 'dataset' | 'cutoff' | 'logger' | 'seed' | 'truthDir'>, world: World, importRun: string): Promise<{ truthFile: string; cutoff: number }> {
  // Stamped at the cutoff so the same seed gives the same graph whenever it is loaded.
  await detectSquads({ graph, dataset: o.dataset, clock: fixedClock(o.cutoff), logger: o.logger, seed: o.seed, importRun });
  fs.mkdirSync(o.truthDir, { recursive: true });
  const truthFile = truthFilePath(o.truthDir, o.dataset);
  await writeTruthFile(truthFile, world.truth);
  return { truthFile, cutoff: o.cutoff };
}
