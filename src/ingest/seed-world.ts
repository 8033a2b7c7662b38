import fs from 'node:fs';
import path from 'node:path';
import { fixedClock, type Clock } from '../clock/clock';
import { detectSquads } from '../communities/detect-squads';
import type { GraphClient } from '../graph/graph-client';
import type { Logger } from '../logging/logger';
import type { Progress } from '../logging/progress';
import { generateWorld } from '../world/generate';
import { writeTruthFile } from '../world/truth';
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
  const cutoff = o.cutoff;
  const t0 = performance.now();
  o.progress?.phase('generate', o.users);
  const world = generateWorld({ users: o.users, seed: o.seed, cutoffMs: cutoff }, o.progress);
  const generateMs = performance.now() - t0;
  o.logger.info(`world generated in ${(generateMs / 1000).toFixed(1)} s`, { users: world.rows.users.length, items: world.rows.items.length });
  const stats = await ingestDataset({
    graph: o.graph,
    dataset: o.dataset,
    meta: { kind: 'synthetic', cutoff, seed: o.seed, source: `seed --users ${o.users} --seed ${o.seed}` },
    rows: world.rows,
    reset: o.reset,
    clock: o.clock,
    logger: o.logger,
    ...(o.progress ? { progress: o.progress } : {}),
    ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}),
  });
  // Detected squads are part of the world's graph; stamped at the cutoff so the same seed
  // gives the same graph whenever it is loaded.
  await detectSquads({ graph: o.graph, dataset: o.dataset, clock: fixedClock(cutoff), logger: o.logger, seed: o.seed, importRun: stats.importRun });
  fs.mkdirSync(o.truthDir, { recursive: true });
  const truthFile = truthFilePath(o.truthDir, o.dataset);
  await writeTruthFile(truthFile, world.truth);
  return { ...stats, generateMs, truthFile, cutoff };
}
