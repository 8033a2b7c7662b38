import { spawn } from 'node:child_process';
import { promises as fs, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logging/logger';
import { probeBolt, waitForBolt } from './bolt-probe';
import { EmbeddedServerError } from './errors';
import { tailLines } from './exec';
import { withFileLock } from './file-lock';
import { discardClassArchive, ensureClassArchive, useClassArchiveFlag, verifyClassArchive, type ClassArchiveOptions } from './class-archive';
import { checkJava, launcherArgs } from './java-runtime';
import { ensureLauncherBuilt } from './launcher-build';
import { readPidFile, removePidFile, writePidFile, pidFilePath } from './pid-file';
import { argValue, isLauncherFor, isPortFree, isProcessAlive, listLaunchers, readCommandLine } from './process-probe';

/**
 * Lifecycle of the embedded Neo4j: one detached JVM per home directory, tracked by
 * `<home>/giftgraph-neo4j.pid`, its stdout/stderr appended to `<home>/neo4j.log` (Neo4j's
 * own logs are under `<home>/logs/`). The JVM outlives the process that started it, so
 * `db:start` returns and `db:stop` (any later process) finds it again through the pid file.
 *
 * A pid only counts as "our server" when /proc says that process is the launcher serving
 * this exact home: pids are reused, and a stale file must never make us signal a stranger.
 */

export interface EmbeddedServerOptions {
  /** Repository root: the launcher's Maven module is `<projectRoot>/neo4j-embedded`. */
  projectRoot: string;
  /** Data directory; created if missing, resolved to an absolute path. */
  home: string;
  /** Bolt port on 127.0.0.1. */
  boltPort: number;
  /** JVM -Xmx, like `1g`. */
  heap: string;
  pageCacheMb: number;
  logger: Logger;
  /** From spawn (or from finding it already running) to Bolt answering; default 180000.
   * Excludes the one-off Maven build, which can take minutes on a cold ~/.m2. */
  startTimeoutMs?: number;
  /** Java executable; default `java` from the PATH. */
  javaBin?: string;
  /** Map a class archive of the launcher's classes at start, made on the first start (class-archive.ts); default true. */
  classArchive?: boolean;
}

export interface StartResult {
  pid: number;
  /** True when a launcher for this home was already running (nothing was spawned). */
  alreadyRunning: boolean;
  /** Where Bolt answers; the running server's port, which may differ from the requested one. */
  boltUri: string;
}

export type StopOptions = Pick<EmbeddedServerOptions, 'home' | 'logger'> & {
  /** Grace period after SIGTERM before SIGKILL; default 60000 (a clean shutdown takes ~10 s). */
  stopTimeoutMs?: number;
};

export interface StopResult {
  wasRunning: boolean;
  pid?: number;
}

export type StatusOptions = Pick<EmbeddedServerOptions, 'home' | 'boltPort' | 'logger'>;

export type StatusResult = { running: false; boltReady: false } | { running: true; pid: number; boltReady: boolean; boltUri: string };

export const DEFAULT_START_TIMEOUT_MS = 180_000;
export const DEFAULT_STOP_TIMEOUT_MS = 60_000;
/** After SIGKILL the kernel frees the process almost at once; this only guards against a stuck D-state. */
const KILL_WAIT_MS = 10_000;
const LOG_FILE_NAME = 'neo4j.log';
const START_LOCK_NAME = 'giftgraph-neo4j.lock';

export function boltUriFor(port: number): string {
  return `bolt://127.0.0.1:${port}`;
}

/**
 * Ensures a launcher serves `home` and answers `RETURN 1` over Bolt, then resolves.
 * Builds the launcher first if needed, and before the first spawn of a build records the
 * class archive its JVM maps (class-archive.ts). If one is already running for this home it is
 * reused (`alreadyRunning: true`, after waiting for Bolt like a fresh start). A stale pid
 * file is removed with a log line. Never kills anything: if Bolt does not answer within
 * the timeout the JVM is left running (a long crash recovery must not be interrupted).
 *
 * Throws EmbeddedServerError: java_missing | java_too_old | maven_missing | build_failed |
 * port_in_use | spawn_failed | exited_early | start_timeout | lock_timeout.
 */
export async function startEmbedded(o: EmbeddedServerOptions): Promise<StartResult> {
  const home = path.resolve(o.home);
  const timeoutMs = o.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  await fs.mkdir(home, { recursive: true });
  const javaBin = o.javaBin ?? 'java';
  const java = await checkJava(javaBin);
  const artifacts = await ensureLauncherBuilt({ projectRoot: o.projectRoot, logger: o.logger });

  // Serialises start/stop per home across processes, so two starts cannot both spawn.
  return withStartStopLock(home, timeoutMs, o.logger, async () => {
    const running = (await findRunning(home, o.logger, { removeStale: true })) ?? (await adoptOrphan(home, o.logger));
    if (running) {
      const port = runningPort(running.argv, o.boltPort);
      if (port !== o.boltPort) {
        o.logger.warn(`the server for this home is running on Bolt port ${port}, not ${o.boltPort}; stop it to change ports`, { home });
      }
      const uri = boltUriFor(port);
      const watcher = watchExit(running.pid);
      try {
        await awaitBolt({ uri, deadline: Date.now() + timeoutMs, exited: watcher.exited, pid: running.pid, home, logOffset: 0, timeoutMs });
      } finally {
        watcher.cancel();
      }
      return { pid: running.pid, alreadyRunning: true, boltUri: uri };
    }

    await refuseTakenPort(o.boltPort);
    const launch = { ...o, home, timeoutMs, javaBin, classpath: artifacts.classpath };
    const archive = o.classArchive === false ? null : await ensureClassArchive({ artifacts, javaBin, javaVersion: java.version, logger: o.logger, record: recordRun(launch) });
    if (!archive) return spawnLauncher(launch);
    try {
      return await spawnLauncher({ ...launch, jvmFlags: [useClassArchiveFlag(archive)] });
    } catch (err) {
      // A JVM dies at once on an archive damaged since it was checked: start without it
      // (and drop it) rather than fail, but only when the archive is what is wrong.
      if (!(err instanceof EmbeddedServerError) || err.reason !== 'exited_early') throw err;
      const check = await verifyClassArchive(javaBin, artifacts.classpath, archive);
      if (check.ok) throw err;
      await discardClassArchive(archive, check.why, o.logger);
      return spawnLauncher(launch);
    }
  });
}

type LaunchOptions = EmbeddedServerOptions & { home: string; timeoutMs: number; javaBin: string; classpath: string; jvmFlags?: string[] };

/** The throwaway server a class archive is recorded from: a small heap and page cache, the JVM flags it is given. */
function recordRun(launch: LaunchOptions): ClassArchiveOptions['record'] {
  return async (r) => {
    const stop = async () => {
      await stopEmbedded({ home: r.home, logger: launch.logger });
    };
    // A start that timed out leaves its JVM running (see startEmbedded): this one is
    // throwaway, on a home about to be deleted, so it is stopped before the error goes up.
    await spawnLauncher({ ...launch, home: r.home, boltPort: r.boltPort, heap: '512m', pageCacheMb: 64, jvmFlags: r.jvmFlags }).catch(async (err: unknown) => {
      await stop().catch(() => undefined);
      throw err;
    });
    return { uri: boltUriFor(r.boltPort), stop };
  };
}

async function spawnLauncher(o: LaunchOptions): Promise<StartResult> {
  const logPath = path.join(o.home, LOG_FILE_NAME);
  const args = launcherArgs({ classpath: o.classpath, home: o.home, boltPort: o.boltPort, heap: o.heap, pageCacheMb: o.pageCacheMb, jvmFlags: o.jvmFlags });
  // The log accumulates across starts; remember where this start begins so a failure shows
  // this attempt's lines only.
  await fs.appendFile(logPath, `\n=== giftgraph: starting Neo4j at ${new Date().toISOString()}: ${o.javaBin} ${args.join(' ')}\n`);
  const logOffset = (await fs.stat(logPath)).size;

  const fd = openSync(logPath, 'a');
  let child;
  try {
    // detached: its own process group, so a Ctrl-C in the terminal that ran db:start does
    // not reach the database; cwd=home keeps any stray JVM files out of the repository.
    child = spawn(o.javaBin, args, { cwd: o.home, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
    child.once('error', (err) => resolve(`could not be started: ${err.message}`));
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new EmbeddedServerError('spawn_failed', `could not start ${o.javaBin}: ${await exited}`, { java: o.javaBin });
  }
  child.unref();
  await writePidFile(o.home, pid);
  o.logger.info('spawned the embedded Neo4j; waiting for Bolt', { pid, home: o.home, boltPort: o.boltPort });

  try {
    await awaitBolt({ uri: boltUriFor(o.boltPort), deadline: Date.now() + o.timeoutMs, exited, pid, home: o.home, logOffset, timeoutMs: o.timeoutMs });
  } catch (err) {
    if (err instanceof EmbeddedServerError && err.reason === 'exited_early') await removePidFile(o.home);
    throw err;
  }
  return { pid, alreadyRunning: false, boltUri: boltUriFor(o.boltPort) };
}

interface AwaitBoltArgs {
  uri: string;
  deadline: number;
  exited: Promise<string>;
  pid: number;
  home: string;
  /** Where this start's output begins in `<home>/neo4j.log`. */
  logOffset: number;
  timeoutMs: number;
}

async function awaitBolt(a: AwaitBoltArgs): Promise<void> {
  const outcome = await waitForBolt({ uri: a.uri, deadline: a.deadline, exited: a.exited });
  switch (outcome.kind) {
    case 'ready':
      return;
    case 'exited':
      throw new EmbeddedServerError(
        'exited_early',
        `the embedded Neo4j (pid ${a.pid}) ${outcome.how} before Bolt answered at ${a.uri}. ` +
          `Last lines of ${path.join(a.home, LOG_FILE_NAME)}:\n${await logTail(a.home, a.logOffset)}\n` +
          `(Neo4j's own log: ${path.join(a.home, 'logs', 'debug.log')})`,
        { pid: a.pid, home: a.home, uri: a.uri },
      );
    case 'timeout':
      throw new EmbeddedServerError(
        'start_timeout',
        `the embedded Neo4j (pid ${a.pid}) did not answer RETURN 1 at ${a.uri} within ${Math.round(a.timeoutMs / 1000)} s ` +
          `(last error: ${outcome.lastError}). It is left running, since it may still be recovering: ` +
          `check ${path.join(a.home, 'logs', 'debug.log')}, run db:status, or db:stop it. Last lines of ${path.join(a.home, LOG_FILE_NAME)}:\n` +
          (await logTail(a.home, a.logOffset)),
        { pid: a.pid, home: a.home, uri: a.uri },
      );
  }
}

/**
 * Stops the launcher serving `home`: SIGTERM (the launcher's shutdown hook shuts Neo4j
 * down cleanly, ~10 s), then SIGKILL after `stopTimeoutMs` (the next start recovers from
 * the transaction log). Removes the pid file. Not running: `{ wasRunning: false }`.
 * Throws EmbeddedServerError stop_failed (not ours to signal, or unkillable) | lock_timeout.
 */
export async function stopEmbedded(o: StopOptions): Promise<StopResult> {
  const home = path.resolve(o.home);
  const graceMs = o.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  // No pid file and no lock dir means nothing to stop; do not create the home for that.
  const homeExists = await fs.stat(home).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!homeExists) return { wasRunning: false };

  return withStartStopLock(home, DEFAULT_START_TIMEOUT_MS, o.logger, () => stopLocked(home, graceMs, o.logger));
}

/**
 * Runs `work` with the server for `home` stopped (stopping it first if it runs), holding
 * the start/stop lock throughout, so no `db:start` can open the store while `work` edits
 * its files offline (the bulk import). Does not restart it: the caller starts it again.
 */
export async function withEmbeddedStopped<T>(o: StopOptions, work: () => Promise<T>): Promise<T> {
  const home = path.resolve(o.home);
  await fs.mkdir(home, { recursive: true });
  return withStartStopLock(home, DEFAULT_START_TIMEOUT_MS, o.logger, async () => {
    await stopLocked(home, o.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS, o.logger);
    return work();
  });
}

async function stopLocked(home: string, graceMs: number, logger: Logger): Promise<StopResult> {
  const running = (await findRunning(home, logger, { removeStale: true })) ?? (await adoptOrphan(home, logger));
  if (!running) return { wasRunning: false };
  const { pid } = running;

  logger.info('stopping the embedded Neo4j (SIGTERM)', { pid, home });
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, graceMs))) {
    logger.warn(`the embedded Neo4j did not exit within ${Math.round(graceMs / 1000)} s of SIGTERM; sending SIGKILL`, { pid });
    signal(pid, 'SIGKILL');
    if (!(await waitForExit(pid, KILL_WAIT_MS))) {
      throw new EmbeddedServerError('stop_failed', `the embedded Neo4j (pid ${pid}) survived SIGKILL for ${KILL_WAIT_MS / 1000} s`, { pid, home });
    }
  }
  await removePidFile(home);
  return { wasRunning: true, pid };
}

