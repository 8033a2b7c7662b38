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

/** One background refresh: queued until a slot frees (or a read needs it), then run once. */
interface Job {
  dataset: string;
  nodes: Nodes;
  started: boolean;
  done: Promise<void>;
  start(): void;
}

/**
 * The refresh a committed write triggers, in the background: the mutation answers once its
 * transaction commits, and the users and items it touched are re-encoded right after.
 *
 * Read-your-writes holds anyway. The write's transaction marked every user it refreshes
 * (`embeddingDue`, commerce-writes.ts) and a refresh records what it caught up with
 * (`embeddingDone`); a read that finds a user's mark ahead calls {@link catchUp} before
 * it serves (fresh-contexts.ts). On this process that waits for the refresh already
 * queued or running (starting a queued one at once); on another (the API is stateless
 * behind a load balancer) it re-encodes the user itself. So the write's latency no longer
 * carries the encode, and only a read that races it pays for the remainder.
 *
 * Under load the background work is bounded: at most `maxConcurrent` refreshes run at
 * once; the rest wait in arrival order, the acting users' refreshes ahead of the other
 * nodes' (the writer is the one likely to read next); and a node already waiting in a
 * queued refresh is not queued again (that refresh has not read yet, so it will see this
 * write too).
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
  private readonly pending = new Set<Job>();
  /** Queued refreshes by lane: the acting users' first (a read of theirs may be waiting), then the rest. */
  private readonly queue: { acting: Job[]; others: Job[] } = { acting: [], others: [] };
  private running = 0;
  private readonly maxConcurrent: number;
  /** The latest background refresh naming each node (`<dataset>\0user\0<id>`, `…item…`). */
  private readonly byNode = new Map<string, Job>();

  constructor(private readonly deps: { refresh: EmbeddingRefresh | null; logger: { warn(msg: string, meta?: Record<string, unknown>): void }; maxConcurrent?: number }) {
    this.maxConcurrent = deps.maxConcurrent ?? 4;
    if (!Number.isInteger(this.maxConcurrent) || this.maxConcurrent < 1) throw new RangeError(`maxConcurrent must be a positive integer, got ${String(deps.maxConcurrent)}`);
  }

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
    if (acting.users?.length) this.enqueue(dataset, { users: acting.users }, 'acting');
    if (!isEmpty(others)) this.enqueue(dataset, others, 'others');
  }

  async catchUp(dataset: string, users: readonly string[]): Promise<boolean> {
    if (!this.deps.refresh || users.length === 0) return false;
    const jobs = users.map((u) => this.byNode.get(nodeKey(dataset, 'user', u)));
    const without = users.filter((_, i) => jobs[i] === undefined);
    const waiting = [...new Set(jobs.filter((j): j is Job => j !== undefined))];
    // A read is waiting: a queued refresh starts now, past the bound.
    for (const j of waiting) j.start();
    await Promise.all([...waiting.map((j) => j.done), this.attempt(dataset, without.length > 0 ? { users: without } : {})]);
    return true;
  }

  /** Resolves when every background refresh queued so far has finished. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending].map((j) => j.done));
  }

  private enqueue(dataset: string, o: Nodes, lane: 'acting' | 'others'): void {
    const queued = (type: 'user' | 'item', id: string) => this.byNode.get(nodeKey(dataset, type, id))?.started === false;
    const nodes: Nodes = {};
    const users = (o.users ?? []).filter((u) => !queued('user', u));
    const items = (o.items ?? []).filter((i) => !queued('item', i));
    if (users.length > 0) nodes.users = users;
    if (items.length > 0) nodes.items = items;
    if (isEmpty(nodes)) return;
    const keys = [...users.map((u) => nodeKey(dataset, 'user', u)), ...items.map((i) => nodeKey(dataset, 'item', i))];
    let finish!: () => void;
    const job: Job = {
      dataset, nodes, started: false,
      done: new Promise<void>((r) => (finish = r)),
      start: () => {
        if (job.started) return;
        job.started = true;
        const at = this.queue[lane].indexOf(job);
        if (at >= 0) this.queue[lane].splice(at, 1);
        this.running++;
        void this.attempt(dataset, nodes).finally(() => {
          this.running--;
          this.pending.delete(job);
          for (const k of keys) if (this.byNode.get(k) === job) this.byNode.delete(k);
          finish();
          this.pump();
        });
      },
    };
    this.pending.add(job);
    for (const k of keys) this.byNode.set(k, job);
    this.queue[lane].push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.maxConcurrent) {
      const next = this.queue.acting[0] ?? this.queue.others[0];
      if (!next) return;
      next.start();
    }
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

const nodeKey = (dataset: string, type: 'user' | 'item', id: string) => `${dataset}\u0000${type}\u0000${id}`;
