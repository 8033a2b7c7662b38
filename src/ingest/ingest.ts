import type { Clock } from '../clock/clock';
import type { GraphClient } from '../graph/graph-client';
import type { Logger } from '../logging/logger';
import type { Progress } from '../logging/progress';
import { abortImportRun, beginImportRun, completeImportRun, heartbeat, type DatasetMeta } from './import-runs';
import { loadRows, type LoadStats } from './loader';
import type { GraphRows } from './rows';

export interface IngestOptions {
  graph: GraphClient;
  dataset: string;
  meta: DatasetMeta;
  rows: GraphRows;
  reset: boolean;
  clock: Clock;
  logger: Logger;
  progress?: Progress;
  /** Set by the CLI's signal handler: the load stops at the next batch and its run is removed. */
  shouldStop?: () => boolean;
  batchSize?: number;
}

/**
 * The one write path for a whole dataset, shared by `seed` and `import`: open an import
 * run (refusing a non-empty dataset unless reset), load the rows, mark it complete. On
 * any failure or interruption everything the run wrote is deleted before the error is
 * rethrown, so the dataset is left as it was.
 */
export async function ingestDataset(o: IngestOptions): Promise<LoadStats & { importRun: string }> {
  const run = await beginImportRun(o.graph, { dataset: o.dataset, meta: o.meta, clock: o.clock, reset: o.reset, logger: o.logger });
  const beat = setInterval(() => void heartbeat(o.graph, run).catch(() => undefined), 30_000);
  try {
    const stats = await loadRows(o.graph, o.rows, {
      dataset: o.dataset,
      importRun: run.id,
      ...(o.progress ? { progress: o.progress } : {}),
      ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}),
      ...(o.batchSize ? { batchSize: o.batchSize } : {}),
    });
    await completeImportRun(o.graph, run, { nodes: stats.nodes, relationships: stats.relationships, ms: Math.round(stats.ms) });
    return { ...stats, importRun: run.id };
  } catch (err) {
    o.logger.error(`load of dataset "${o.dataset}" failed; removing import run ${run.id}`, { error: String((err as Error).message) });
    await abortImportRun(o.graph, run.id, o.logger);
    throw err;
  } finally {
    clearInterval(beat);
  }
}
