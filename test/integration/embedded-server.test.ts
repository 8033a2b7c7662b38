/**
 * The embedded Neo4j lifecycle against the real JVM (no mocks): start, reuse, crash
 * recovery, stale pid files, a taken port, stop, and the `db.ts` CLI.
 *
 * The tests share one server home and run in order (each leaves the server in the state
 * the next one starts from), which keeps the JVM starts to three (~5-10 s each here)
 * plus one clean stop (~10 s). Own temp home and Bolt port 7697, so they never touch the
 * demo (7687) or test (7688) servers. Missing Java or Maven fails them: they never skip.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type AuthToken } from 'neo4j-driver';
import { PROJECT_ROOT } from '../../src/config/config';
import { ErrorCode } from '../../src/errors/codes';
import type { Logger } from '../../src/logging/logger';
import { EmbeddedServerError } from '../../src/graph/embedded/errors';
import { runCommand } from '../../src/graph/embedded/exec';
import { classArchivePath, verifyClassArchive } from '../../src/graph/embedded/class-archive';
import { checkJava } from '../../src/graph/embedded/java-runtime';
import { launcherArtifacts } from '../../src/graph/embedded/launcher-build';
import { pidFilePath } from '../../src/graph/embedded/pid-file';
import { isLauncherFor, isProcessAlive, readCommandLine } from '../../src/graph/embedded/process-probe';
import { embeddedStatus, startEmbedded, stopEmbedded, type EmbeddedServerOptions } from '../../src/graph/embedded/server';

const PORT = 7697;
const URI = `bolt://127.0.0.1:${PORT}`;
const HEAP = '512m';
const PAGE_CACHE_MB = 64;
const NO_AUTH: AuthToken = { scheme: 'none', credentials: '' };

/** Keeps every log line so that tests can assert on the stale-pid-file messages. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (lvl: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${lvl} ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`);
  };
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

let home: string;
const logger = recordingLogger();
/** Every JVM these tests spawned, so afterAll can kill any that stop() missed. */
const spawned = new Set<number>();

function options(): EmbeddedServerOptions {
  return { projectRoot: PROJECT_ROOT, home, boltPort: PORT, heap: HEAP, pageCacheMb: PAGE_CACHE_MB, logger, startTimeoutMs: 150_000 };
}

async function start() {
  const r = await startEmbedded(options());
  spawned.add(r.pid);
  return r;
}

async function withSession<T>(fn: (s: ReturnType<ReturnType<typeof neo4j.driver>['session']>) => Promise<T>): Promise<T> {
  const driver = neo4j.driver(URI, NO_AUTH);
  try {
    const session = driver.session();
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  } finally {
    await driver.close();
  }
}

async function returnOne(): Promise<number> {
  return withSession(async (s) => (await s.run('RETURN 1 AS one')).records[0]!.get('one').toNumber());
}

async function listenWhenFree(port: number, timeoutMs = 20_000): Promise<net.Server> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = net.createServer();
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      server.once('error', resolve);
      server.listen(port, '127.0.0.1', () => resolve(null));
    });
    if (!err) return server;
    if (err.code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitUntilDead(pid: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} still alive after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `node scripts/run.js src/cli/db.ts <cmd>` against this test's home and port. */
function runCli(cmd: 'start' | 'stop' | 'status'): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIFTGRAPH_NEO4J_HOME: home,
    GIFTGRAPH_BOLT_PORT: String(PORT),
    GIFTGRAPH_NEO4J_HEAP: HEAP,
    GIFTGRAPH_NEO4J_PAGECACHE_MB: String(PAGE_CACHE_MB),
    GIFTGRAPH_LOG_LEVEL: 'info',
  };
  delete env.NEO4J_URI; // an external server in the environment would turn the CLI into a no-op
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/run.js', 'src/cli/db.ts', cmd], { cwd: PROJECT_ROOT, env, timeout: 170_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A pid that certainly belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((r) => child.once('exit', r));
  await waitUntilDead(pid);
  return pid;
}

beforeAll(async () => {
  // Fail loudly, never skip, when the toolchain is missing.
  await checkJava();
  const mvn = await runCommand('mvn', ['-v']);
  if (mvn.kind === 'missing' || mvn.code !== 0) throw new Error('Maven (mvn) is required to build the embedded Neo4j launcher');
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'giftgraph-embedded-'));
});

