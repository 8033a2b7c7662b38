/**
 * What each row kind becomes in the graph: the properties a node kind stores and the
 * relationships each row kind yields (type, endpoints as (label, local id), properties),
 * in the order they are written. One description for both write paths, the transactional
 * loader (loader.ts) and the offline bulk import's CSV files (bulk/import-files.ts), so
 * the two cannot drift; `schema/graph.md` documents the result.
 */
import { ErrorCode } from '../errors/codes';
import { GiftgraphError } from '../errors/errors';
import type { GraphRows } from './rows';

export type NodeKind = 'publishers' | 'games' | 'guilds' | 'users' | 'items' | 'occasions' | 'squads' | 'campaigns' | 'groupBuys' | 'gifts' | 'impressions' | 'clicks';

/** Label of each node kind (one local-id space per label). */
export const LABEL: Record<NodeKind, string> = {
  publishers: 'Publisher', games: 'Game', guilds: 'Guild', users: 'User', items: 'Item', occasions: 'Occasion',
  squads: 'Squad', campaigns: 'Campaign', groupBuys: 'GroupBuy', gifts: 'Gift', impressions: 'Impression', clicks: 'Click',
};

/**
 * The properties each node kind stores besides `dataset`, `importRun` and `id`, read from
 * {@link nodeParams}' map. Row fields not listed become relationships instead (an item's
 * game is also a FOR_GAME edge; a group buy's initiator only an INITIATED edge).
 */
export const NODE_PROPS: Record<NodeKind, readonly string[]> = {
  publishers: ['name', 'firstParty'],
  games: ['name', 'genre', 'releasedAt'],
  guilds: ['name', 'createdAt'],
  users: ['name', 'createdAt', 'birthday'],
  items: ['name', 'catalog', 'type', 'price', 'currency', 'rarity', 'gameId', 'publisherId', 'dropAt', 'availableUntil', 'forSale', 'giftable', 'consumable', 'attrs'],
  occasions: ['name', 'month', 'day'],
  squads: ['name', 'kind', 'createdAt'],
  campaigns: ['name', 'discount', 'startAt', 'endAt'],
  groupBuys: ['groupPrice', 'targetSize', 'createdAt', 'deadline', 'status', 'closedAt'],
  gifts: ['senderId', 'at', 'occasion', 'message', 'idempotencyKey'],
  impressions: ['recId', 'at', 'position', 'surface', 'modelVersion'],
  clicks: ['recId', 'at'],
};

/** Plain row -> the property map of its node (items serialise their extra attributes as JSON). */
export function nodeParams<K extends NodeKind>(kind: K, row: unknown): Record<string, unknown> {
  if (kind === 'items') {
    const r = row as GraphRows['items'][number];
    const { attributes, ...rest } = r;
    return { ...rest, attrs: attributes && Object.keys(attributes).length ? JSON.stringify(attributes) : null };
  }
  return row as Record<string, unknown>;
}

/** One relationship type derived from a row kind. Endpoints are (label, local id). */
export interface RelSpec<R> {
  type: string;
  from: (r: R) => [string, string | null];
  to: (r: R) => [string, string | null];
  props: (r: R) => Record<string, unknown>;
}

export type Specs = { [K in keyof GraphRows]?: RelSpec<GraphRows[K][number]>[] };

