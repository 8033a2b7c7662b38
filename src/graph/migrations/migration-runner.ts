import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/clock';
import { ErrorCode } from '../../errors/codes';
import { GiftgraphError } from '../../errors/errors';
import type { Logger } from '../../logging/logger';
import type { GraphClient } from '../graph-client';
import { readMigrationFiles, type MigrationFile } from './migration-files';

export interface MigrationRunnerOptions {
  graph: GraphClient;
  dir: string;
  clock: Clock;
  logger: Logger;
  /** How long to wait for another process's lock before giving up (MIGRATION_LOCKED). */
  lockWaitMs?: number;
  /** A lock older than this is taken to be left by a crashed process and is broken. */
  staleLockMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Name of the migration chain (default "main"). Tests run throwaway chains beside the
   * real one in the same database, each with its own lock.
   */
  chain?: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}


/**
 * Applies new migration files in version order and records each as a (:Migration) node
 * in a NEXT-linked chain with its checksum. Refuses to run when an applied file has
 * changed since (MIGRATION_CHECKSUM_MISMATCH names the file). A lock node, made unique by
 * a constraint, keeps two processes from migrating at once. Applying nothing new is a
 * no-op that writes nothing but the lock.
 */
export async function runMigrations(o: MigrationRunnerOptions): Promise<MigrationResult> {
  const files = readMigrationFiles(o.dir);
  await bootstrap(o.graph);
  const holder = randomUUID();
  const chain = o.chain ?? 'main';
  await acquireLock(o, chain, holder);
  try {
    const appliedRows = await o.graph.query(
      'MATCH (m:Migration {chain: $chain}) RETURN m.version AS version, m.file AS file, m.checksum AS checksum ORDER BY m.version',
      { chain },
    );
    const applied = new Map(appliedRows.map((r) => [Number(r.version), { file: String(r.file), checksum: String(r.checksum) }]));
    for (const f of files) {
      const a = applied.get(f.version);
      if (a && a.checksum !== f.checksum) {
        throw new GiftgraphError(
          ErrorCode.MIGRATION_CHECKSUM_MISMATCH,
          `migration ${f.file} has changed since it was applied (checksum ${a.checksum.slice(0, 12)}… recorded, ${f.checksum.slice(0, 12)}… on disk); add a new migration instead of editing an applied one`,
          { file: f.file },
        );
      }
    }
    const pending = files.filter((f) => !applied.has(f.version));
    for (const f of pending) {
      await apply(o, chain, f);
      o.logger.info(`migration applied: ${f.file}`, { statements: f.statements.length });
    }
    return { applied: pending.map((f) => f.file), alreadyApplied: files.length - pending.length };
  } finally {
    await releaseLock(o.graph, chain, holder);
  }
}

async function bootstrap(graph: GraphClient): Promise<void> {
  await graph.schema([
    'CREATE CONSTRAINT migration_lock_name IF NOT EXISTS FOR (n:MigrationLock) REQUIRE n.name IS UNIQUE',
    'CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (n:Migration) REQUIRE (n.chain, n.version) IS UNIQUE',
  ]);
}

async function apply(o: MigrationRunnerOptions, chain: string, f: MigrationFile): Promise<void> {
  // Schema statements cannot share a transaction with writes, so the file's statements
  // run in one schema transaction and its record in the next; files use IF NOT EXISTS so
  // a run interrupted between the two is safe to repeat. One transaction also lets Neo4j
  // populate the file's indexes in one pass over the store (a bulk-loaded one is full).
  await o.graph.schema(f.statements);
  await o.graph.write((tx) =>
    tx.run(
      `OPTIONAL MATCH (head:Migration {chain: $chain}) WHERE NOT (head)-[:NEXT]->()
       CREATE (m:Migration {chain: $chain, version: $version, file: $file, checksum: $checksum, appliedAt: $now})
       FOREACH (h IN CASE WHEN head IS NULL THEN [] ELSE [head] END | CREATE (h)-[:NEXT]->(m))`,
      { chain, version: f.version, file: f.file, checksum: f.checksum, now: o.clock.now() },
    ),
  );
}

async function acquireLock(o: MigrationRunnerOptions, chain: string, holder: string): Promise<void> {
  const waitMs = o.lockWaitMs ?? 60_000;
  const staleMs = o.staleLockMs ?? 10 * 60_000;
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const took = await o.graph.write(async (tx) => {
      const rows = await tx.run(
        `MERGE (l:MigrationLock {name: $name})
         ON CREATE SET l.holder = $holder, l.at = $now
         WITH l, l.holder = $holder AS mine, l.at AS at
         // A lock left by a crashed process is broken once it is older than staleMs.
         FOREACH (_ IN CASE WHEN NOT mine AND at < $now - $staleMs THEN [1] ELSE [] END |
           SET l.holder = $holder, l.at = $now)
         RETURN l.holder = $holder AS ours, l.holder AS heldBy`,
        { name: chain, holder, now: Date.now(), staleMs },
      );
      return rows[0];
    });
    if (took?.ours) return;
    if (Date.now() >= deadline) {
      throw new GiftgraphError(ErrorCode.MIGRATION_LOCKED, `another process holds the migration lock (holder ${String(took?.heldBy)}); waited ${waitMs} ms`, {
        holder: took?.heldBy,
      });
    }
    if (attempt === 0) o.logger.info('waiting for the migration lock held by another process');
    await sleep(250);
  }
}

async function releaseLock(graph: GraphClient, chain: string, holder: string): Promise<void> {
  await graph.write((tx) => tx.run('MATCH (l:MigrationLock {name: $name, holder: $holder}) DELETE l', { name: chain, holder }));
}
