import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The pid file of the launcher serving `home`: one server per home, one file per server. */
export const PID_FILE_NAME = 'giftgraph-neo4j.pid';

export function pidFilePath(home: string): string {
  return path.join(home, PID_FILE_NAME);
}

/**
 * The pid recorded for `home`: `undefined` when there is no pid file, `'garbage'` when it
 * exists but does not hold a positive integer (a truncated write), so the caller can log
 * and remove it like any other stale file.
 */
export async function readPidFile(home: string): Promise<number | 'garbage' | undefined> {
  let text: string;
  try {
    text = await fs.readFile(pidFilePath(home), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : 'garbage';
}

/** Writes atomically (temp file + rename), so a reader never sees half a pid. */
export async function writePidFile(home: string, pid: number): Promise<void> {
  const target = pidFilePath(home);
  const tmp = `${target}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${pid}\n`);
  await fs.rename(tmp, target);
}

export async function removePidFile(home: string): Promise<void> {
  await fs.rm(pidFilePath(home), { force: true });
}
