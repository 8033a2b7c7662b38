/**
 * A candidate item and where it came from. Retrieval sources each return candidates;
 * `mergeCandidates` dedupes them by item, keeping every source (with its own strength) and
 * the social proof behind it, so ranking and reasons can say why an item is here.
 */
export type CandidateSource =
  | 'EMBEDDING'
  | 'FRIEND_PURCHASE'
  | 'FRIEND_WISHLIST'
  | 'GUILD'
  | 'POPULAR'
  | 'NEW_DROP'
  | 'SAME_GAME'
  | 'CO_PURCHASE'
  | 'WISHLIST'
  | 'SIMILAR';

export interface SocialFriend {
  id: string;
  name: string;
  /** Whether the friend lets their activity be named to friends (privacy). */
  shares: boolean;
}

export interface Candidate {
  itemId: string;
  /** Each source that proposed the item, with that source's strength (similarity, count, rank-based). */
  sources: Map<CandidateSource, number>;
  /** Friends who bought it (FRIEND_PURCHASE). */
  friendsBought: SocialFriend[];
  /** Friends who wishlisted it (FRIEND_WISHLIST). */
  friendsWished: SocialFriend[];
  /** Of the friends who bought it, those within the social lift's window (set on the personal lists, the only ones with a lift). */
  friendsRecent?: number;
}

export interface SourcedItem {
  itemId: string;
  source: CandidateSource;
  strength: number;
  friends?: SocialFriend[];
}

/** Dedupes by item, in first-seen order; a source seen twice for one item keeps its strongest value. */
export function mergeCandidates(lists: readonly (readonly SourcedItem[])[]): Candidate[] {
  const byItem = new Map<string, Candidate>();
  for (const list of lists) {
    for (const s of list) {
      let c = byItem.get(s.itemId);
      if (!c) {
        c = { itemId: s.itemId, sources: new Map(), friendsBought: [], friendsWished: [] };
        byItem.set(s.itemId, c);
      }
      const prev = c.sources.get(s.source);
      if (prev === undefined || s.strength > prev) c.sources.set(s.source, s.strength);
      if (s.friends) {
        const target = s.source === 'FRIEND_WISHLIST' ? c.friendsWished : c.friendsBought;
        for (const f of s.friends) if (!target.some((t) => t.id === f.id)) target.push(f);
      }
    }
  }
  return [...byItem.values()];
}
