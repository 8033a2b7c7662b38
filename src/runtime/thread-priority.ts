import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** What lowering the calling thread's priority did. */
export type ThreadPriorityResult = { applied: true; tid: number; nice: number } | { applied: false; reason: string };

/**
 * Lowers the scheduling priority of the calling OS thread only (not the process) to
 * `nice` (0..19; higher = yields more), so that background CPU work on a worker thread
 * gives way to the threads serving requests when the cores are contended, and runs at
 * full speed when they are not.
 *
 * Linux only: there a thread is a task with its own id and nice value, and
 * setpriority(PRIO_PROCESS, tid) (what `os.setPriority` calls) changes that task alone.
 * The thread's id comes from /proc/thread-self, since Node does not expose gettid. Elsewhere
 * `os.setPriority(pid)` would change the whole process, so nothing is done and the
 * reason is returned for the caller to log.
 *
 * Lowering a priority needs no privilege; raising it back would, so this is one-way.
 */
export function lowerCurrentThreadPriority(nice: number): ThreadPriorityResult {
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new RangeError(`nice must be an integer in 0..19, got ${String(nice)}`);
  if (nice === 0) return { applied: false, reason: 'nice 0: the thread keeps the process priority' };
  if (process.platform !== 'linux') return { applied: false, reason: `per-thread priority needs Linux (this is ${process.platform})` };
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch (e) {
    return { applied: false, reason: `cannot read /proc/thread-self: ${(e as Error).message}` };
  }
  if (!Number.isInteger(tid) || tid <= 0) return { applied: false, reason: 'cannot tell this thread\'s id from /proc/thread-self' };
  try {
    os.setPriority(tid, Math.max(nice, os.getPriority(tid)));
  } catch (e) {
    return { applied: false, reason: `setpriority(${tid}) failed: ${(e as Error).message}` };
  }
  return { applied: true, tid, nice: os.getPriority(tid) };
}
