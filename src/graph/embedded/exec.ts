import { spawn } from 'node:child_process';

/** How a short-lived helper command (mvn, java -version) ended. */
export type CommandOutcome =
  | { kind: 'missing' }
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null; output: string };

/** Output beyond this is dropped from the front: callers only ever show the tail. */
const MAX_CAPTURE_CHARS = 256 * 1024;

/**
 * Runs `cmd args` to completion and captures stdout and stderr interleaved, as a user
 * would see them in a terminal. Resolves `{ kind: 'missing' }` when the executable is not
 * on the PATH (ENOENT) instead of throwing, so callers can say which tool to install.
 * Never rejects for a non-zero exit: that is the caller's call.
 */
export function runCommand(cmd: string, args: readonly string[], opts: { cwd?: string } = {}): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    let output = '';
    const append = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > MAX_CAPTURE_CHARS) output = output.slice(output.length - MAX_CAPTURE_CHARS);
    };
    const child = spawn(cmd, [...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') resolve({ kind: 'missing' });
      else reject(err);
    });
    child.once('close', (code, signal) => resolve({ kind: 'exited', code, signal, output }));
  });
}

/** The last `lines` non-empty lines of `text`, without terminal colour codes, for error messages. */
export function tailLines(text: string, lines = 40): string {
  return text
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}
