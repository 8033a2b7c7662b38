/**
 * Messages between the API's main thread and its refresh worker (refresh-worker.ts,
 * worker-main.ts). Plain data only: they cross the thread boundary by structured clone.
 */
import type { LogLevel, Neo4jTarget } from '../../config/config';
import type { RecordedTransaction } from '../../graph/recording-graph-client';
import type { RefreshResult } from '../embedding-refresher';

/** What the worker needs to build its own refresher: its own driver, registry and encoder cache. */
export interface RefreshWorkerInit {
  target: Pick<Neo4jTarget, 'uri' | 'user' | 'password' | 'database'>;
  txTimeoutMs: number;
  logLevel: LogLevel;
  /** Root of the artifact store the API's registry reads (graph-models/artifacts unless a test says otherwise). */
  artifactsDir: string;
  /** Send each call's transactions back with its answer (the serve benchmark replays them). */
  recordTransactions: boolean;
}

export interface RefreshRequest {
  id: number;
  dataset: string;
  users: string[];
  items: string[];
  /** The caller's now: the worker encodes as of the API's clock (GIFTGRAPH_NOW may pin it). */
  asOf: number;
}

/**
 * One transaction a refresh ran. `start` and `end` are epoch ms here: each thread's
 * `performance.now()` counts from its own origin, so they travel as wall-clock times.
 */
export type WorkerTransaction = RecordedTransaction;

/** A failure, with the project error's code when it was one (so the caller sees the same typed error). */
export interface WorkerFailure {
  code: string | null;
  message: string;
  details: Record<string, unknown>;
}

/** Sent by the main thread to close the worker: it finishes nothing new, frees its encoders and driver, and exits. */
export interface CloseRequest {
  close: true;
}

export type RefreshReply =
  | { id: number; ok: true; result: RefreshResult; transactions: WorkerTransaction[] }
  | { id: number; ok: false; error: WorkerFailure; transactions: WorkerTransaction[] };
