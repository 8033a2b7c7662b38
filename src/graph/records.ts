/**
 * What the graph access layer returns: plain records, scoped by dataset. Downstream
 * stages (services, resolvers) import these types, never the driver's.
 */
export interface UserRecord {
  dataset: string;
  id: string;
  name: string;
  createdAt: number | null;
  birthday: string | null;
}

export interface ItemRecord {
  dataset: string;
  id: string;
  name: string;
  catalog: '1P' | '3P' | null;
  type: string;
  price: number | null;
  currency: string | null;
  rarity: string | null;
  gameId: string | null;
  publisherId: string | null;
  dropAt: number | null;
  availableUntil: number | null;
  forSale: boolean | null;
  giftable: boolean | null;
  consumable: boolean | null;
  /** Heterogeneous publisher attributes (parsed from the stored JSON). */
  attributes: Record<string, string | number | boolean>;
}

/** One page of a keyset-paginated list: `cursor` is the last key, `hasMore` whether another page exists. */
export interface Page<T> {
  items: T[];
  hasMore: boolean;
  totalCount: number;
}