/**
 * Whether a launcher serves `home`, and whether Bolt answers `RETURN 1` on its port.
 * Read-only: it reports a stale pid file as "not running" but leaves removing it to start/stop.
 */
export async function embeddedStatus(o: StatusOptions): Promise<StatusResult> {
  const home = path.resolve(o.home);
  const running = (await findRunning(home, o.logger, { removeStale: false })) ?? (await findOrphan(home));
  if (!running) return { running: false, boltReady: false };
  const boltUri = boltUriFor(runningPort(running.argv, o.boltPort));
  const probe = await probeBolt({ uri: boltUri, auth: { kind: 'none' }, timeoutMs: 3_000 });
  if (!probe.ok) o.logger.debug('Bolt probe failed', { boltUri, error: probe.error });
  return { running: true, pid: running.pid, boltReady: probe.ok, boltUri };
}

interface RunningLauncher {
  pid: number;
  argv: string[];
}

/**
 * The launcher the pid file names, if that process is alive and is our launcher for
 * `home`. Otherwise the pid file is stale (dead pid, or a pid the OS has since given to
 * another process) and, with `removeStale`, is removed with a log line.
 */
async function findRunning(home: string, logger: Logger, opts: { removeStale: boolean }): Promise<RunningLauncher | undefined> {
  const recorded = await readPidFile(home);
  if (recorded === undefined) return undefined;
  let why: string;
  if (recorded === 'garbage') {
    why = 'it does not hold a pid';
  } else if (!isProcessAlive(recorded)) {
    why = `process ${recorded} is not running`;
  } else {
    const argv = await readCommandLine(recorded);
    if (argv && isLauncherFor(argv, home)) return { pid: recorded, argv };
    why = `pid ${recorded} now belongs to another process`;
  }
  if (opts.removeStale) {
    logger.info(`removing stale pid file (${why})`, { pidFile: pidFilePath(home) });
    await removePidFile(home);
  } else {
    logger.debug(`stale pid file (${why})`, { pidFile: pidFilePath(home) });
  }
  return undefined;
}