/** Relationship kinds in the order they are written; documented in schema/graph.md. */
export const REL_SPECS: Specs = {
  games: [{ type: 'PUBLISHED_BY', from: (r) => ['Game', r.id], to: (r) => ['Publisher', r.publisherId], props: () => ({}) }],
  items: [
    { type: 'FOR_GAME', from: (r) => ['Item', r.id], to: (r) => ['Game', r.gameId], props: () => ({}) },
    { type: 'SOLD_BY', from: (r) => ['Item', r.id], to: (r) => ['Publisher', r.publisherId], props: () => ({}) },
  ],
  campaigns: [], // DISCOUNTS is expanded per item below
  groupBuys: [
    { type: 'INITIATED', from: (r) => ['User', r.initiatorId], to: (r) => ['GroupBuy', r.id], props: (r) => ({ at: r.createdAt }) },
    { type: 'FOR_ITEM', from: (r) => ['GroupBuy', r.id], to: (r) => ['Item', r.itemId], props: () => ({}) },
  ],
  gifts: [
    { type: 'SENT', from: (r) => ['User', r.senderId], to: (r) => ['Gift', r.id], props: (r) => ({ at: r.at }) },
    { type: 'TO', from: (r) => ['Gift', r.id], to: (r) => ['User', r.recipientId], props: () => ({}) },
    { type: 'OF_ITEM', from: (r) => ['Gift', r.id], to: (r) => ['Item', r.itemId], props: () => ({}) },
  ],
  friendships: [
    { type: 'FRIEND', from: (r) => ['User', r.a], to: (r) => ['User', r.b], props: (r) => ({ since: r.since, blocked: r.blocked, blockedBy: r.blockedBy }) },
  ],
  interactions: [
    {
      type: 'INTERACTED',
      from: (r) => ['User', r.a],
      to: (r) => ['User', r.b],
      props: (r) => ({ day: r.day, messages: r.messages, voiceMinutes: r.voiceMinutes, playedTogether: r.playedTogether }),
    },
  ],
  memberships: [{ type: 'MEMBER_OF', from: (r) => ['User', r.userId], to: (r) => ['Guild', r.guildId], props: (r) => ({ since: r.since }) }],
  playSessions: [{ type: 'PLAYED', from: (r) => ['User', r.userId], to: (r) => ['Game', r.gameId], props: (r) => ({ at: r.at, minutes: r.minutes }) }],
  purchases: [
    {
      type: 'PURCHASED',
      from: (r) => ['User', r.userId],
      to: (r) => ['Item', r.itemId],
      props: (r) => ({ id: r.id, at: r.at, surface: r.surface, pricePaid: r.pricePaid, discount: r.discount, recId: r.recId, campaignId: r.campaignId, split: r.split }),
    },
  ],
  wishlists: [{ type: 'WISHLISTED', from: (r) => ['User', r.userId], to: (r) => ['Item', r.itemId], props: (r) => ({ at: r.at }) }],
  invitations: [
    { type: 'INVITED', from: (r) => ['GroupBuy', r.groupBuyId], to: (r) => ['User', r.inviteeId], props: (r) => ({ at: r.at, inviterId: r.inviterId }) },
  ],
  participations: [{ type: 'JOINED', from: (r) => ['User', r.userId], to: (r) => ['GroupBuy', r.groupBuyId], props: (r) => ({ at: r.joinedAt }) }],
  squadMembers: [{ type: 'IN_SQUAD', from: (r) => ['User', r.userId], to: (r) => ['Squad', r.squadId], props: (r) => ({ since: r.since }) }],
  exposures: [{ type: 'EXPOSED_TO', from: (r) => ['User', r.userId], to: (r) => ['Campaign', r.campaignId], props: (r) => ({ at: r.at, treated: r.treated }) }],
  impressions: [
    { type: 'SAW', from: (r) => ['User', r.userId], to: (r) => ['Impression', r.id], props: (r) => ({ at: r.at }) },
    { type: 'OF_ITEM', from: (r) => ['Impression', r.id], to: (r) => ['Item', r.itemId], props: () => ({}) },
  ],
  clicks: [
    { type: 'CLICKED', from: (r) => ['User', r.userId], to: (r) => ['Click', r.id], props: (r) => ({ at: r.at }) },
    { type: 'OF_ITEM', from: (r) => ['Click', r.id], to: (r) => ['Item', r.itemId], props: () => ({}) },
  ],
};

export const NODE_ORDER: NodeKind[] = ['publishers', 'games', 'guilds', 'users', 'items', 'occasions', 'squads', 'campaigns', 'groupBuys', 'gifts', 'impressions', 'clicks'];
export const REL_ORDER: (keyof GraphRows)[] = [
  'games', 'items', 'groupBuys', 'gifts', 'friendships', 'interactions', 'memberships', 'playSessions', 'purchases', 'wishlists',
  'invitations', 'participations', 'squadMembers', 'exposures', 'impressions', 'clicks',
];

export function countRelationships(rows: GraphRows): number {
  let n = 0;
  for (const kind of REL_ORDER) {
    const specs = (REL_SPECS[kind] ?? []) as RelSpec<unknown>[];
    for (const spec of specs) for (const r of rows[kind] as unknown[]) if (spec.to(r)[1] !== null && spec.from(r)[1] !== null) n++;
  }
  for (const c of rows.campaigns) n += c.itemIds.length;
  return n;
}

/** IMPORT_INVALID for a `kind` row naming a node (`label`, `id`) the rows do not have: both write paths check it before writing that relationship. */
export function danglingReference(kind: string, label: string, id: string): GiftgraphError {
  return new GiftgraphError(ErrorCode.IMPORT_INVALID, `${kind} row references ${label} ${JSON.stringify(id)}, which is not in the dataset`, { kind, label, id });
}

/** One relationship to write: endpoints as (label, local id) and its properties. */
export interface RelRow {
  from: [string, string];
  to: [string, string];
  props: Record<string, unknown>;
}

/**
 * The relationships of `rows`, one group per (row kind, relationship spec) in write order,
 * built lazily (a 100k world holds millions); rows whose optional endpoint is null (an
 * item without a game) yield nothing. Campaigns' item lists become DISCOUNTS last.
 */
export function* relationshipGroups(rows: GraphRows): Generator<{ type: string; kind: keyof GraphRows; rels: RelRow[] }> {
  for (const kind of REL_ORDER) {
    for (const spec of (REL_SPECS[kind] ?? []) as RelSpec<unknown>[]) {
      const rels: RelRow[] = [];
      for (const r of rows[kind] as unknown[]) {
        const from = spec.from(r);
        const to = spec.to(r);
        if (from[1] === null || to[1] === null) continue;
        rels.push({ from: from as [string, string], to: to as [string, string], props: spec.props(r) });
      }
      yield { type: spec.type, kind, rels };
    }
  }
  yield { type: 'DISCOUNTS', kind: 'campaigns', rels: rows.campaigns.flatMap((c) => c.itemIds.map((itemId): RelRow => ({ from: ['Campaign', c.id], to: ['Item', itemId], props: {} }))) };
}
