import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logging/logger';
import { EmbeddedServerError } from './errors';
import { runCommand, tailLines } from './exec';
import { withFileLock } from './file-lock';

/**
 * Builds the Maven module `neo4j-embedded/` (the Java launcher plus its ~120 MB of runtime
 * jars in target/lib) once, and again only when its inputs change. The inputs are pom.xml
 * and everything under src/; their hash is kept in a stamp file next to the outputs.
 */

export interface LauncherBuildOptions {
  projectRoot: string;
  logger: Logger;
  /** Maven executable; default `mvn` from the PATH. */
  mvnBin?: string;
  /** How long to wait for another process's build of the same tree. A first online build
   * downloads ~120 MB from Maven Central, hence the generous default. */
  lockTimeoutMs?: number;
}

/** Where the built launcher lives: everything `java -cp` needs. */
export interface LauncherArtifacts {
  moduleDir: string;
  jar: string;
  libDir: string;
  /** `jar:libDir/*`, ready for `java -cp`. */
  classpath: string;
  /** Holds the hash of the inputs the outputs were built from. */
  stampPath: string;
}

export const LAUNCHER_MODULE_DIR = 'neo4j-embedded';
const JAR_NAME = 'neo4j-embedded-1.0.0.jar';
const STAMP_NAME = '.giftgraph-build-stamp';
const LOCK_NAME = '.giftgraph-build.lock';

export function launcherArtifacts(projectRoot: string): LauncherArtifacts {
  const moduleDir = path.join(projectRoot, LAUNCHER_MODULE_DIR);
  const jar = path.join(moduleDir, 'target', JAR_NAME);
  const libDir = path.join(moduleDir, 'target', 'lib');
  return { moduleDir, jar, libDir, classpath: `${jar}${path.delimiter}${path.join(libDir, '*')}`, stampPath: path.join(moduleDir, 'target', STAMP_NAME) };
}

/**
 * Returns the launcher's artifacts, building them first when the stamp is missing, differs
 * from the current inputs, or the jar/lib are gone. Concurrent callers (two CLIs, parallel
 * test workers) serialise on a lock file, and the second one finds the fresh stamp.
 * Throws EmbeddedServerError `maven_missing` or `build_failed` (with Maven's output tail).
 */
export async function ensureLauncherBuilt(opts: LauncherBuildOptions): Promise<LauncherArtifacts> {
  const artifacts = launcherArtifacts(opts.projectRoot);
  const targetDir = path.join(artifacts.moduleDir, 'target');
  const stampPath = artifacts.stampPath;
  const wanted = await hashInputs(artifacts.moduleDir);
  if (await isUpToDate(artifacts, stampPath, wanted)) return artifacts;

  await fs.mkdir(targetDir, { recursive: true });
  return withFileLock(
    path.join(targetDir, LOCK_NAME),
    { timeoutMs: opts.lockTimeoutMs ?? 20 * 60_000, logger: opts.logger, what: 'launcher build' },
    async () => {
      if (await isUpToDate(artifacts, stampPath, wanted)) return artifacts; // built while we waited
      await build(artifacts, opts);
      if (!(await hasOutputs(artifacts))) {
        throw new EmbeddedServerError('build_failed', `Maven succeeded but ${artifacts.jar} or ${artifacts.libDir}/*.jar is missing`, {
          moduleDir: artifacts.moduleDir,
        });
      }
      await fs.writeFile(stampPath, `${wanted}\n`);
      return artifacts;
    },
  );
}

async function build(artifacts: LauncherArtifacts, opts: LauncherBuildOptions): Promise<void> {
  const mvn = opts.mvnBin ?? 'mvn';
  // copy-dependencies never deletes, so a changed Neo4j version would leave two versions of
  // every jar on the classpath: start from empty outputs.
  await fs.rm(artifacts.libDir, { recursive: true, force: true });
  await fs.rm(artifacts.jar, { force: true });

  const started = Date.now();
  opts.logger.info('building the embedded Neo4j launcher (Maven, offline first)', { moduleDir: artifacts.moduleDir });
  // style.color=never: the output tail ends up in an error message, not a terminal.
  const args = ['-q', '-B', '-Dstyle.color=never', 'package', '-DskipTests'];
  // Offline first: with a warm ~/.m2 it avoids Maven Central round-trips; a cold cache
  // fails fast and we go online, which is the normal path on a fresh machine. A compile
  // error fails the same way online, so it is reported at once.
  let outcome = await runCommand(mvn, ['-o', ...args], { cwd: artifacts.moduleDir });
  if (outcome.kind === 'exited' && outcome.code !== 0 && !outcome.output.includes('COMPILATION ERROR')) {
    opts.logger.info('offline Maven build failed; retrying online (a first build downloads ~120 MB)');
    opts.logger.debug('offline Maven output', { tail: tailLines(outcome.output, 20) });
    outcome = await runCommand(mvn, args, { cwd: artifacts.moduleDir });
  }
  if (outcome.kind === 'missing') {
    throw new EmbeddedServerError(
      'maven_missing',
      `Maven ("${mvn}") is not on the PATH; it builds the embedded Neo4j launcher in ${artifacts.moduleDir}. ` +
        `Install Maven 3.8+ and a JDK 17 (e.g. apt-get install maven openjdk-17-jdk-headless), or set NEO4J_URI to use an external Neo4j`,
      { mvn },
    );
  }
  if (outcome.code !== 0) {
    throw new EmbeddedServerError(
      'build_failed',
      `building the embedded Neo4j launcher failed (mvn ${args.join(' ')} in ${artifacts.moduleDir}, exit ${outcome.code ?? outcome.signal}):\n` +
        tailLines(outcome.output, 40),
      { moduleDir: artifacts.moduleDir, exitCode: outcome.code },
    );
  }
  opts.logger.info('embedded Neo4j launcher built', { seconds: Math.round((Date.now() - started) / 100) / 10 });
}

async function isUpToDate(artifacts: LauncherArtifacts, stampPath: string, wanted: string): Promise<boolean> {
  const stamp = await fs.readFile(stampPath, 'utf8').then(
    (s) => s.trim(),
    () => undefined,
  );
  return stamp === wanted && (await hasOutputs(artifacts));
}

async function hasOutputs(artifacts: LauncherArtifacts): Promise<boolean> {
  const jarOk = await fs.stat(artifacts.jar).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!jarOk) return false;
  const libs = await fs.readdir(artifacts.libDir).catch(() => [] as string[]);
  return libs.some((f) => f.endsWith('.jar'));
}

/**
 * sha256 over pom.xml and every file under src/, each as "relative path NUL content NUL"
 * in sorted path order, so that a rename, an added file or an edit all change the hash.
 */
export async function hashInputs(moduleDir: string): Promise<string> {
  const files = ['pom.xml', ...(await listFiles(moduleDir, 'src'))].sort();
  const hash = createHash('sha256');
  for (const rel of files) {
    hash.update(rel.split(path.sep).join('/')).update('\0');
    hash.update(await fs.readFile(path.join(moduleDir, rel))).update('\0');
  }
  return hash.digest('hex');
}

async function listFiles(root: string, rel: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const child = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(root, child)));
    else if (e.isFile()) out.push(child);
  }
  return out;
}
