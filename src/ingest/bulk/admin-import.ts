import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode } from '../../errors/codes';
import { GiftgraphError } from '../../errors/errors';
import { runCommand, tailLines } from '../../graph/embedded/exec';
import { NEO4J_JVM_FLAGS } from '../../graph/embedded/java-runtime';
import { ensureLauncherBuilt } from '../../graph/embedded/launcher-build';
import type { Logger } from '../../logging/logger';
import type { ImportFiles } from './import-files';

/** The launcher module's entry point to Neo4j's admin CLI (it hands over home and conf dirs explicitly). */
const ADMIN_TOOL_MAIN = 'dev.giftgraph.neo4j.BulkImport';

/** The database the embedded server serves (Community has one user database). */
const DATABASE = 'neo4j';

/** The last import's output, in the server's home. */
export const IMPORT_LOG = 'neo4j-admin-import.log';

export interface AdminImportOptions {
  projectRoot: string;
  /** The embedded server's home (its store lives in `<home>/data`); the server must be stopped. */
  home: string;
  files: ImportFiles;
  /** JVM -Xmx for the importer; most of its memory is off-heap. */
  heap: string;
  logger: Logger;
  javaBin?: string;
}

/**
 * Runs `neo4j-admin database import full` with the launcher's own Neo4j jars, replacing
 * the embedded server's `neo4j` database with the files' contents. The store is written
 * directly, without transactions: ~5× the transactional loader's rate here, and the only
 * way to load into Neo4j faster than its commit path allows. Offline: the server must be
 * stopped (withEmbeddedStopped). Throws IMPORT_INVALID with the importer's output tail
 * when it fails or imports other counts than the files hold.
 */
export async function runAdminImport(o: AdminImportOptions): Promise<{ ms: number }> {
  const t0 = performance.now();
  const home = path.resolve(o.home);
  const { classpath } = await ensureLauncherBuilt({ projectRoot: o.projectRoot, logger: o.logger });
  // The admin tool finds the store through neo4j.conf; the launcher's default layout is
  // `<home>/data`, which is the tool's default too, so the file only says so explicitly.
  const confDir = path.join(home, 'admin-conf');
  await fs.mkdir(confDir, { recursive: true });
  await fs.writeFile(path.join(confDir, 'neo4j.conf'), `server.directories.data=${path.join(home, 'data')}\n`);
  const args = [
    `-Xmx${o.heap}`,
    ...NEO4J_JVM_FLAGS,
    '-cp',
    classpath,
    ADMIN_TOOL_MAIN,
    home,
    confDir,
    'database',
    'import',
    'full',
    // The database first: the file options take every following word as another file.
    DATABASE,
    '--overwrite-destination=true',
    '--id-type=string',
    // Multi-line fields force one reader thread per file: asked for only when a field spans lines.
    `--multiline-fields=${String(o.files.multilineFields)}`,
    `--threads=${Math.max(1, os.availableParallelism())}`,
    `--report-file=${path.join(home, 'import.report')}`,
    ...o.files.nodes.map(([label, file]) => `--nodes=${label}=${file}`),
    ...o.files.relationships.map(([type, file]) => `--relationships=${type}=${file}`),
  ];
  o.logger.info('running neo4j-admin database import full', { home, nodeFiles: o.files.nodes.length, relationshipFiles: o.files.relationships.length });
  const outcome = await runCommand(o.javaBin ?? 'java', args, { cwd: home });
  if (outcome.kind === 'missing') throw new GiftgraphError(ErrorCode.GRAPH_UNAVAILABLE, 'java is not on the PATH: the bulk import runs Neo4j\'s importer on the JVM', {});
  // The importer's own account (stages, times, memory), kept beside the server's log.
  await fs.writeFile(path.join(home, IMPORT_LOG), outcome.output);
  const counts = importedCounts(outcome.output);
  if (outcome.code !== 0 || !counts) {
    throw new GiftgraphError(ErrorCode.IMPORT_INVALID, `neo4j-admin import failed (exit ${String(outcome.code ?? outcome.signal)}):\n${tailLines(outcome.output, 30)}`, { exitCode: outcome.code });
  }
  if (counts.nodes !== o.files.nodeCount || counts.relationships !== o.files.relationshipCount) {
    throw new GiftgraphError(
      ErrorCode.IMPORT_INVALID,
      `neo4j-admin imported ${counts.nodes} nodes and ${counts.relationships} relationships, the files hold ${o.files.nodeCount} and ${o.files.relationshipCount}`,
      { ...counts },
    );
  }
  return { ms: performance.now() - t0 };
}

/** The importer's summary ("Imported:\n  N nodes\n  M relationships"), or null when it printed none. Pure. */
export function importedCounts(output: string): { nodes: number; relationships: number } | null {
  const m = /IMPORT DONE[\s\S]*?Imported:\s+(\d+) nodes\s+(\d+) relationships/.exec(output);
  return m ? { nodes: Number(m[1]), relationships: Number(m[2]) } : null;
}