/** A live launcher for `home` that no pid file names (e.g. the file was deleted by hand). */
async function findOrphan(home: string): Promise<RunningLauncher | undefined> {
  return (await listLaunchers()).find((l) => isLauncherFor(l.argv, home));
}

/** Like findOrphan, and records its pid again so that later calls find it the normal way. */
async function adoptOrphan(home: string, logger: Logger): Promise<RunningLauncher | undefined> {
  const orphan = await findOrphan(home);
  if (orphan) {
    logger.warn(`found a running launcher for this home without a pid file; adopting pid ${orphan.pid}`, { home });
    await writePidFile(home, orphan.pid);
  }
  return orphan;
}

/**
 * How long a start waits for a taken Bolt port that no launcher owns. A launcher killed a
 * moment before (kill -9, a crash) can still hold its listening socket after its pid is
 * gone: a start right after one failed with port_in_use in a CI run (2026-11-27).
 */
const PORT_RELEASE_WAIT_MS = 3_000;

async function refuseTakenPort(port: number): Promise<void> {
  const deadline = Date.now() + PORT_RELEASE_WAIT_MS;
  let other: { pid: number; argv: string[] } | undefined;
  for (;;) {
    if (await isPortFree(port)) return;
    // Another giftgraph server on this port is refused at once: it will not go away.
    other = (await listLaunchers()).find((l) => argValue(l.argv, 'bolt-port') === String(port));
    if (other || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const who = other
    ? `another giftgraph Neo4j (pid ${other.pid}, home ${argValue(other.argv, 'home') ?? '?'}) listens there; stop it or pick another port`
    : 'another process listens there; free the port or pick another';
  throw new EmbeddedServerError('port_in_use', `Bolt port ${port} on 127.0.0.1 is already in use: ${who} (GIFTGRAPH_BOLT_PORT)`, {
    port,
    otherPid: other?.pid,
  });
}

function runningPort(argv: readonly string[], fallback: number): number {
  const p = Number(argValue(argv, 'bolt-port'));
  return Number.isInteger(p) && p > 0 ? p : fallback;
}

/** Serialises start, stop and offline work per home across processes; a waiter allows the holder's start time plus a margin. */
function withStartStopLock<T>(home: string, startTimeoutMs: number, logger: Logger, fn: () => Promise<T>): Promise<T> {
  return withFileLock(startLockPath(home), { timeoutMs: startTimeoutMs + 90_000, logger, what: 'start/stop' }, fn);
}

function startLockPath(home: string): string {
  return path.join(home, START_LOCK_NAME);
}

/** Sends `sig`; a process that is already gone is fine, one we may not signal is an error. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return;
    throw new EmbeddedServerError('stop_failed', `cannot send ${sig} to the embedded Neo4j (pid ${pid}): ${code ?? String(err)}`, { pid }, { cause: err });
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

/** Polls a process we did not spawn (so have no 'exit' event for) until it dies. */
function watchExit(pid: number): { exited: Promise<string>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<string>((resolve) => {
    timer = setInterval(() => {
      if (!isProcessAlive(pid)) {
        clearInterval(timer);
        resolve('exited');
      }
    }, 500);
  });
  return { exited, cancel: () => clearInterval(timer) };
}

/** The last lines `<home>/neo4j.log` gained since `offset`. */
async function logTail(home: string, offset: number, lines = 40): Promise<string> {
  try {
    const buf = await fs.readFile(path.join(home, LOG_FILE_NAME));
    return tailLines(buf.subarray(Math.min(offset, buf.length)).toString('utf8'), lines) || '(no output)';
  } catch {
    return '(no log file)';
  }
}
