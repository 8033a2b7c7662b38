import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../clock/clock';
import { PROJECT_ROOT, type Config, type Neo4jTarget } from '../../config/config';
import { ErrorCode } from '../../errors/codes';
import { BadInputError, GiftgraphError } from '../../errors/errors';
import { connectGraph } from '../../graph/connect';
import { withFileLock } from '../../graph/embedded/file-lock';
import { embeddedStatus, withEmbeddedStopped } from '../../graph/embedded/server';
import type { GraphClient } from '../../graph/graph-client';
import { MIGRATIONS_DIR } from '../../graph/migrations';
import { runMigrations } from '../../graph/migrations/migration-runner';
import type { Logger } from '../../logging/logger';
import type { Progress } from '../../logging/progress';
import { databaseDataNodes, recordCompletedImportRun, type DatasetMeta } from '../import-runs';
import type { LoadStats } from '../loader';
import type { GraphRows } from '../rows';
import { runAdminImport } from './admin-import';
import { writeImportFiles } from './import-files';

type EmbeddedTarget = Extract<Neo4jTarget, { kind: 'embedded' }>;

export interface BulkIngestOptions {
  /** Must name the embedded server: the import writes its store files. */
  config: Config;
  dataset: string;
  meta: DatasetMeta;
  rows: GraphRows;
  clock: Clock;
  logger: Logger;
  progress?: Progress;
}

export interface BulkIngestResult extends LoadStats {
  importRun: string;
  /** Time per step, ms: the emptiness check and the import files, the importer (with the server's stop), the restart + migrations + run record. */
  steps: { files: number; importer: number; restart: number };
  /** A client on the restarted server (the caller's earlier clients were cut off by the restart). */
  graph: GraphClient;
}

/**
 * Loads a dataset into an EMPTY embedded database with Neo4j's offline importer instead
 * of transactions: checks the database holds no dataset, writes the import files, stops
 * the server, imports (replacing the store), starts it again, applies the migrations
 * (constraints and indexes are built on the imported data) and records the import run as
 * a transactional load would. The graph is the same as `ingestDataset` gives (the
 * bulk-seed test compares fingerprints).
 *
 * Refuses with DATABASE_NOT_EMPTY when any dataset is there (the import would erase it;
 * two bulk loads into one home run one after the other, so the second refuses),
 * and with BAD_USER_INPUT on an external server (NEO4J_URI: its files are not ours).
 * If the importer fails, the half-written store is removed and the server started again
 * on an empty database, as it was before.
 */
export async function bulkIngest(o: BulkIngestOptions): Promise<BulkIngestResult> {
  const t = o.config.neo4j;
  if (t.kind !== 'embedded') throw new BadInputError('a bulk load writes the embedded server\'s store files; with NEO4J_URI set, load without --bulk');
  await fs.mkdir(t.home, { recursive: true });
  // One bulk load per home at a time, check included: a second one waits, then finds the
  // first one's dataset and refuses, instead of importing over it.
  return withFileLock(path.join(t.home, BULK_LOCK), { timeoutMs: BULK_LOCK_WAIT_MS, logger: o.logger, what: 'bulk load' }, () => bulkIngestLocked(o, t));
}

/** The lock file of a home's bulk load, and how long a second load waits for the first. */
const BULK_LOCK = '.giftgraph-bulk.lock';
const BULK_LOCK_WAIT_MS = 60 * 60_000;

async function bulkIngestLocked(o: BulkIngestOptions, t: EmbeddedTarget): Promise<BulkIngestResult> {
  const t0 = performance.now();
  await refuseNonEmpty(o, t);
  const run = { id: randomUUID(), dataset: o.dataset };
  const dir = path.join(t.home, `bulk-${run.id}`);
  o.progress?.phase('import files', 1);
  try {
    const files = writeImportFiles(o.rows, { dir, dataset: o.dataset, importRun: run.id });
    const t1 = performance.now();
    o.progress?.phase('neo4j-admin import', 1);
    const failure = await withEmbeddedStopped({ home: t.home, logger: o.logger }, async () => {
      try {
        await runAdminImport({ projectRoot: PROJECT_ROOT, home: t.home, files, heap: t.heap, logger: o.logger });
        return null;
      } catch (error) {
        await removeStore(t.home);
        return { error };
      }
    });
    const t2 = performance.now();
    o.progress?.phase('restart + indexes', 1);
    // Started again whatever happened: on an import that failed, with an empty database.
    const graph = await connectGraph(o.config, o.logger);
    try {
      await runMigrations({ graph, dir: MIGRATIONS_DIR, clock: o.clock, logger: o.logger });
      if (failure) throw failure.error;
      await recordCompletedImportRun(graph, run, { meta: o.meta, clock: o.clock, stats: { nodes: files.nodeCount, relationships: files.relationshipCount, ms: Math.round(performance.now() - t0) } });
    } catch (e) {
      await graph.close();
      throw e;
    }
    const t3 = performance.now();
    o.progress?.done();
    return { nodes: files.nodeCount, relationships: files.relationshipCount, ms: t3 - t0, importRun: run.id, steps: { files: t1 - t0, importer: t2 - t1, restart: t3 - t2 }, graph };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * DATABASE_NOT_EMPTY unless the database holds no dataset. A stopped server without a
 * store (a fresh home: the first load) is empty as it is, and is not started just to be
 * asked; otherwise the server is asked (and migrated, so the count statements plan).
 */
async function refuseNonEmpty(o: BulkIngestOptions, t: EmbeddedTarget): Promise<void> {
  const status = await embeddedStatus({ home: t.home, boltPort: t.boltPort, logger: o.logger });
  if (!status.running && !existsSync(storeDirs(t.home)[0]!)) return;
  const graph = await connectGraph(o.config, o.logger);
  try {
    await runMigrations({ graph, dir: MIGRATIONS_DIR, clock: o.clock, logger: o.logger });
    const held = await databaseDataNodes(graph);
    if (held > 0) {
      throw new GiftgraphError(ErrorCode.DATABASE_NOT_EMPTY, `the database at ${t.home} already holds ${held} nodes; a bulk load replaces the whole database, so it loads an empty one only`, { nodes: held, home: t.home });
    }
  } finally {
    await graph.close();
  }
}

/** The `neo4j` database's store and its transaction logs under an embedded home. */
const storeDirs = (home: string) => [path.join(home, 'data', 'databases', 'neo4j'), path.join(home, 'data', 'transactions', 'neo4j')];

/**
 * Removes the `neo4j` database's store and transaction logs after a failed import (the
 * importer may have erased the old store before it failed): the next start creates an
 * empty database instead of failing on a half-written one.
 */
async function removeStore(home: string): Promise<void> {
  for (const dir of storeDirs(home)) await fs.rm(dir, { recursive: true, force: true });
}
