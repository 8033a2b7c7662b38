import http from 'node:http';
import { arrivalOffsets } from './serve-stats';

/**
 * The open-loop load generator: request k is issued at its scheduled time (k / rate after
 * the start) whether or not earlier ones returned, and its latency runs from that
 * scheduled time to completion, so time spent queued (in this process, the socket, the
 * API or Neo4j) is counted (no coordinated omission).
 */

export interface Job {
  /** Which series the latency belongs to (an operation name). */
  op: string;
  run: () => Promise<void>;
}

export interface OpenLoopResult {
  /** Latencies (ms from the scheduled time) of the requests that succeeded, by op. */
  latencies: Map<string, number[]>;
  /** The same per arrival k (NaN: it failed or never finished), to pair a request with its replay. */
  byArrival: number[];
  /** When arrival k was scheduled, epoch ms (`performance.timeOrigin` based: comparable across processes). */
  scheduledAt: number[];
  sent: number;
  ok: number;
  errors: number;
  /** A few error messages, for the report. */
  errorSamples: string[];
  /** Successful completions per second, from the first scheduled time to the last completion. */
  achieved: number;
  /** How late (ms) the generator issued requests at p99: above a few ms, the generator itself was the bottleneck. */
  issueLagP99: number;
  wallMs: number;
}

/** Runs `job(k)` for each arrival of `rate`/s over `durationMs`; waits for stragglers up to `drainMs`. */
export async function openLoop(o: { rate: number; durationMs: number; job: (k: number) => Job; drainMs?: number }): Promise<OpenLoopResult> {
  const offsets = arrivalOffsets(o.rate, o.durationMs);
  const latencies = new Map<string, number[]>();
  const byArrival = new Array<number>(offsets.length).fill(NaN);
  const errorSamples: string[] = [];
  const lags: number[] = [];
  let ok = 0;
  let errors = 0;
  let lastDone = 0;
  const pending = new Set<Promise<void>>();
  const t0 = performance.now();
  const scheduledAt = offsets.map((d) => performance.timeOrigin + t0 + d);
  for (let k = 0; k < offsets.length; ) {
    const now = performance.now() - t0;
    while (k < offsets.length && offsets[k]! <= now) {
      const due = offsets[k]!;
      lags.push(now - due);
      const arrival = k;
      const job = o.job(k++);
      const p = job.run().then(
        () => {
          const end = performance.now() - t0;
          lastDone = Math.max(lastDone, end);
          ok++;
          let list = latencies.get(job.op);
          if (!list) latencies.set(job.op, (list = []));
          list.push(end - due);
          byArrival[arrival] = end - due;
        },
        (e: unknown) => {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${job.op}: ${String((e as Error).message ?? e).slice(0, 300)}`);
        },
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    if (k < offsets.length) await sleep(Math.max(0, Math.min(5, offsets[k]! - (performance.now() - t0))));
  }
  const drain = Promise.all([...pending]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([drain.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), o.drainMs ?? 60_000)))]);
  clearTimeout(timer); // a pending drain timer would keep the process alive after the bench
  if (timedOut) {
    errors += pending.size;
    errorSamples.push(`${pending.size} requests still running ${o.drainMs ?? 60_000} ms after the last arrival`);
  }
  const wallMs = performance.now() - t0;
  lags.sort((a, b) => a - b);
  return {
    latencies, byArrival, scheduledAt, sent: offsets.length, ok, errors, errorSamples,
    achieved: lastDone > 0 ? ok / (lastDone / 1000) : 0,
    issueLagP99: lags.length ? lags[Math.min(lags.length - 1, Math.ceil(0.99 * lags.length) - 1)]! : 0,
    wallMs,
  };
}

/**
 * Rounds of one phase (`serve --rounds`) as one result: latencies pooled per op, counts
 * summed, throughput as completions over the rounds' summed active time, the worst issue lag.
 */
export function poolResults(rs: readonly OpenLoopResult[]): OpenLoopResult {
  const latencies = new Map<string, number[]>();
  for (const r of rs) for (const [op, l] of r.latencies) latencies.set(op, [...(latencies.get(op) ?? []), ...l]);
  const sum = (f: (r: OpenLoopResult) => number) => rs.reduce((s, r) => s + f(r), 0);
  const ok = sum((r) => r.ok);
  // Each round's active time is its ok / achieved (achieved 0: nothing completed, no time).
  const activeS = sum((r) => (r.achieved > 0 ? r.ok / r.achieved : 0));
  return {
    latencies,
    byArrival: rs.flatMap((r) => r.byArrival),
    scheduledAt: rs.flatMap((r) => r.scheduledAt),
    sent: sum((r) => r.sent),
    ok,
    errors: sum((r) => r.errors),
    errorSamples: rs.flatMap((r) => r.errorSamples).slice(0, 5),
    achieved: activeS > 0 ? ok / activeS : 0,
    issueLagP99: Math.max(0, ...rs.map((r) => r.issueLagP99)),
    wallMs: sum((r) => r.wallMs),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface GqlError {
  message: string;
  extensions?: { code?: string };
}

/**
 * POSTs GraphQL over keep-alive HTTP. Rejects on a transport error, a non-200 status or
 * any GraphQL error, so only complete answers count as successes.
 */
export class GqlClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  private readonly url: URL;

  constructor(url: string) {
    this.url = new URL(url);
  }

  post<T = unknown>(query: string, variables: Record<string, unknown> = {}, requestId?: string): Promise<T> {
    const body = JSON.stringify({ query, variables });
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent, host: this.url.hostname, port: this.url.port, path: this.url.pathname, method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(requestId ? { 'x-bench-req': requestId } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              const json = JSON.parse(text) as { data?: T; errors?: GqlError[] };
              if (res.statusCode !== 200 || json.errors?.length) {
                const e = json.errors?.[0];
                reject(new Error(`HTTP ${res.statusCode}${e ? ` ${e.extensions?.code ?? ''}: ${e.message}` : ''}`));
              } else resolve(json.data as T);
            } catch {
              reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
