import { promises as fs, readFileSync } from 'node:fs';
import net from 'node:net';
import { runCommand } from './exec';

/** The launcher's main class: how we recognise our JVM among all processes. */
export const LAUNCHER_MAIN_CLASS = 'dev.giftgraph.neo4j.Launcher';

/**
 * True while `pid` names a process that has not exited. EPERM means it exists but belongs
 * to someone else, so it counts as alive. A zombie (exited, not yet reaped by its parent)
 * counts as dead: it holds no ports or files, and `kill(pid, 0)` would otherwise report it
 * alive until the parent gets round to reaping it.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat is "pid (comm) S ...": the state follows the last ')' because comm may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS) or already gone: kill(0) had the last word
  }
}

/**
 * The argv of a live process, or undefined when it is gone or unreadable. Linux reads
 * /proc/<pid>/cmdline (exact, NUL-separated); elsewhere it falls back to `ps`, whose output
 * is space-joined, so an argument containing spaces comes back split (good enough to
 * recognise our launcher, whose home paths the config resolves to absolute ones).
 */
export async function readCommandLine(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((a) => a !== '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  const procExists = await fs.stat('/proc/self').then(
    () => true,
    () => false,
  );
  if (procExists) return undefined; // Linux, and the process is gone
  const ps = await runCommand('ps', ['-p', String(pid), '-o', 'args=']);
  if (ps.kind !== 'exited' || ps.code !== 0 || ps.output.trim() === '') return undefined;
  return ps.output.trim().split(/\s+/);
}

/** The value after `--name` in an argv, if present. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : undefined;
}

/** True when `argv` is our launcher serving exactly `home` (an absolute path). */
export function isLauncherFor(argv: readonly string[], home: string): boolean {
  return argv.includes(LAUNCHER_MAIN_CLASS) && argValue(argv, 'home') === home;
}

/**
 * True when nothing listens on 127.0.0.1:`port`. It binds and releases the port rather
 * than connecting, because a bind is exactly what the JVM will attempt next (and it also
 * fails when another process holds 0.0.0.0:`port`).
 */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A loopback port the kernel has just handed out as free (for a throwaway server: the class archive's). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Best effort, Linux only (empty elsewhere): every live launcher process with its argv.
 * Finds a launcher whose pid file was lost, and names the culprit when the Bolt port is
 * taken, instead of leaving the user to hunt for it.
 */
export async function listLaunchers(): Promise<Array<{ pid: number; argv: string[] }>> {
  let entries: string[];
  try {
    entries = await fs.readdir('/proc');
  } catch {
    return [];
  }
  const out: Array<{ pid: number; argv: string[] }> = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readCommandLine(Number(entry));
    if (argv?.includes(LAUNCHER_MAIN_CLASS) && isProcessAlive(Number(entry))) out.push({ pid: Number(entry), argv });
  }
  return out;
}
