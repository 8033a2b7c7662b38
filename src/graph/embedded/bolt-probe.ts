import neo4j, { type AuthToken } from 'neo4j-driver';

/** Credentials for a probe: none for the embedded server (auth disabled), basic for NEO4J_URI. */
export type ProbeAuth = { kind: 'none' } | { kind: 'basic'; user: string; password: string };

export interface BoltProbeOptions {
  uri: string;
  auth: ProbeAuth;
  /** Database to run the probe in; default: the server's home database. */
  database?: string;
  /** Connect timeout of this one attempt. */
  timeoutMs: number;
}

export type BoltProbeResult = { ok: true; serverAgent: string } | { ok: false; error: string };

/**
 * One attempt at `RETURN 1` over Bolt, the definition of "the server is up" used by start
 * and status: a listening socket alone is not enough (Bolt binds before the default
 * database has finished recovery). An auto-commit `session.run` is used on purpose:
 * `executeQuery` would retry for up to 30 s on its own and hide our backoff. Never throws.
 */
export async function probeBolt(o: BoltProbeOptions): Promise<BoltProbeResult> {
  const driver = neo4j.driver(o.uri, authToken(o.auth), {
    connectionTimeout: o.timeoutMs,
    connectionAcquisitionTimeout: o.timeoutMs,
    maxConnectionPoolSize: 1,
    maxTransactionRetryTime: 0,
  });
  try {
    const session = driver.session(o.database ? { database: o.database } : {});
    try {
      const result = await session.run('RETURN 1 AS one');
      return { ok: true, serverAgent: result.summary.server.agent ?? 'unknown' };
    } finally {
      await session.close();
    }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await driver.close().catch(() => undefined);
  }
}

/** Runs `statements` one after another in one session (no auth: an embedded server), for their effects. */
export async function runOverBolt(uri: string, statements: readonly string[], params: Record<string, unknown> = {}): Promise<void> {
  const driver = neo4j.driver(uri, NO_AUTH);
  try {
    const session = driver.session();
    try {
      for (const cypher of statements) await session.run(cypher, params);
    } finally {
      await session.close();
    }
  } finally {
    await driver.close();
  }
}

/** The embedded server has auth disabled; `scheme: 'none'` is what the driver's own
 * (untyped in 6.x) `auth.none()` builds. */
const NO_AUTH: AuthToken = { scheme: 'none', credentials: '' };

function authToken(auth: ProbeAuth): AuthToken {
  return auth.kind === 'basic' ? neo4j.auth.basic(auth.user, auth.password) : NO_AUTH;
}

export interface WaitForBoltOptions {
  uri: string;
  /** Epoch ms after which waiting fails. */
  deadline: number;
  /** Resolves (with a description) if the server process dies while we wait. */
  exited?: Promise<string>;
}

export type WaitForBoltResult =
  | { kind: 'ready'; attempts: number }
  | { kind: 'exited'; how: string }
  | { kind: 'timeout'; lastError: string; attempts: number };

/**
 * Probes `uri` (no auth) until `RETURN 1` answers, the process exits, or the deadline
 * passes. Backoff starts at 100 ms and grows 1.5x to 500 ms: a refused probe costs next to
 * nothing, while a longer wait is paid in full by every start (with a 2 s cap, a server
 * that answered after 4.9 s was noticed at 6.2 s, a bulk load's restart included).
 */
export async function waitForBolt(o: WaitForBoltOptions): Promise<WaitForBoltResult> {
  let exitedHow: string | undefined;
  void o.exited?.then((how) => {
    exitedHow = how;
  });
  let delay = 100;
  let lastError = 'no attempt made';
  for (let attempts = 1; ; attempts++) {
    if (exitedHow !== undefined) return { kind: 'exited', how: exitedHow };
    const remaining = o.deadline - Date.now();
    if (remaining <= 0) return { kind: 'timeout', lastError, attempts: attempts - 1 };
    const probe = await probeBolt({ uri: o.uri, auth: { kind: 'none' }, timeoutMs: Math.min(5_000, Math.max(remaining, 500)) });
    if (probe.ok) return { kind: 'ready', attempts };
    lastError = probe.error;
    await sleepUnless(Math.min(delay, Math.max(0, o.deadline - Date.now())), o.exited);
    delay = Math.min(delay * 1.5, 500);
  }
}

/** Sleeps `ms`, cut short if `interrupt` settles first. */
function sleepUnless(ms: number, interrupt: Promise<unknown> | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void interrupt?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
