import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Clock } from '../clock/clock';
import { ErrorCode } from '../errors/codes';
import { GiftgraphError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import type { Logger } from '../logging/logger';
import { defineQuery, type QueryDef } from '../graph/queries/query';
import { LABEL } from './graph-shape';

/**
 * An import run is the unit a load commits or removes. Every node a seed or import
 * writes carries the run's id; if the load fails, is interrupted, or its process is
 * killed, the run's nodes are deleted (at once on failure or a signal; by the next
 * seed/import/start's sweep after a `kill -9`) and the dataset is as it was: empty.
 */
export interface ImportRunInfo {
  id: string;
  dataset: string;
}

export interface DatasetMeta {
  kind: 'synthetic' | 'imported';
  /** The timeline's "now" for synthetic worlds; null for imported data. */
  cutoff: number | null;
  seed: number | null;
  source: string;
}

const ALL_LABELS = [...new Set(Object.values(LABEL))];

/** Per-label statements, registered so the EXPLAIN test proves each uses its index. */
const perLabel = (name: string, body: (label: string) => string, sample: Record<string, unknown>, labels: readonly string[] = ALL_LABELS): Map<string, QueryDef> =>
  new Map(labels.map((l) => [l, defineQuery(`${name}${l}`, body(l), sample)]));
const COUNT_IN_DATASET = perLabel('countInDataset', (l) => `MATCH (n:${l} {dataset: $ds}) RETURN count(n) AS c`, { ds: 'demo' });
const DELETE_RUN_BATCH = perLabel('deleteRunBatch', (l) => `MATCH (n:${l} {importRun: $run}) WITH n LIMIT 1000 DETACH DELETE n RETURN count(*) AS c`, { run: 'r' });
const DELETE_DATASET_BATCH = perLabel('deleteDatasetBatch', (l) => `MATCH (n:${l} {dataset: $ds}) WITH n LIMIT 1000 DETACH DELETE n RETURN count(*) AS c`, { ds: 'demo' });
const COUNT_ALL = perLabel('countAll', (l) => `MATCH (n:${l}) RETURN count(n) AS c`, {}, [...ALL_LABELS, 'Dataset', 'ImportRun']);
const RUNNING_RUNS = defineQuery(
  'runningImportRuns',
  `MATCH (r:ImportRun {status: 'RUNNING'}) RETURN r.id AS id, r.pid AS pid, r.host AS host, r.heartbeatAt AS hb`,
  {},
);
/** A RUNNING run whose heartbeat is older than this (and whose process is gone) is abandoned. */
const HEARTBEAT_STALE_MS = 2 * 60_000;

export async function datasetNodeCount(graph: GraphClient, dataset: string): Promise<number> {
  // One index-backed count per label (a label-less scan would touch every node).
  let n = 0;
  for (const q of COUNT_IN_DATASET.values()) {
    const rows = await graph.query(q.cypher, { ds: dataset });
    n += Number(rows[0]?.c ?? 0);
  }
  return n;
}

export async function beginImportRun(
  graph: GraphClient,
  o: { dataset: string; meta: DatasetMeta; clock: Clock; reset: boolean; logger: Logger },
): Promise<ImportRunInfo> {
  await sweepAbandonedRuns(graph, o.logger);
  if (o.reset) await deleteDataset(graph, o.dataset, o.logger);
  const existing = await datasetNodeCount(graph, o.dataset);
  if (existing > 0) {
    throw new GiftgraphError(
      ErrorCode.DATASET_NOT_EMPTY,
      `dataset "${o.dataset}" already holds ${existing} nodes; pass --reset to replace it`,
      { dataset: o.dataset, nodes: existing },
    );
  }
  const run = { id: randomUUID(), dataset: o.dataset };
  await graph.write((tx) => tx.run(CREATE_RUN, runParams(run, o)));
  return run;
}

/**
 * Records a run whose nodes are already in the graph (the offline bulk import wrote them,
 * stamped with `run.id`, while the server was down): the same records a transactional
 * load leaves, COMPLETE and READY, in one transaction. A RUNNING record left behind
 * would make the next sweep delete the imported dataset as abandoned.
 */
export async function recordCompletedImportRun(graph: GraphClient, run: ImportRunInfo, o: { meta: DatasetMeta; clock: Clock; stats: Record<string, number> }): Promise<void> {
  await graph.write(async (tx) => {
    await tx.run(CREATE_RUN, runParams(run, o));
    await tx.run(COMPLETE_RUN, completeParams(run, o.stats));
  });
}

const CREATE_RUN = `CREATE (:ImportRun {id: $id, dataset: $ds, status: 'RUNNING', startedAt: $now, heartbeatAt: $wall, pid: $pid, host: $host})
   MERGE (d:Dataset {id: $ds})
   SET d.status = 'LOADING', d.importRun = $id, d.kind = $kind, d.cutoff = $cutoff, d.seed = $seed, d.source = $source, d.createdAt = $now`;
const COMPLETE_RUN = `MATCH (r:ImportRun {id: $id}) SET r.status = 'COMPLETE', r.finishedAt = $wall, r += $stats
   WITH r MATCH (d:Dataset {id: r.dataset}) SET d.status = 'READY'`;
const runParams = (run: ImportRunInfo, o: { meta: DatasetMeta; clock: Clock }) => ({ id: run.id, ds: run.dataset, now: o.clock.now(), wall: Date.now(), pid: process.pid, host: os.hostname(), ...o.meta });
const completeParams = (run: ImportRunInfo, stats: Record<string, number>) => ({ id: run.id, wall: Date.now(), stats });

/**
 * Nodes of any dataset label, Dataset or ImportRun in the whole database (from the count
 * store: no scan). The bulk import replaces the database, so it runs only where this is 0.
 */
export async function databaseDataNodes(graph: GraphClient): Promise<number> {
  let n = 0;
  for (const q of COUNT_ALL.values()) n += Number((await graph.query(q.cypher))[0]?.c ?? 0);
  return n;
}

/** Keeps a long run from looking abandoned to a concurrent sweep. */
export async function heartbeat(graph: GraphClient, run: ImportRunInfo): Promise<void> {
  await graph.write((tx) => tx.run('MATCH (r:ImportRun {id: $id}) SET r.heartbeatAt = $wall', { id: run.id, wall: Date.now() }));
}

export async function completeImportRun(graph: GraphClient, run: ImportRunInfo, stats: Record<string, number>): Promise<void> {
  await graph.write((tx) => tx.run(COMPLETE_RUN, completeParams(run, stats)));
}

/** Deletes everything the run wrote, in batches, then the run itself. Safe to repeat. */
export async function abortImportRun(graph: GraphClient, runId: string, logger: Logger): Promise<number> {
  let deleted = 0;
  for (const q of DELETE_RUN_BATCH.values()) deleted += await deleteInBatches(graph, q, { run: runId });
  await graph.write((tx) =>
    tx.run(
      `MATCH (r:ImportRun {id: $run})
       OPTIONAL MATCH (d:Dataset {id: r.dataset, importRun: $run})
       DETACH DELETE r, d`,
      { run: runId },
    ),
  );
  logger.info(`import run ${runId} removed`, { nodes: deleted });
  return deleted;
}

/** Removes every node of a dataset (used by --reset). */
export async function deleteDataset(graph: GraphClient, dataset: string, logger: Logger): Promise<number> {
  let deleted = 0;
  for (const q of DELETE_DATASET_BATCH.values()) deleted += await deleteInBatches(graph, q, { ds: dataset });
  await graph.write((tx) => tx.run('MATCH (d:Dataset {id: $ds}) DETACH DELETE d WITH 1 AS x MATCH (r:ImportRun {dataset: $ds}) DELETE r', { ds: dataset }));
  if (deleted) logger.info(`dataset "${dataset}" reset`, { nodes: deleted });
  return deleted;
}

/**
 * Finds RUNNING runs whose process is gone: on this host, a pid that no longer exists;
 * elsewhere, a heartbeat older than HEARTBEAT_STALE_MS. Removes what they wrote.
 */
export async function sweepAbandonedRuns(graph: GraphClient, logger: Logger): Promise<string[]> {
  const rows = await graph.query(RUNNING_RUNS.cypher);
  const abandoned = rows.filter((r) => {
    if (r.host === os.hostname() && typeof r.pid === 'number') return !processAlive(r.pid);
    return Date.now() - Number(r.hb ?? 0) > HEARTBEAT_STALE_MS;
  });
  for (const r of abandoned) {
    logger.warn(`removing abandoned import run ${String(r.id)} (pid ${String(r.pid)} is gone)`);
    await abortImportRun(graph, String(r.id), logger);
  }
  return abandoned.map((r) => String(r.id));
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes in transactions of at most 1000 nodes: a hub's relationships make larger ones exceed the transaction memory pool. */
async function deleteInBatches(graph: GraphClient, q: QueryDef, params: Record<string, unknown>): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await graph.write((tx) => tx.run(q.cypher, params));
    const c = Number(rows[0]?.c ?? 0);
    total += c;
    if (c === 0) return total;
  }
}
