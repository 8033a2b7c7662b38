/**
 * What mutations need from the embedding side: recompute the named users' and items'
 * embeddings from their fresh neighbourhood with the active encoder and write them back
 * under its version.
 */
export interface EmbeddingRefresh {
  refresh(dataset: string, o: { users?: string[]; items?: string[] }): Promise<unknown>;
}

type Nodes = { users?: string[]; items?: string[] };

const isEmpty = (o: Nodes): boolean => (o.users?.length ?? 0) + (o.items?.length ?? 0) === 0;

/**
 * The refresh a committed write triggers. The acting user's nodes are refreshed before the
 * mutation answers (read-your-writes: their next query sees the write); the other nodes
 * the write touched (the item bought, the new friend, the other buyers of a filled group
 * buy) are refreshed in the background right after, so the answer does not wait for them.
 * The refresher orders refreshes of one node, so a later write's refresh never loses to an
 * earlier one. A failed refresh never undoes the write: it is logged, and the next refresh
 * or encode of those nodes catches up. `drain()` waits for the background refreshes (the
 * server's shutdown calls it).
 */
export class RefreshAfterWrite {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: { refresh: EmbeddingRefresh | null; logger: { warn(msg: string, meta?: Record<string, unknown>): void } }) {}

  async run(dataset: string, acting: Nodes, others: Nodes = {}): Promise<void> {
    if (!this.deps.refresh) return;
    await this.attempt(dataset, acting);
    if (isEmpty(others)) return;
    const p = this.attempt(dataset, others).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every background refresh started so far has finished. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async attempt(dataset: string, o: Nodes): Promise<void> {
    if (isEmpty(o)) return;
    try {
      await this.deps.refresh!.refresh(dataset, o);
    } catch (e) {
      this.deps.logger.warn(`embedding refresh after a write failed: ${(e as Error).message}`, { dataset, ...o });
    }
  }
}
