import type { Clock } from '../clock/clock';
import { DAY_MS } from '../clock/clock';
import type { GraphClient } from '../graph/graph-client';
import { itemPopularity, type ItemPopularity } from '../graph/queries/retrieval';

export interface FallbackLists {
  /** Items by purchases in the last `windowDays`, most first. */
  popular: ItemPopularity[];
  /** Items dropped in the last `windowDays`, newest first. */
  newDrops: ItemPopularity[];
}

/**
 * Popular and new-drop lists per dataset, recomputed at most every `ttlMs`: they change
 * slowly and reading every item per request would cost more than the rest of a request.
 * Concurrent callers share one in-flight read.
 */
export class PopularityCache {
  private readonly entries = new Map<string, { at: number; lists: Promise<FallbackLists> }>();

  constructor(private readonly deps: { graph: GraphClient; clock: Clock; ttlMs?: number; windowDays?: number }) {}

  get(dataset: string): Promise<FallbackLists> {
    const now = this.deps.clock.now();
    const hit = this.entries.get(dataset);
    if (hit && now - hit.at < (this.deps.ttlMs ?? 60_000) && now >= hit.at) return hit.lists;
    const lists = this.load(dataset, now);
    this.entries.set(dataset, { at: now, lists });
    lists.catch(() => this.entries.delete(dataset));
    return lists;
  }

  /** Forget a dataset's lists (after a catalog change). */
  invalidate(dataset: string): void {
    this.entries.delete(dataset);
  }

  private async load(dataset: string, now: number): Promise<FallbackLists> {
    const since = now - (this.deps.windowDays ?? 28) * DAY_MS;
    const rows = (await itemPopularity(this.deps.graph, dataset, since)).filter((r) => r.forSale !== false && (r.availableUntil === null || r.availableUntil >= now) && (r.dropAt === null || r.dropAt <= now));
    const byId = (a: ItemPopularity, b: ItemPopularity) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return {
      popular: rows.filter((r) => r.recent > 0).sort((a, b) => b.recent - a.recent || byId(a, b)),
      newDrops: rows.filter((r) => r.dropAt !== null && r.dropAt >= since).sort((a, b) => b.dropAt! - a.dropAt! || byId(a, b)),
    };
  }
}
