import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../logging/logger';
import { runOverBolt } from './bolt-probe';
import { runCommand, tailLines } from './exec';
import { withFileLock } from './file-lock';
import { NEO4J_JVM_FLAGS } from './java-runtime';
import { freePort } from './process-probe';
import type { LauncherArtifacts } from './launcher-build';

/**
 * A class-data-sharing archive of the launcher's classes (the JDK's dynamic AppCDS
 * archive, Java 13+), which the embedded Neo4j's JVM maps at start instead of loading and
 * verifying the same thousands of classes from ~120 MB of jars every time. Measured here:
 * a start to Bolt answering 3.6–3.8 s with it against 5.1–5.6 s without (three starts
 * each, alternating), and a bulk seed's restart 8.5–8.7 s against 9.5–10.1 s.
 *
 * Made once per launcher build and Java runtime (the file name hashes both): a throwaway
 * server on a scratch home runs with `-XX:ArchiveClassesAtExit`, answers a few statements
 * like the API's over Bolt (so Bolt's, Cypher planning's, the schema's and the vector
 * index's classes are loaded), and stops cleanly, which writes the archive. A JVM then
 * maps it with `-Xshare:on` before it is renamed into place: a truncated archive crashes
 * the JVM that maps it (seen here), so none is used that a JVM has not mapped whole.
 *
 * An archive is only a speed-up: a failure to make one is logged and remembered in a
 * marker file beside it (so that every start does not pay for another try; a new launcher
 * build or Java runtime tries again), and the server starts without one.
 */

export interface ClassArchiveOptions {
  artifacts: LauncherArtifacts;
  javaBin: string;
  /** `java -version`'s output: another runtime gets an archive of its own. */
  javaVersion: string;
  logger: Logger;
  /**
   * Starts a server for the scratch `home` on `boltPort` with the JVM flags given, and
   * resolves once Bolt answers at `uri`; `stop()` stops it cleanly (which writes the archive).
   */
  record: (o: { home: string; boltPort: number; jvmFlags: string[] }) => Promise<{ uri: string; stop: () => Promise<void> }>;
  /** How long to wait for another process making the same archive. */
  lockTimeoutMs?: number;
}

/** The JVM flag that maps `file` (what a start adds once an archive exists). */
export const useClassArchiveFlag = (file: string): string => `-XX:SharedArchiveFile=${file}`;

/** The archive's path for this launcher build and Java runtime (it may not exist yet). */
export async function classArchivePath(artifacts: LauncherArtifacts, javaVersion: string): Promise<string> {
  const stamp = await fs.readFile(artifacts.stampPath, 'utf8').catch(() => 'unbuilt');
  const key = createHash('sha256').update(stamp.trim()).update('\0').update(javaVersion.trim()).update('\0').update(artifacts.classpath).digest('hex');
  return path.join(archiveDir(artifacts), `launcher-${key.slice(0, 16)}.jsa`);
}

/**
 * The archive for this launcher build and Java runtime: the existing one, or one made now
 * (~20 s, once). Null when none can be made (logged; the caller starts without one).
 */
export async function ensureClassArchive(o: ClassArchiveOptions): Promise<string | null> {
  const file = await classArchivePath(o.artifacts, o.javaVersion);
  const marker = failureMarker(file);
  if (await exists(file)) return file;
  if (await exists(marker)) return null;
  await fs.mkdir(path.dirname(file), { recursive: true });
  return withFileLock(
    path.join(path.dirname(file), '.lock'),
    { timeoutMs: o.lockTimeoutMs ?? 5 * 60_000, logger: o.logger, what: 'class archive' },
    async () => {
      if (await exists(file)) return file; // made while we waited
      if (await exists(marker)) return null;
      const started = Date.now();
      const partial = `${file}.partial-${process.pid}`;
      const home = await fs.mkdtemp(path.join(os.tmpdir(), 'giftgraph-class-archive-'));
      o.logger.info('recording a class archive for the embedded Neo4j (once per launcher build and Java runtime; later starts ~1.5 s faster)');
      try {
        const server = await o.record({ home, boltPort: await freePort(), jvmFlags: [`-XX:ArchiveClassesAtExit=${partial}`] });
        try {
          await runOverBolt(server.uri, WARM_UP, { n: 50 });
        } finally {
          await server.stop();
        }
        const check = await verifyClassArchive(o.javaBin, o.artifacts.classpath, partial);
        if (!check.ok) throw new Error(check.why);
        await removeOtherArchives(file);
        await fs.rename(partial, file);
        o.logger.info('class archive recorded', { file, seconds: Math.round((Date.now() - started) / 100) / 10 });
        return file;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        o.logger.warn(`no class archive for the embedded Neo4j; it starts without one: ${why}`, { marker });
        await markFailed(file, why);
        return null;
      } finally {
        await fs.rm(partial, { force: true });
        await fs.rm(home, { recursive: true, force: true });
      }
    },
  );
}

