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
 *   during: one of its transactions ran while a refresh another request queued was
 *           running (from that refresh's first transaction's start to its last's end);
 *   clear:  neither.
 *
 * Read on (d)'s timeline, from the transactions the API recorded (start and end on its
 * main thread's clock). The replay of (b) issues the same arrivals at the same offsets and
 * its refreshes' statements where (d)'s ran, so the same classes apply to it roughly.
 */
export type RefreshExposure = 'queued' | 'during' | 'clear';

export const EXPOSURES: readonly RefreshExposure[] = ['queued', 'during', 'clear'];

/** The exposure of each recorded request, by id. A request without a transaction is left out. Pure. */
export function refreshExposure(recorded: readonly RecordedRequest[]): Map<string, RefreshExposure> {
  const refreshes: [number, number][] = [];
  for (const r of recorded) {
    const bg = r.txs.filter((t) => t.background);
    if (bg.length > 0) refreshes.push([Math.min(...bg.map((t) => t.start)), Math.max(...bg.map((t) => t.end))]);
  }
  const out = new Map<string, RefreshExposure>();
  for (const r of recorded) {
    const own = r.txs.filter((t) => !t.background);
    if (own.length < r.txs.length) {
      out.set(r.id, 'queued');
      continue;
    }
    if (own.length === 0) continue;
    const during = own.some((t) => refreshes.some(([s, e]) => s < t.end && t.start < e));
    out.set(r.id, during ? 'during' : 'clear');
  }
  return out;
}

/**
 * Latencies per exposure: arrival k's latency (NaN: it failed) under the exposure of the
 * request `idOf(k)` names; arrivals with no known exposure are left out. Pure.
 */
export function latenciesByExposure(byArrival: readonly number[], idOf: (k: number) => string, exposure: ReadonlyMap<string, RefreshExposure>): Record<RefreshExposure, number[]> {
  const out: Record<RefreshExposure, number[]> = { queued: [], during: [], clear: [] };
  byArrival.forEach((ms, k) => {
    const x = exposure.get(idOf(k));
    if (x !== undefined && !Number.isNaN(ms)) out[x].push(ms);
  });
  return out;
}
