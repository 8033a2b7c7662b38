import type { RecordedRequest } from './serve-replay';

/**
 * Where a mutation phase's requests stood relative to the background embedding refreshes
 * the phase's writes queued: a diagnostic that splits (d) and its (b) by it, to say which
 * requests carry the gap between them.
 *
 *   queued: the request's write queued a refresh (a join that filled its group buy). Its
 *           (b) replays that refresh inside the request (every statement its path
 *           issues), while (d) answers before it, so its (d) and (b) latencies differ by
 *           design and it is reported apart;
 *   during: the request was in flight (from its scheduled arrival to its answer) while a
 *           refresh another request queued was running (from that refresh's first
 *           transaction's start to its last's end);
 *   clear:  neither.
 *
 * Read on (d)'s timeline: the API records its transactions on its main thread's clock,
 * the load generator its arrivals on its own, and both clocks' epoch origins bring them
 * together. The replay of (b) issues the same arrivals at the same offsets and its
 * refreshes' statements where (d)'s ran, so the same classes apply to it roughly.
 */
export type RefreshExposure = 'queued' | 'during' | 'clear';

export const EXPOSURES: readonly RefreshExposure[] = ['queued', 'during', 'clear'];

/**
 * The exposure of each request of a phase that answered, by id. `byArrival[k]`: arrival
 * k's latency (NaN: it failed), `scheduledAt[k]` its scheduled time (epoch ms), `idOf(k)`
 * its request id; `apiTimeOrigin`: the API process's `performance.timeOrigin`. Pure.
 */
export function phaseExposure(o: {
  recorded: readonly RecordedRequest[];
  byArrival: readonly number[];
  scheduledAt: readonly number[];
  idOf: (k: number) => string;
  apiTimeOrigin: number;
}): Map<string, RefreshExposure> {
  const queued = new Set<string>();
  const refreshes: [number, number][] = [];
  for (const r of o.recorded) {
    const bg = r.txs.filter((t) => t.background);
    if (bg.length === 0) continue;
    queued.add(r.id);
    refreshes.push([Math.min(...bg.map((t) => t.start)), Math.max(...bg.map((t) => t.end))]);
  }
  const out = new Map<string, RefreshExposure>();
  o.byArrival.forEach((ms, k) => {
    if (Number.isNaN(ms)) return;
    const id = o.idOf(k);
    if (queued.has(id)) {
      out.set(id, 'queued');
      return;
    }
    const start = o.scheduledAt[k]! - o.apiTimeOrigin;
    const end = start + ms;
    out.set(id, refreshes.some(([s, e]) => s < end && start < e) ? 'during' : 'clear');
  });
  return out;
}

/**
 * Latencies per exposure: arrival k's latency under the exposure of the request `idOf(k)`
 * names; failed arrivals and requests with no known exposure are left out. Pure.
 */
export function latenciesByExposure(byArrival: readonly number[], idOf: (k: number) => string, exposure: ReadonlyMap<string, RefreshExposure>): Record<RefreshExposure, number[]> {
  const out: Record<RefreshExposure, number[]> = { queued: [], during: [], clear: [] };
  byArrival.forEach((ms, k) => {
    const x = exposure.get(idOf(k));
    if (x !== undefined && !Number.isNaN(ms)) out[x].push(ms);
  });
  return out;
}
