import type { GraphClient } from '../graph/graph-client';
import { nearest } from '../graph/queries/embeddings';
import { coPurchased, guildCandidates, itemsOfGames, socialCandidates } from '../graph/queries/retrieval';
import type { CandidateSource, SourcedItem } from './candidate';
import type { PopularityCache } from './popularity-cache';

/**
 * Candidate sources, each one bounded read. The vector index is approximate and
 * filtering (dataset, owned, not for sale, dismissed) happens after it, so it is asked
 * for `overFetch` times what the caller needs; the bench prints its recall against an
 * exact scan.
 */
export interface RetrievalLimits {
  overFetch: number;
  /** Minimum neighbours asked of the vector index. */
  minVector: number;
  socialPerFriend: number;
  socialLimit: number;
  guildPerGuild: number;
  guildLimit: number;
  fallback: number;
}

export const DEFAULT_LIMITS: RetrievalLimits = { overFetch: 4, minVector: 100, socialPerFriend: 20, socialLimit: 300, guildPerGuild: 30, guildLimit: 100, fallback: 100 };

export class CandidateRetriever {
  readonly limits: RetrievalLimits;

  constructor(private readonly deps: { graph: GraphClient; popularity: PopularityCache; limits?: Partial<RetrievalLimits> }) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
  }

  /** Nearest items to a query embedding (a user's, a squad's mean, an item's). */
  async byEmbedding(dataset: string, vector: number[] | null, want: number, source: CandidateSource = 'EMBEDDING'): Promise<SourcedItem[]> {
    if (!vector) return [];
    const k = Math.max(this.limits.minVector, want * this.limits.overFetch);
    const hits = await nearest(this.deps.graph, { dataset, label: 'Item', vector, k });
    return hits.map((h) => ({ itemId: h.id, source, strength: h.score }));
  }

  /** Friends' purchases and wishlists, with the friends behind each item. */
  async social(dataset: string, userId: string): Promise<SourcedItem[]> {
    const rows = await socialCandidates(this.deps.graph, { dataset, userId, perFriend: this.limits.socialPerFriend, limit: this.limits.socialLimit });
    return rows.map((r) => ({ itemId: r.itemId, source: r.kind, strength: r.friends.length, friends: r.friends }));
  }

  async guild(dataset: string, userId: string): Promise<SourcedItem[]> {
    const rows = await guildCandidates(this.deps.graph, { dataset, userId, perGuild: this.limits.guildPerGuild, limit: this.limits.guildLimit });
    return rows.map((r) => ({ itemId: r.itemId, source: 'GUILD', strength: r.members }));
  }

  /** Popular and new-drop fallbacks (cold users, short lists); strength decays with rank. */
  async fallbacks(dataset: string): Promise<SourcedItem[]> {
    const lists = await this.deps.popularity.get(dataset);
    const n = this.limits.fallback;
    return [
      ...lists.popular.slice(0, n).map((r, k) => ({ itemId: r.id, source: 'POPULAR' as const, strength: 1 / (1 + k) })),
      ...lists.newDrops.slice(0, n).map((r, k) => ({ itemId: r.id, source: 'NEW_DROP' as const, strength: 0.5 / (1 + k) })),
    ];
  }

  async sameGame(dataset: string, games: readonly string[], limit = 200): Promise<SourcedItem[]> {
    const rows = await itemsOfGames(this.deps.graph, dataset, games, limit);
    return rows.map((r) => ({ itemId: r.itemId, source: 'SAME_GAME', strength: 1 }));
  }

  async coPurchase(dataset: string, itemIds: readonly string[]): Promise<SourcedItem[]> {
    const rows = await coPurchased(this.deps.graph, { dataset, itemIds, buyers: 50, limit: 100 });
    return rows.map((r) => ({ itemId: r.itemId, source: 'CO_PURCHASE', strength: r.together }));
  }
}
