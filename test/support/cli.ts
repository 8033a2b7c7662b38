import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/config';

/** Env for a CLI child process that talks to the test server. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIFTGRAPH_BOLT_PORT: process.env.GIFTGRAPH_BOLT_PORT ?? '7688',
    GIFTGRAPH_NEO4J_HOME: process.env.GIFTGRAPH_NEO4J_HOME ?? path.join(PROJECT_ROOT, 'var', 'neo4j', 'test'),
    GIFTGRAPH_TRUTH_DIR: path.join(PROJECT_ROOT, 'var', 'test-truth'),
    GIFTGRAPH_LOG_LEVEL: 'info',
    ...extra,
  };
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `node scripts/run.js <entry> ...args` (as `npm run <x>` would) against the test server. */
export function startCli(entry: string, args: string[], env: NodeJS.ProcessEnv = cliEnv()): CliRun {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'run.js'), entry, ...args], { cwd: PROJECT_ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}
