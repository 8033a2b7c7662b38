/**
 * What mutations need from the embedding side: recompute the named users' and items'
 * embeddings from their fresh neighbourhood with the active encoder and write them back
 * under its version. Awaited after the write commits and before the mutation answers,
 * which is what gives the acting user read-your-writes.
 */
export interface EmbeddingRefresh {
  refresh(dataset: string, o: { users?: string[]; items?: string[] }): Promise<unknown>;
}
