import type { EmbeddingCatchUp } from './mutations/refresh';

/** At most this many catch-up rounds per read: the in-flight refresh, then one of the read's own. */
const MAX_ROUNDS = 2;

/**
 * Read-your-writes for embeddings refreshed in the background: reads users' contexts and,
 * while any of them is marked behind a committed write (`embeddingStale`), catches those
 * users up and reads again. The first round usually waits for this process's own pending
 * refresh; a second one (a write on another API process, or one that landed while the
 * first refresh was reading) re-encodes the user here. After two rounds the context is
 * served as read: a refresh that keeps failing (no servable encoder) must not fail reads.
 * Without stale users this costs nothing beyond the read itself.
 */
export async function readFresh<C extends { embeddingStale: boolean }>(
  catchUp: EmbeddingCatchUp | undefined,
  dataset: string,
  read: () => Promise<Map<string, C>>,
): Promise<Map<string, C>> {
  let contexts = await read();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stale = [...contexts].filter(([, c]) => c.embeddingStale).map(([id]) => id);
    if (stale.length === 0 || !catchUp || !(await catchUp.catchUp(dataset, stale))) break;
    contexts = await read();
  }
  return contexts;
}
