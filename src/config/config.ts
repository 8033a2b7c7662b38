import path from 'node:path';
import { z } from 'zod';
import { ErrorCode } from '../errors/codes';

/**
 * The one place that reads the environment. Every composition root (each CLI, the
 * server, the test harness) calls `loadConfig(process.env)` once and passes the typed
 * result down; nothing else reads the project's settings from `process.env` (benchmarks
 * only set variables for the processes and libraries they start, such as TensorFlow's
 * thread counts). Defaults live here and only here, and the README's table of variables
 * mirrors `ENV_DOCS` below.
 */

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

const port = z.coerce.number().int().min(1).max(65535);
const isoInstant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an ISO-8601 instant, e.g. 2026-11-01T00:00:00Z' });

const envSchema = z.object({
  NEO4J_URI: z.string().url().optional(),
  NEO4J_USER: z.string().default('neo4j'),
  NEO4J_PASSWORD: z.string().default('giftgraph'),
  NEO4J_DATABASE: z.string().default('neo4j'),
  GIFTGRAPH_PORT: port.default(4000),
  GIFTGRAPH_BOLT_PORT: port.default(7687),
  GIFTGRAPH_NEO4J_HOME: z.string().default(path.join(PROJECT_ROOT, 'var', 'neo4j', 'demo')),
  GIFTGRAPH_NEO4J_HEAP: z.string().regex(/^\d+[mg]$/, 'like 1g or 768m').default('1g'),
  GIFTGRAPH_NEO4J_PAGECACHE_MB: z.coerce.number().int().min(16).default(512),
  GIFTGRAPH_NEO4J_CLASS_ARCHIVE: z.enum(['0', '1']).default('1'),
  GIFTGRAPH_TX_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  GIFTGRAPH_NOW: isoInstant.optional(),
  GIFTGRAPH_SOURCE_MAPS: z.enum(['0', '1']).optional(),
  GIFTGRAPH_DATASET: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/).default('demo'),
  GIFTGRAPH_DEMO_USERS: z.coerce.number().int().min(10).default(10_000),
  GIFTGRAPH_SEED: z.coerce.number().int().default(42),
  GIFTGRAPH_TRUTH_DIR: z.string().default(path.join(PROJECT_ROOT, 'var', 'truth')),
  GIFTGRAPH_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  GIFTGRAPH_TF_REQUIRE_NATIVE: z.enum(['0', '1']).default('0'),
  GIFTGRAPH_REFRESH_WORKER: z.enum(['0', '1']).default('1'),
});

export type LogLevel = z.infer<typeof envSchema>['GIFTGRAPH_LOG_LEVEL'];

/** Where the graph lives: an external server named by NEO4J_URI, or the embedded launcher. */
export type Neo4jTarget =
  | { kind: 'external'; uri: string; user: string; password: string; database: string }
  | {
      kind: 'embedded';
      uri: string;
      user: string;
      password: string;
      database: string;
      boltPort: number;
      home: string;
      heap: string;
      pageCacheMb: number;
      /** Map a class archive of the launcher's classes at start (made on the first start). */
      classArchive: boolean;
    };

export interface Config {
  neo4j: Neo4jTarget;
  /** Per-transaction timeout the driver asks for on every query the API runs. */
  txTimeoutMs: number;
  apiPort: number;
  /** Fixed "now" in epoch ms when GIFTGRAPH_NOW is set; otherwise undefined (wall clock). */
  nowOverrideMs: number | undefined;
  dataset: string;
  demoUsers: number;
  seed: number;
  truthDir: string;
  logLevel: LogLevel;
  /** Fail instead of falling back when native TensorFlow (tfjs-node) does not load. */
  tfRequireNative: boolean;
  /** Run the embedding refresh after writes on a worker thread (default) instead of the API's event loop. */
  refreshInWorker: boolean;
}

