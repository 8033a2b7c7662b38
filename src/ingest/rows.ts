/**
 * The graph model as plain rows: what the synthetic world generator and the dataset
 * importer produce, and what the loader writes into Neo4j (adding `dataset` and
 * `importRun` to every node). Ids are local to a dataset; times are epoch milliseconds
 * (UTC); money is in minor units (cents) of `currency`. `schema/graph.md` documents the
 * Neo4j shape these become.
 *
 * "Unknown" is `null`, never an invented value: an imported dataset that lacks a field
 * (Beibei has no deadlines or times) leaves it null.
 */

export type Catalog = '1P' | '3P';
export type GroupBuyStatus = 'OPEN' | 'FILLED' | 'EXPIRED' | 'CANCELLED';
export type SquadKind = 'EXPLICIT' | 'DETECTED';
export type Surface = 'HOME' | 'CART' | 'POST_PURCHASE' | 'WISHLIST' | 'SEARCH' | 'GIFT' | 'GROUP_BUY' | 'CAMPAIGN';

export interface UserRow {
  id: string;
  name: string;
  createdAt: number | null;
  /** 'YYYY-MM-DD' or null when unknown. */
  birthday: string | null;
}
export interface PublisherRow { id: string; name: string; firstParty: boolean }
export interface GameRow { id: string; name: string; genre: string | null; publisherId: string | null; releasedAt: number | null }
export interface GuildRow { id: string; name: string; createdAt: number | null }
export interface ItemRow {
  id: string;
  name: string;
  /** null for imported datasets that don't say. */
  catalog: Catalog | null;
  /** e.g. PROFILE_EFFECT, BOOST, AVATAR_DECORATION (1P); SKIN, BUNDLE, CURRENCY_PACK (3P); ITEM for imported data. */
  type: string;
  price: number | null;
  currency: string | null;
  rarity: string | null;
  gameId: string | null;
  publisherId: string | null;
  dropAt: number | null;
  availableUntil: number | null;
  /** null = unknown (imported data); the API treats unknown as not for sale / not giftable. */
  forSale: boolean | null;
  giftable: boolean | null;
  consumable: boolean | null;
  /** Heterogeneous publisher attributes beyond the common ones (stored as a JSON string). */
  attributes?: Record<string, string | number | boolean>;
}
/** One undirected friendship; the loader stores it once, from `a` to `b`. */
export interface FriendshipRow { a: string; b: string; since: number | null; blocked: boolean; blockedBy: string | null }
/** Daily interaction counts between two friends (one row per pair and day with any activity). */
export interface InteractionRow { a: string; b: string; day: number; messages: number; voiceMinutes: number; playedTogether: number }
export interface MembershipRow { userId: string; guildId: string; since: number | null }
export interface PlaySessionRow { userId: string; gameId: string; at: number; minutes: number }
export interface PurchaseRow {
  id: string;
  userId: string;
  itemId: string;
  at: number | null;
  surface: Surface | null;
  pricePaid: number | null;
  /** Fraction off list price, 0 when none. */
  discount: number;
  recId: string | null;
  campaignId: string | null;
  /** The published split an imported interaction belongs to; null for the synthetic world (split by time). */
  split: 'train' | 'test' | null;
}
export interface WishlistRow { userId: string; itemId: string; at: number | null }
export interface GiftRow {
  id: string;
  senderId: string;
  recipientId: string;
  itemId: string;
  at: number;
  /** BIRTHDAY, an Occasion id (holiday), or null. */
  occasion: string | null;
  message: string | null;
  /** The client's idempotency key, unique per sender within a dataset. */
  idempotencyKey: string;
}
export interface OccasionRow { id: string; name: string; month: number; day: number }
export interface GroupBuyRow {
  id: string;
  initiatorId: string | null;
  itemId: string;
  groupPrice: number | null;
  targetSize: number | null;
  createdAt: number | null;
  deadline: number | null;
  status: GroupBuyStatus;
  closedAt: number | null;
}
export interface InvitationRow { groupBuyId: string; inviterId: string; inviteeId: string; at: number | null }
export interface ParticipationRow { groupBuyId: string; userId: string; joinedAt: number | null }
export interface SquadRow { id: string; name: string; kind: SquadKind; createdAt: number | null }
export interface SquadMemberRow { squadId: string; userId: string; since: number | null }
export interface CampaignRow { id: string; name: string; discount: number; startAt: number; endAt: number; itemIds: string[] }
export interface ExposureRow { campaignId: string; userId: string; at: number; treated: boolean }
export interface ImpressionRow { id: string; recId: string; userId: string; itemId: string; at: number; position: number; surface: Surface; modelVersion: string }
export interface ClickRow { id: string; recId: string; userId: string; itemId: string; at: number }

/** Everything one dataset holds, by kind. Each array may be empty. */
export interface GraphRows {
  publishers: PublisherRow[];
  games: GameRow[];
  guilds: GuildRow[];
  users: UserRow[];
  items: ItemRow[];
  occasions: OccasionRow[];
  squads: SquadRow[];
  campaigns: CampaignRow[];
  groupBuys: GroupBuyRow[];
  gifts: GiftRow[];
  friendships: FriendshipRow[];
  interactions: InteractionRow[];
  memberships: MembershipRow[];
  playSessions: PlaySessionRow[];
  purchases: PurchaseRow[];
  wishlists: WishlistRow[];
  invitations: InvitationRow[];
  participations: ParticipationRow[];
  squadMembers: SquadMemberRow[];
  exposures: ExposureRow[];
  impressions: ImpressionRow[];
  clicks: ClickRow[];
}

export function emptyRows(): GraphRows {
  return {
    publishers: [], games: [], guilds: [], users: [], items: [], occasions: [], squads: [], campaigns: [],
    groupBuys: [], gifts: [], friendships: [], interactions: [], memberships: [], playSessions: [],
    purchases: [], wishlists: [], invitations: [], participations: [], squadMembers: [], exposures: [],
    impressions: [], clicks: [],
  };
}

/** Kinds that become nodes (written first) and kinds that become relationships. */
export const NODE_KINDS = ['publishers', 'games', 'guilds', 'users', 'items', 'occasions', 'squads', 'campaigns', 'groupBuys', 'gifts'] as const;
export const REL_KINDS = ['friendships', 'interactions', 'memberships', 'playSessions', 'purchases', 'wishlists', 'invitations', 'participations', 'squadMembers', 'exposures', 'impressions', 'clicks'] as const;