/**
 * Whether a JVM with the launcher's flags and classpath maps `file` whole (`-Xshare:on`
 * fails instead of silently starting without it). A damaged archive fails here, in a
 * throwaway JVM, and not in the server's.
 */
export async function verifyClassArchive(javaBin: string, classpath: string, file: string): Promise<{ ok: true } | { ok: false; why: string }> {
  if (!(await exists(file))) return { ok: false, why: `${file} was not written` };
  const outcome = await runCommand(javaBin, ['-Xshare:on', useClassArchiveFlag(file), ...NEO4J_JVM_FLAGS, '-cp', classpath, '-version']);
  if (outcome.kind === 'missing') return { ok: false, why: `${javaBin} is not on the PATH` };
  if (outcome.code === 0) return { ok: true };
  return { ok: false, why: `a JVM could not map ${file} (exit ${String(outcome.code ?? outcome.signal)}): ${tailLines(outcome.output, 5)}` };
}

/** Drops an archive found damaged (a marker keeps it from being made again until a new build or runtime). */
export async function discardClassArchive(file: string, why: string, logger: Logger): Promise<void> {
  logger.warn(`the embedded Neo4j's class archive is damaged; starting without it: ${why}`, { file });
  await markFailed(file, `damaged: ${why}`);
  await fs.rm(file, { force: true });
}

/**
 * Statements like the API's: a constraint, an index and a vector index created, writes
 * with UNWIND and MERGE, reads with parameters, a vector query. Each loads classes that a
 * bare start does not (Bolt's message handling, the Cypher planner and runtimes, schema).
 */
const WARM_UP: readonly string[] = [
  'CREATE CONSTRAINT warm_user IF NOT EXISTS FOR (u:WarmUser) REQUIRE (u.dataset, u.id) IS UNIQUE',
  'CREATE INDEX warm_item IF NOT EXISTS FOR (i:WarmItem) ON (i.dataset, i.price)',
  "CREATE VECTOR INDEX warm_vector IF NOT EXISTS FOR (i:WarmItem) ON i.embedding OPTIONS {indexConfig: {`vector.dimensions`: 4, `vector.similarity_function`: 'cosine'}}",
  "UNWIND range(1, $n) AS k MERGE (u:WarmUser {dataset: 'w', id: toString(k)}) SET u.since = datetime()",
  "UNWIND range(1, $n) AS k MERGE (i:WarmItem {dataset: 'w', id: toString(k)}) SET i.price = k * 100, i.embedding = [1.0, toFloat(k), 0.5, 0.25]",
  "MATCH (u:WarmUser {dataset: 'w'}), (i:WarmItem {dataset: 'w', id: u.id}) MERGE (u)-[p:PURCHASED]->(i) SET p.at = timestamp()",
  "MATCH (u:WarmUser {dataset: 'w', id: '1'})-[:PURCHASED]->(i)<-[:PURCHASED]-(o) RETURN o.id AS id, count(*) AS n ORDER BY n DESC LIMIT 10",
  "MATCH (i:WarmItem {dataset: 'w'}) WHERE i.price > $n RETURN collect(i.id)[0..5] AS ids, avg(i.price) AS mean",
  'CALL db.awaitIndexes(60)',
  "CALL db.index.vector.queryNodes('warm_vector', 5, [1.0, 2.0, 0.5, 0.25]) YIELD node, score RETURN node.id AS id, score",
  'SHOW INDEXES YIELD name, type RETURN count(*) AS n',
];

/** The marker beside `file` saying why there is no archive: no new try until another build or runtime. */
const failureMarker = (file: string): string => `${file}.failed`;

const markFailed = (file: string, why: string): Promise<void> => fs.writeFile(failureMarker(file), `${new Date().toISOString()} ${why}\n`);

/** Removes the archives (and markers) of earlier builds and runtimes: ~100 MB each. */
async function removeOtherArchives(file: string): Promise<void> {
  const dir = path.dirname(file);
  const mine = path.basename(file);
  for (const f of await fs.readdir(dir).catch(() => [] as string[])) {
    // Not another process's `.partial-<pid>`: it may be recording for another runtime now.
    const done = f.endsWith('.jsa') || f.endsWith('.jsa.failed');
    if (f.startsWith('launcher-') && done && !f.startsWith(mine)) await fs.rm(path.join(dir, f), { force: true });
  }
}

/** Beside the launcher's build outputs (target/), which a clean clone rebuilds. */
const archiveDir = (artifacts: LauncherArtifacts): string => path.join(path.dirname(artifacts.jar), 'class-archive');

const exists = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
