import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import { clockFromConfig } from '../src/clock/clock';
import { ARTIFACTS_DIR, ArtifactStore } from '../src/embeddings/artifact-store';
import { ModelRegistry } from '../src/embeddings/registry';
import { RefreshWorker } from '../src/embeddings/refresh-worker/refresh-worker';
import { connectGraph } from '../src/graph/connect';
import { recordingGraphClient } from '../src/graph/recording-graph-client';
import { MIGRATIONS_DIR } from '../src/graph/migrations';
import { consoleLogger } from '../src/logging/logger';
import { initTfBackend } from '../src/runtime/tf-backend';
import { startApp } from '../src/server/app';
import { benchConfig } from './serve-world';
import type { RecordedRequest, RecordedTx } from './serve-replay';

/**
 * The API process of `npm run bench -- serve`, forked by bench/serve.ts so that its CPU
 * is measured on its own: the same startApp stack as `npm start` (no response cache;
 * GIFTGRAPH_NOW pins the clock to the world's cutoff), plus two bench-only probes the
 * parent drives over IPC:
 *  - recording: every transaction a request runs (mode, statements, parameters, start and
 *    end), keyed by the request's `x-bench-req` header, for the (b) replay. A thin wrapper
 *    around the GraphClient records it (recording-graph-client.ts), because onQuery reports
 *    statements without their transaction or request; the refresh worker records its
 *    own and sends them back with each refresh.
 *  - CPU profile: the V8 sampling profiler via the inspector, started and stopped around
 *    one phase, written as a .cpuprofile.
 */

export type ToServer =
  | { type: 'record'; on: boolean }
  | { type: 'profile'; on: boolean; file?: string }
  | { type: 'settle' }
  | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; url: string; pid: number; timeOrigin: number }
  | { type: 'recorded'; requests: RecordedRequest[] }
  | { type: 'profiled'; file: string }
  | { type: 'settled' }
  | { type: 'error'; message: string };

const requestId = new AsyncLocalStorage<string>();

/**
 * Every node:http server made after this runs its 'request' listeners inside the request's
 * bench id, so the graph wrapper can tell which request a transaction belongs to (the
 * async context follows the awaits of the handler). Bench instrumentation only.
 */
function tagRequests(): void {
  const create = http.createServer;
  (http as { createServer: typeof http.createServer }).createServer = ((...args: Parameters<typeof http.createServer>) => {
    const server = create(...args);
    const emit = server.emit.bind(server) as (event: string, ...a: unknown[]) => boolean;
    server.emit = ((event: string, ...a: unknown[]) => {
      if (event !== 'request') return emit(event, ...a);
      const id = (a[0] as http.IncomingMessage).headers['x-bench-req'];
      return requestId.run(typeof id === 'string' ? id : '', () => emit(event, ...a));
    }) as typeof server.emit;
    return server;
  }) as typeof http.createServer;
}

async function main(): Promise<void> {
  const send = (m: FromServer) => process.send!(m);
  const config = benchConfig(process.env);
  const logger = consoleLogger(config.logLevel, 'bench-api');
  tagRequests();
  const inner = await connectGraph(config, logger, { startEmbedded: false });
  let recording = false;
  let recorded = new Map<string, RecordedTx[]>();
  // Each transaction of a tagged request, while recording: the API's own through the
  // wrapped client, its refreshes' as the refresh worker reports them (in the context of
  // the request whose write queued them).
  const sink = (): ((t: RecordedTx) => void) | undefined => {
    const req = requestId.getStore();
    if (!req || !recording) return undefined;
    return (t) => {
      const list = recorded.get(req);
      if (list) list.push(t);
      else recorded.set(req, [t]);
    };
  };
  const graph = recordingGraphClient(inner, sink);
  const clock = clockFromConfig(config);
  // Mutations refresh embeddings with the encoder: load the native backend as npm start does.
  await initTfBackend({ logger, kernels: ['UnsortedSegmentSum'] });
  const registry = new ModelRegistry({ graph, store: new ArtifactStore(ARTIFACTS_DIR), clock, logger });
  const refresher = config.refreshInWorker
    ? RefreshWorker.forConfig(config, { artifactsDir: ARTIFACTS_DIR, clock, logger, onTransactions: (txs) => txs.forEach((t) => sink()?.({ ...t, background: true })) })
    : undefined;
  const server = await startApp({ graph, logger, clock, migrationsDir: MIGRATIONS_DIR, port: config.apiPort, registry, ...(refresher ? { refresher } : {}) });
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (err, r) => (err ? reject(err) : resolve(r as T))));

  process.on('message', (m: ToServer) => {
    void (async () => {
      switch (m.type) {
        case 'record':
          if (m.on) {
            recorded = new Map();
            recording = true;
          } else {
            // Mutations refresh embeddings in the background: their statements belong to the phase.
            await server.settle();
            recording = false;
            send({ type: 'recorded', requests: [...recorded].map(([id, txs]) => ({ id, txs })) });
            recorded = new Map();
          }
          return;
        case 'settle':
          await server.settle();
          send({ type: 'settled' });
          return;
        case 'profile':
          if (m.on) {
            await post('Profiler.enable');
            await post('Profiler.setSamplingInterval', { interval: 500 });
            await post('Profiler.start');
          } else {
            const { profile } = await post<{ profile: unknown }>('Profiler.stop');
            fs.writeFileSync(m.file!, JSON.stringify(profile));
            send({ type: 'profiled', file: m.file! });
          }
          return;
        case 'stop':
          session.disconnect();
          await server.stop();
          await inner.close();
          process.exit(0);
      }
    })().catch((e: unknown) => send({ type: 'error', message: String((e as Error).stack ?? e) }));
  });
  send({ type: 'ready', url: server.url, pid: process.pid, timeOrigin: performance.timeOrigin });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
