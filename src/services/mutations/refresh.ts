/**
 * What mutations need from the embedding side: recompute the named users' and items'
 * embeddings from their fresh neighbourhood with the active encoder and write them back
 * under its version. Awaited after the write commits and before the mutation answers,
 * which is what gives the acting user read-your-writes.
 */
export interface EmbeddingRefresh {
  refresh(dataset: string, o: { users?: string[]; items?: string[] }): Promise<unknown>;
}

/**
 * Awaits a refresh after a committed write. A refresh failure never undoes the write: it is
 * logged, and the next refresh or encode of those nodes catches up.
 */
export async function refreshAfterWrite(refresh: EmbeddingRefresh | null, logger: { warn(msg: string, meta?: Record<string, unknown>): void }, dataset: string, o: { users?: string[]; items?: string[] }): Promise<void> {
  if (!refresh) return;
  try {
    await refresh.refresh(dataset, o);
  } catch (e) {
    logger.warn(`embedding refresh after a write failed: ${(e as Error).message}`, { dataset, ...o });
  }
}
