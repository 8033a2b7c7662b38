/**
 * Runs tasks so that two tasks sharing a key never overlap and run in call order; tasks
 * with disjoint keys run concurrently. A task waits for the latest earlier task of each
 * of its keys (never for later ones), so there is no cycle and no deadlock. The
 * refresher uses it so that the last embedding written for a node is computed from a
 * read that began after every earlier refresh request for it.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const before = [...new Set(keys)].map((k) => this.tails.get(k)).filter((p): p is Promise<void> => p !== undefined);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    for (const k of new Set(keys)) this.tails.set(k, mine);
    try {
      await Promise.all(before);
      return await task();
    } finally {
      done();
      // Forget keys nobody queued behind (keeps the map as small as the work in flight).
      for (const k of new Set(keys)) if (this.tails.get(k) === mine) this.tails.delete(k);
    }
  }

  /** Keys with a task queued or running (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