afterAll(async () => {
  if (!home) return;
  try {
    await stopEmbedded({ home, logger, stopTimeoutMs: 30_000 });
  } finally {
    for (const pid of spawned) {
      const argv = await readCommandLine(pid);
      if (argv && isLauncherFor(argv, home)) process.kill(pid, 'SIGKILL');
    }
    await fs.rm(home, { recursive: true, force: true });
  }
}, 90_000);

describe('embedded Neo4j server (real JVM, port 7697)', () => {
  it('starts, answers Bolt, and a second start (API and CLI) reuses the running server', async () => {
    const t0 = Date.now();
    const first = await start();
    process.stdout.write(`embedded Neo4j start took ${((Date.now() - t0) / 1000).toFixed(1)} s (build check included)\n`);
    expect(first).toEqual({ pid: first.pid, alreadyRunning: false, boltUri: URI });
    expect(await returnOne()).toBe(1);
    expect(Number((await fs.readFile(pidFilePath(home), 'utf8')).trim())).toBe(first.pid);
    // Neo4j's default keeps two days of transaction logs; the launcher bounds them (see Launcher.java).
    const retention = await withSession(async (s) =>
      (await s.run("SHOW SETTINGS YIELD name, value WHERE name = 'db.tx_log.rotation.retention_policy' RETURN value")).records[0]!.get('value'),
    );
    expect(retention).toBe('256M size');

    // The JVM mapped the class archive (recorded by the first start of this build and runtime).
    const archive = await classArchivePath(launcherArtifacts(PROJECT_ROOT), (await checkJava()).version);
    expect(await fs.readFile(`/proc/${first.pid}/maps`, 'utf8')).toContain(archive);

    expect(await startEmbedded(options())).toEqual({ pid: first.pid, alreadyRunning: true, boltUri: URI });

    const cli = await runCli('start');
    expect(cli).toMatchObject({ code: 0 });
    expect(cli.stdout).toContain(`already running (pid ${first.pid})`);

    expect(await embeddedStatus(options())).toEqual({ running: true, pid: first.pid, boltReady: true, boltUri: URI });
  }, 240_000);

  it('keeps every committed node through kill -9, and treats a pid now owned by another process as stale', async () => {
    const run = `crash-${Date.now()}`;
    const txs = 20;
    const perTx = 5;
    await withSession(async (s) => {
      for (let t = 0; t < txs; t++) {
        await s.executeWrite((tx) =>
          tx.run('UNWIND range(0, $n - 1) AS k CREATE (:EmbeddedCrashProbe {run: $run, i: $t * $n + k})', {
            run,
            t: neo4j.int(t),
            n: neo4j.int(perTx),
          }),
        );
      }
    });

    const { pid } = await embeddedStatus(options()).then((s) => (s.running ? s : Promise.reject(new Error('not running'))));
    process.kill(pid, 'SIGKILL');
    await waitUntilDead(pid);
    expect(await embeddedStatus(options())).toEqual({ running: false, boltReady: false });

    // Simulate pid reuse: the file now names a live process that is not our launcher (this one).
    await fs.writeFile(pidFilePath(home), `${process.pid}\n`);
    const restarted = await start();
    expect(restarted.alreadyRunning).toBe(false);
    expect(restarted.pid).not.toBe(pid);
    expect(logger.lines.some((l) => l.includes(`removing stale pid file (pid ${process.pid} now belongs to another process)`))).toBe(true);

    const ids = await withSession(async (s) =>
      (await s.run('MATCH (p:EmbeddedCrashProbe {run: $run}) RETURN p.i AS i ORDER BY i', { run })).records.map((r) => r.get('i').toNumber()),
    );
    expect(ids).toEqual(Array.from({ length: txs * perTx }, (_, i) => i));
  }, 240_000);

  it('refuses a Bolt port held by another process, then starts over a stale pid file of a dead process', async () => {
    const status = await embeddedStatus(options());
    if (!status.running) throw new Error('expected the server from the previous test to be running');
    process.kill(status.pid, 'SIGKILL');
    await waitUntilDead(status.pid);

    // The killed JVM's listening socket can outlive its pid by a moment while the kernel
    // tears the process down; bind once it is released (an error never hangs the test).
    const blocker = await listenWhenFree(PORT);
    try {
      const err = await startEmbedded(options()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EmbeddedServerError);
      expect(err).toMatchObject({ code: ErrorCode.GRAPH_UNAVAILABLE, reason: 'port_in_use' });
      expect((err as Error).message).toContain(`Bolt port ${PORT}`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }

    const dead = await deadPid();
    await fs.writeFile(pidFilePath(home), `${dead}\n`);
    const r = await start();
    expect(r.alreadyRunning).toBe(false);
    expect(r.pid).not.toBe(dead);
    expect(logger.lines.some((l) => l.includes(`removing stale pid file (process ${dead} is not running)`))).toBe(true);
    expect(await returnOne()).toBe(1);
  }, 240_000);

  it('stops through the CLI: status is not running and the pid file is gone', async () => {
    const before = await embeddedStatus(options());
    if (!before.running) throw new Error('expected the server from the previous test to be running');

    const cli = await runCli('stop');
    expect(cli).toMatchObject({ code: 0 });
    expect(cli.stdout).toContain(`neo4j stopped (pid ${before.pid})`);
    expect(isProcessAlive(before.pid)).toBe(false);

    expect(await embeddedStatus(options())).toEqual({ running: false, boltReady: false });
    await expect(fs.stat(pidFilePath(home))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await runCli('status')).stdout).toContain('not running');
    expect(await stopEmbedded({ home, logger })).toEqual({ wasRunning: false });
  }, 240_000);
});