export class ConfigError extends Error {
  readonly code = ErrorCode.CONFIG_INVALID;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const neo4j: Neo4jTarget = e.NEO4J_URI
    ? { kind: 'external', uri: e.NEO4J_URI, user: e.NEO4J_USER, password: e.NEO4J_PASSWORD, database: e.NEO4J_DATABASE }
    : {
        kind: 'embedded',
        uri: `bolt://127.0.0.1:${e.GIFTGRAPH_BOLT_PORT}`,
        user: e.NEO4J_USER,
        password: e.NEO4J_PASSWORD,
        database: e.NEO4J_DATABASE,
        boltPort: e.GIFTGRAPH_BOLT_PORT,
        home: path.resolve(e.GIFTGRAPH_NEO4J_HOME),
        heap: e.GIFTGRAPH_NEO4J_HEAP,
        pageCacheMb: e.GIFTGRAPH_NEO4J_PAGECACHE_MB,
        classArchive: e.GIFTGRAPH_NEO4J_CLASS_ARCHIVE === '1',
      };
  return {
    neo4j,
    txTimeoutMs: e.GIFTGRAPH_TX_TIMEOUT_MS,
    apiPort: e.GIFTGRAPH_PORT,
    nowOverrideMs: e.GIFTGRAPH_NOW ? Date.parse(e.GIFTGRAPH_NOW) : undefined,
    dataset: e.GIFTGRAPH_DATASET,
    demoUsers: e.GIFTGRAPH_DEMO_USERS,
    seed: e.GIFTGRAPH_SEED,
    truthDir: path.resolve(e.GIFTGRAPH_TRUTH_DIR),
    logLevel: e.GIFTGRAPH_LOG_LEVEL,
    tfRequireNative: e.GIFTGRAPH_TF_REQUIRE_NATIVE === '1',
    refreshInWorker: e.GIFTGRAPH_REFRESH_WORKER === '1',
  };
}

/** Documentation of every variable, rendered into the README (a test keeps them in sync). */
export const ENV_DOCS: ReadonlyArray<{ name: keyof z.infer<typeof envSchema>; default: string; doc: string }> = [
  { name: 'NEO4J_URI', default: '(unset: embedded server)', doc: 'An external Neo4j (Aura, cluster, Docker). When set, nothing is started locally.' },
  { name: 'NEO4J_USER', default: 'neo4j', doc: 'User for NEO4J_URI (the embedded server has auth off and ignores it).' },
  { name: 'NEO4J_PASSWORD', default: 'giftgraph', doc: 'Password for NEO4J_URI.' },
  { name: 'NEO4J_DATABASE', default: 'neo4j', doc: 'Database name on the server.' },
  { name: 'GIFTGRAPH_PORT', default: '4000', doc: 'HTTP port of the GraphQL API.' },
  { name: 'GIFTGRAPH_BOLT_PORT', default: '7687', doc: 'Bolt port of the embedded Neo4j (127.0.0.1 only).' },
  { name: 'GIFTGRAPH_NEO4J_HOME', default: 'var/neo4j/demo', doc: 'Data directory of the embedded Neo4j; survives restarts.' },
  { name: 'GIFTGRAPH_NEO4J_HEAP', default: '1g', doc: 'JVM heap (-Xmx) of the embedded Neo4j.' },
  { name: 'GIFTGRAPH_NEO4J_PAGECACHE_MB', default: '512', doc: 'Page cache of the embedded Neo4j, MiB.' },
  { name: 'GIFTGRAPH_NEO4J_CLASS_ARCHIVE', default: '1', doc: "1: the embedded Neo4j's JVM maps a class archive of the launcher's classes (Java's AppCDS), recorded once per launcher build and Java runtime on the first start (~20 s), which makes later starts ~1.5 s faster. 0: no archive." },
  { name: 'GIFTGRAPH_TX_TIMEOUT_MS', default: '15000', doc: 'Timeout of every transaction the API runs.' },
  { name: 'GIFTGRAPH_SOURCE_MAPS', default: '0 for npm start, 1 otherwise', doc: 'Map stack traces to the TypeScript sources (read by scripts/register-ts.js, which scripts/run.js loads). Off for the API by default: the driver reads a stack trace per query and mapping it costs ~14% CPU.' },
  { name: 'GIFTGRAPH_NOW', default: '(unset: wall clock)', doc: 'Clock override (ISO-8601) for demos and tests; the seed writes its timeline up to it.' },
  { name: 'GIFTGRAPH_DATASET', default: 'demo', doc: 'Dataset namespace the API serves and `seed` writes.' },
  { name: 'GIFTGRAPH_DEMO_USERS', default: '10000', doc: 'Users in the demo world that `npm start` seeds into an empty graph.' },
  { name: 'GIFTGRAPH_SEED', default: '42', doc: 'Random seed of the demo world.' },
  { name: 'GIFTGRAPH_TRUTH_DIR', default: 'var/truth', doc: "Where the synthetic world's hidden truths are written (never into Neo4j)." },
  { name: 'GIFTGRAPH_LOG_LEVEL', default: 'info', doc: 'debug, info, warn, error or silent.' },
  { name: 'GIFTGRAPH_TF_REQUIRE_NATIVE', default: '0', doc: 'Set to 1 to fail instead of falling back to WASM/CPU when native TensorFlow does not load (CI sets it once `npm run tf:native` works).' },
  { name: 'GIFTGRAPH_REFRESH_WORKER', default: '1', doc: "Re-encode embeddings after writes on a worker thread of the API (1) or on its main thread (0). The worker keeps that CPU work from queueing other requests." },
];
