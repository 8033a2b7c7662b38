/**
 * What mutations need from the embedding side: recompute the named users' and items'
 * embeddings from their fresh neighbourhood with the active encoder and write them back
 * under its version.
 */
export interface EmbeddingRefresh {
  refresh(dataset: string, o: { users?: string[]; items?: string[] }): Promise<unknown>;
}

/** What reads need: bring users' stored embeddings up to their last committed write. */
export interface EmbeddingCatchUp {
  /**
   * Waits for this process's pending refresh of each named user, or refreshes now the ones
   * without one (their write came through another API process, or its refresh failed).
   * False when there is nothing to catch up with (no refresher).
   */
  catchUp(dataset: string, users: readonly string[]): Promise<boolean>;
}

type Nodes = { users?: string[]; items?: string[] };

const isEmpty = (o: Nodes): boolean => (o.users?.length ?? 0) + (o.items?.length ?? 0) === 0;

/**
 * The refresh a committed write triggers, in the background: the mutation answers once its
 * transaction commits, and the users and items it touched are re-encoded right after.
 *
 * Read-your-writes holds anyway. The write's transaction marked every user it refreshes
 * (`embeddingDue`, commerce-writes.ts) and a refresh records what it caught up with
 * (`embeddingDone`); a read that finds a user's mark ahead calls {@link catchUp} before
 * it serves (fresh-contexts.ts). On this process that waits for the refresh already
 * running; on another (the API is stateless behind a load balancer) it re-encodes the
 * user itself. So the write's latency no longer carries the encode, and only a read that
 * races it pays for the remainder.
 *
 * New catalog items (`items` of the acting set) are still embedded before the write
 * answers: items carry no mark, and retrieval finds them through the vector index.
 *
 * The refresher orders refreshes of one node, so a later write's refresh never loses to an
 * earlier one. A failed refresh never undoes the write: it is logged, and the next read
 * of that user (the mark is still ahead) or the next encode catches up. `drain()` waits
 * for the background refreshes (the server's shutdown calls it).
 */
export class RefreshAfterWrite implements EmbeddingCatchUp {
  private readonly pending = new Set<Promise<void>>();
  /** The latest background refresh naming each user, by dataset and id. */
  private readonly byUser = new Map<string, Promise<void>>();

  constructor(private readonly deps: { refresh: EmbeddingRefresh | null; logger: { warn(msg: string, meta?: Record<string, unknown>): void } }) {}

  /**
   * After a committed write: embeds `acting.items` (new catalog items) before resolving,
   * and refreshes `acting.users`, then the `others`, in the background.
   */
  async run(dataset: string, acting: Nodes, others: Nodes = {}): Promise<void> {
    if (!this.deps.refresh) return;
    if (acting.items?.length) await this.attempt(dataset, { items: acting.items });
    // The acting users apart from the rest, as a refresh of them alone: a refresh samples
    // its seeds' neighbourhood as one batch, so other seeds would change the acting user's
    // sample (and embedding) from what a refresh of that user gives.
    if (acting.users?.length) this.background(dataset, { users: acting.users });
    if (!isEmpty(others)) this.background(dataset, others);
  }

  async catchUp(dataset: string, users: readonly string[]): Promise<boolean> {
    if (!this.deps.refresh || users.length === 0) return false;
    const inFlight = users.map((u) => this.byUser.get(userKey(dataset, u)));
    const without = users.filter((_, i) => inFlight[i] === undefined);
    await Promise.all([...new Set(inFlight.filter((p): p is Promise<void> => p !== undefined)), this.attempt(dataset, without.length > 0 ? { users: without } : {})]);
    return true;
  }

  /** Resolves when every background refresh started so far has finished. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private background(dataset: string, o: Nodes): void {
    const users = o.users ?? [];
    const p: Promise<void> = this.attempt(dataset, o).finally(() => {
      this.pending.delete(p);
      for (const u of users) if (this.byUser.get(userKey(dataset, u)) === p) this.byUser.delete(userKey(dataset, u));
    });
    this.pending.add(p);
    for (const u of users) this.byUser.set(userKey(dataset, u), p);
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

const userKey = (dataset: string, id: string) => `${dataset}\u0000${id}`;