describe('class archive of the launcher (real JVM)', () => {
  it('passes a JVM check when whole, and fails it, without harm to the caller, when truncated', async () => {
    const artifacts = launcherArtifacts(PROJECT_ROOT);
    const archive = await classArchivePath(artifacts, (await checkJava()).version);
    const copy = path.join(home, 'copy.jsa');
    await fs.copyFile(archive, copy);
    expect(await verifyClassArchive('java', artifacts.classpath, copy)).toEqual({ ok: true });
    // Mapping a truncated archive crashes a JVM that does not check it first (seen here).
    await fs.truncate(copy, Math.floor((await fs.stat(copy)).size / 2));
    const check = await verifyClassArchive('java', artifacts.classpath, copy);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.why).toContain('could not map');
  }, 120_000);

  it('records an archive on the first start of a build, and starts without it (dropping it) once it is damaged', async () => {
    // A project root of its own (the same launcher, linked), so its archive is not the one
    // the other tests' servers map: the archive's name hashes the classpath.
    const root = path.join(home, 'root');
    const moduleDir = path.join(root, 'neo4j-embedded');
    const real = launcherArtifacts(PROJECT_ROOT);
    await fs.mkdir(path.join(moduleDir, 'target'), { recursive: true });
    await fs.symlink(path.join(real.moduleDir, 'pom.xml'), path.join(moduleDir, 'pom.xml'));
    await fs.symlink(path.join(real.moduleDir, 'src'), path.join(moduleDir, 'src'));
    const mine = launcherArtifacts(root);
    await fs.symlink(real.jar, mine.jar);
    await fs.symlink(real.libDir, mine.libDir);
    await fs.copyFile(real.stampPath, mine.stampPath);
    const archive = await classArchivePath(mine, (await checkJava()).version);
    const opts = { ...options(), projectRoot: root, home: path.join(home, 'archive-home') };

    try {
      const first = await startEmbedded(opts);
      expect(await fs.readFile(`/proc/${first.pid}/maps`, 'utf8')).toContain(archive);
      await stopEmbedded({ home: opts.home, logger });

      await fs.truncate(archive, Math.floor((await fs.stat(archive)).size / 2));
      const second = await startEmbedded(opts);
      expect(await returnOne()).toBe(1);
      expect(await fs.readFile(`/proc/${second.pid}/maps`, 'utf8')).not.toContain(archive);
      await expect(fs.stat(archive)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await fs.readFile(`${archive}.failed`, 'utf8')).toContain('damaged');
    } finally {
      await stopEmbedded({ home: opts.home, logger, stopTimeoutMs: 30_000 });
    }
  }, 240_000);
});
