import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Clock } from '../../clock/clock';
import { PROJECT_ROOT, type Config } from '../../config/config';
import { ErrorCode } from '../../errors/codes';
import { GiftgraphError } from '../../errors/errors';
import type { RecordedTransaction } from '../../graph/recording-graph-client';
import type { Logger } from '../../logging/logger';
import type { RefreshResult } from '../embedding-refresher';
import type { CloseRequest, RefreshReply, RefreshRequest, RefreshWorkerInit, WorkerFailure } from './protocol';

/** The worker's entry module (its composition root). */
const WORKER_MAIN = path.join(__dirname, 'worker-main.ts');

/** Worker threads do not inherit the main thread's TypeScript hook: the worker registers it first. */
const bootstrap = (entry: string) => `require(${JSON.stringify(path.join(PROJECT_ROOT, 'scripts', 'register-ts.js'))});
require(${JSON.stringify(entry)});`;

/** How long `dispose()` lets the worker close its driver before terminating it. */
const CLOSE_GRACE_MS = 5_000;

interface Call {
  resolve(reply: RefreshReply): void;
  reject(e: Error): void;
}

/**
 * The embedding refresh after a write, run on a worker thread of the API process
 * (worker-main.ts) instead of the main thread. Same contract as EmbeddingRefresher's
 * `refresh`, which the worker runs with its own driver and registry.
 *
 * Why: a refresh is CPU work in the API (decoding the neighbourhood's rows, building its
 * graph, sampling, the forward pass: ~100 ms for a filled group buy's nine buyers on the
 * 100k world, in stretches of up to 26 ms), and since writes answer before their refresh,
 * that work ran between other requests on the one event loop and queued them. On the
 * worker it runs beside them; the OS schedules both threads on the machine's cores.
 *
 * Not done: lowering the worker thread's priority (nice 10 on its own Linux thread). In an
 * A/B on the 100k world (`--mutations joinGroupBuy`, two runs each, var/bench/join-nice*-s11.log)
 * it left joinGroupBuy's p50 where it was (17.6–20.7 ms against 13.4–18.2) and raised its
 * p99 from 136–143 ms to 844–1,011 ms, most likely because a preempted refresh holds its
 * write-back transaction (and its locks on user nodes) open until the low-priority thread
 * gets to send the commit.
 *
 * The worker starts on the first refresh. If it dies, the calls in flight fail (a refresh
 * failure never undoes the write: RefreshAfterWrite logs it, and the next read catches up)
 * and the next call starts a new one.
 */
export class RefreshWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly calls = new Map<number, Call>();

  constructor(
    private readonly deps: {
      init: Omit<RefreshWorkerInit, 'recordTransactions'>;
      /** The API's clock: each refresh encodes as of its now. */
      clock: Clock;
      logger: Logger;
      /**
       * Receives the transactions each refresh ran, in the caller's async context (the serve
       * benchmark attributes them to the request whose write queued the refresh).
       */
      onTransactions?: (txs: RecordedTransaction[]) => void;
      /** The module the worker runs; default worker-main.ts (tests substitute one that misbehaves). */
      entry?: string;
    },
  ) {}

  /** The worker for a composition root's config: its Neo4j target, transaction timeout and log level. */
  static forConfig(config: Pick<Config, 'neo4j' | 'txTimeoutMs' | 'logLevel'>, deps: { artifactsDir: string; clock: Clock; logger: Logger; onTransactions?: (txs: RecordedTransaction[]) => void }): RefreshWorker {
    const { uri, user, password, database } = config.neo4j;
    const { artifactsDir, ...rest } = deps;
    return new RefreshWorker({ init: { target: { uri, user, password, database }, txTimeoutMs: config.txTimeoutMs, logLevel: config.logLevel, artifactsDir }, ...rest });
  }

  async refresh(dataset: string, o: { users?: string[]; items?: string[] }): Promise<RefreshResult> {
    const reply = await this.call({ dataset, users: o.users ?? [], items: o.items ?? [], asOf: this.deps.clock.now() });
    if (this.deps.onTransactions && reply.transactions.length > 0) {
      const origin = performance.timeOrigin;
      this.deps.onTransactions(reply.transactions.map((t) => ({ ...t, start: t.start - origin, end: t.end - origin })));
    }
    if (!reply.ok) throw rehydrate(reply.error);
    return reply.result;
  }

  /** Closes the worker (its driver and encoders). Call after the last refresh has answered. */
  async dispose(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.ref();
    w.postMessage({ close: true } satisfies CloseRequest);
    const timer = setTimeout(() => void w.terminate(), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private call(req: Omit<RefreshRequest, 'id'>): Promise<RefreshReply> {
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<RefreshReply>((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      // Referenced only while a call waits: an idle worker never keeps the process alive.
      if (this.calls.size === 1) w.ref();
      w.postMessage({ ...req, id } satisfies RefreshRequest);
    });
  }

  private start(): Worker {
    const w = new Worker(bootstrap(this.deps.entry ?? WORKER_MAIN), { eval: true, workerData: { ...this.deps.init, recordTransactions: this.deps.onTransactions !== undefined } satisfies RefreshWorkerInit });
    w.unref();
    w.on('message', (reply: RefreshReply) => {
      const call = this.calls.get(reply.id);
      if (!call) return;
      this.calls.delete(reply.id);
      if (this.calls.size === 0) w.unref();
      call.resolve(reply);
    });
    const fail = (why: string) => {
      if (this.worker === w) this.worker = null;
      if (this.calls.size === 0) return;
      this.deps.logger.error(`the embedding refresh worker ${why}; failing ${this.calls.size} refreshes in flight`);
      for (const c of this.calls.values()) c.reject(new GiftgraphError(ErrorCode.INTERNAL, `embedding refresh worker ${why}`));
      this.calls.clear();
    };
    w.on('error', (e) => fail(`failed: ${e.message}`));
    w.on('exit', (code) => fail(`exited with code ${code}`));
    this.worker = w;
    return w;
  }
}

/** The worker's failure as the error the in-process refresher would have thrown (same code and details). */
function rehydrate(f: WorkerFailure): Error {
  const known = f.code !== null && (Object.values(ErrorCode) as string[]).includes(f.code);
  return known ? new GiftgraphError(f.code as ErrorCode, f.message, f.details) : new Error(f.message);
}
