import { promises as fs } from 'node:fs';
import type { Logger } from '../../logging/logger';
import { EmbeddedServerError } from './errors';
import { isProcessAlive } from './process-probe';

export interface FileLockOptions {
  /** How long to wait for another holder before giving up with `lock_timeout`. */
  timeoutMs: number;
  logger: Logger;
  /** What the lock guards, for log lines and the timeout message ("build", "start"). */
  what: string;
  /** Poll interval while another process holds the lock. */
  pollMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding our pid),
 * across processes: two `db:start`s, or a test worker and a CLI, never build or spawn at
 * the same time. A lock whose pid is dead is stale (its holder crashed) and is taken over
 * with a log line. Not re-entrant: a second caller in the same process waits like any other.
 *
 * Known gap: two waiters that both find the same stale lock may both remove it; the window
 * is a few microseconds after a crash, and the work under the lock is itself idempotent.
 */
export async function withFileLock<T>(lockPath: string, opts: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const pollMs = opts.pollMs ?? 250;
  const deadline = Date.now() + opts.timeoutMs;
  let announced = false;
  for (;;) {
    try {
      await fs.writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(lockPath);
    if (holder !== undefined && !isProcessAlive(holder)) {
      opts.logger.info(`removing stale ${opts.what} lock of dead process ${holder}`, { lockPath });
      await fs.rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new EmbeddedServerError(
        'lock_timeout',
        `another process (pid ${holder ?? 'unknown'}) has held the ${opts.what} lock ${lockPath} for over ${Math.round(opts.timeoutMs / 1000)} s; ` +
          `if no such process is running, delete the file`,
        { lockPath, holder },
      );
    }
    if (!announced) {
      opts.logger.info(`waiting for process ${holder ?? '?'} to finish its ${opts.what}`, { lockPath });
      announced = true;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  try {
    return await fn();
  } finally {
    // Only remove the lock if it is still ours (a stale-lock takeover may have replaced it).
    if ((await readHolder(lockPath)) === process.pid) await fs.rm(lockPath, { force: true });
  }
}

/** The pid written in a lock file; undefined while it is being written or if unreadable. */
async function readHolder(lockPath: string): Promise<number | undefined> {
  try {
    const n = Number.parseInt(await fs.readFile(lockPath, 'utf8'), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
