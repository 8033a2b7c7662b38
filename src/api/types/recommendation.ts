import { ArrayMaxSize, IsOptional, Max, Min, MaxLength } from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BadInputError } from '../../errors/errors';
import { parseScopedId } from '../../graph/ids';
import type { ItemFilters } from '../../retrieval/eligibility';
import type { ListControls } from '../../services/recommendation-service';
import { CatalogKind, Item } from './item';
import { User } from './user';
import { MAX_PAGE } from './common';

export enum Surface {
  HOME = 'HOME',
  CART = 'CART',
  POST_PURCHASE = 'POST_PURCHASE',
  WISHLIST = 'WISHLIST',
}
registerEnumType(Surface, {
  name: 'Surface',
  description: 'Where in the shop the list is shown: HOME (personal), CART (complements of the cart), POST_PURCHASE (more for the same game, and a friend who would like it as a gift), WISHLIST (similar items, and friends who share the taste for it).',
});

export enum ReasonCode {
  FRIENDS_OWN = 'FRIENDS_OWN',
  ON_FRIEND_WISHLIST = 'ON_FRIEND_WISHLIST',
  PLAYS_GAME = 'PLAYS_GAME',
  SIMILAR_TASTE = 'SIMILAR_TASTE',
  SQUAD_TASTE = 'SQUAD_TASTE',
  POPULAR = 'POPULAR',
  NEW_DROP = 'NEW_DROP',
  GUILD_POPULAR = 'GUILD_POPULAR',
  BOUGHT_TOGETHER = 'BOUGHT_TOGETHER',
  SAME_GAME = 'SAME_GAME',
  ON_WISHLIST = 'ON_WISHLIST',
  SIMILAR_ITEM = 'SIMILAR_ITEM',
  GIFT_OCCASION = 'GIFT_OCCASION',
  CLOSE_FRIEND = 'CLOSE_FRIEND',
  GIFTED_BEFORE = 'GIFTED_BEFORE',
  PRICE_BAND = 'PRICE_BAND',
}
registerEnumType(ReasonCode, { name: 'ReasonCode', description: 'Machine-readable kind of a reason; `text` is the human sentence.' });

export enum CandidateSourceKind {
  EMBEDDING = 'EMBEDDING',
  FRIEND_PURCHASE = 'FRIEND_PURCHASE',
  FRIEND_WISHLIST = 'FRIEND_WISHLIST',
  GUILD = 'GUILD',
  POPULAR = 'POPULAR',
  NEW_DROP = 'NEW_DROP',
  SAME_GAME = 'SAME_GAME',
  CO_PURCHASE = 'CO_PURCHASE',
  WISHLIST = 'WISHLIST',
  SIMILAR = 'SIMILAR',
}
registerEnumType(CandidateSourceKind, { name: 'CandidateSource', description: 'Where a recommended item came from (an item can come from several).' });

@ObjectType({ description: 'Why something is recommended, in words a player can read. Friends are named only when their privacy settings allow; planned gifts are never revealed to their recipient.' })
export class Reason {
  @Field(() => ReasonCode)
  code!: ReasonCode;

  @Field()
  text!: string;

  @Field(() => [ID], { description: 'Scoped ids of the friends named in `text`.' })
  friendIds!: string[];
}

@ObjectType({ description: 'One recommended item.' })
export class RecommendedItem {
  @Field(() => ID, { description: 'Pass back with recordImpressions / recordClick / purchase to attribute them. Stable for the same viewer, surface, item and model version.' })
  recommendationId!: string;

  @Field(() => Item)
  item!: Item;

  @Field(() => Float, { nullable: true, description: "The serving encoder's cosine between the query (user, squad, cart or item) and the item; null for an item not yet embedded." })
  score!: number | null;

  @Field(() => [Reason])
  reasons!: Reason[];

  @Field(() => [CandidateSourceKind])
  sources!: CandidateSourceKind[];

  @Field({ description: '`<model>/<version>` that scored the item, or `fallback/<source>`.' })
  modelVersion!: string;
}

@ObjectType({ description: 'A friend suggested for an item (as a gift recipient, or as someone who shares the taste).' })
export class FriendSuggestion {
  @Field(() => User)
  user!: User;

  @Field(() => Float)
  score!: number;

  @Field(() => [Reason])
  reasons!: Reason[];
}

@ObjectType({ description: 'A ranked list of items (at most 100) with its model version.' })
export class RecommendationList {
  @Field()
  surface!: string;

  @Field({ description: 'The model version that ranked the list (`sage/<version>`), or `fallback/popular` for a user without an embedding yet.' })
  modelVersion!: string;

  @Field(() => [RecommendedItem])
  items!: RecommendedItem[];

  @Field(() => [FriendSuggestion], { description: 'POST_PURCHASE and WISHLIST: friends who would like the item; empty elsewhere.' })
  friends!: FriendSuggestion[];
}

@ObjectType({ description: 'Items a squad (friend group) would buy together.' })
export class SquadRecommendationList extends RecommendationList {
  @Field(() => [ID], { description: 'Scoped ids of the members the list was made for.' })
  memberIds!: string[];

  @Field()
  squadName!: string;
}

@InputType({ description: 'Controls every recommendation list takes.' })
export class ItemFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Scoped item ids never to return (at most 100).' })
  @IsOptional()
  @ArrayMaxSize(MAX_PAGE)
  exclude?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Lowest list price, in minor units.' })
  @IsOptional()
  @Min(0)
  minPrice?: number | null;

  @Field(() => Int, { nullable: true, description: 'Highest list price, in minor units.' })
  @IsOptional()
  @Min(0)
  maxPrice?: number | null;

  @Field(() => CatalogKind, { nullable: true, description: 'Only 1P or only 3P items.' })
  @IsOptional()
  catalog?: CatalogKind | null;

  @Field(() => ID, { nullable: true, description: 'Only items of this game (scoped id).' })
  @IsOptional()
  @MaxLength(160)
  gameId?: string | null;

  @Field(() => Int, { nullable: true, description: 'At most this many items of one game, for diversity (1P items have no game).' })
  @IsOptional()
  @Min(1)
  @Max(MAX_PAGE)
  maxPerGame?: number | null;
}

@InputType({ description: 'What the surface is about.' })
export class SurfaceContextInput {
  @Field(() => ID, { nullable: true, description: 'POST_PURCHASE: the item just bought; WISHLIST: the wishlist item.' })
  @IsOptional()
  @MaxLength(160)
  itemId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'CART: the items in the cart (1..20).' })
  @IsOptional()
  @ArrayMaxSize(20)
  cartItemIds?: string[] | null;
}

@ArgsType()
export class ListArgs {
  @Field(() => Int, { defaultValue: 20, description: `How many, 1..${MAX_PAGE}.` })
  @Min(1)
  @Max(MAX_PAGE)
  first!: number;

  @Field(() => ItemFilterInput, { nullable: true })
  @IsOptional()
  filter?: ItemFilterInput | null;
}

@ArgsType()
export class RecommendationsArgs extends ListArgs {
  @Field(() => ID)
  @MaxLength(160)
  userId!: string;

  @Field(() => Surface)
  surface!: Surface;

  @Field(() => SurfaceContextInput, { nullable: true })
  @IsOptional()
  context?: SurfaceContextInput | null;
}

@ArgsType()
export class FriendRecsArgs extends ListArgs {
  @Field(() => ID)
  @MaxLength(160)
  userId!: string;
}

@ArgsType()
export class SquadRecsArgs extends ListArgs {
  @Field(() => ID, { nullable: true, description: 'A squad (explicit or detected), or give memberIds.' })
  @IsOptional()
  @MaxLength(160)
  squadId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'An ad-hoc group of 2..50 users of one dataset.' })
  @IsOptional()
  @ArrayMaxSize(50)
  memberIds?: string[] | null;
}

/** Parses a scoped id and insists it belongs to `dataset`. */
export function localIdIn(dataset: string, raw: string, what: string): string {
  const s = parseScopedId(raw, what);
  if (s.dataset !== dataset) throw new BadInputError(`${what} ${JSON.stringify(raw)} is not in dataset "${dataset}"`, { [what]: raw });
  return s.id;
}

/** The list controls of a request, with ids checked against the request's dataset. */
export function toControls(dataset: string, first: number, filter: ItemFilterInput | null | undefined): ListControls {
  const f = filter ?? {};
  if (f.minPrice != null && f.maxPrice != null && f.minPrice > f.maxPrice) throw new BadInputError(`filter.minPrice (${f.minPrice}) is above filter.maxPrice (${f.maxPrice})`);
  const filters: ItemFilters = {
    minPrice: f.minPrice ?? null,
    maxPrice: f.maxPrice ?? null,
    catalog: f.catalog === CatalogKind.FIRST_PARTY ? '1P' : f.catalog === CatalogKind.THIRD_PARTY ? '3P' : null,
    gameId: f.gameId ? localIdIn(dataset, f.gameId, 'filter.gameId') : null,
  };
  return { first, exclude: (f.exclude ?? []).map((x) => localIdIn(dataset, x, 'filter.exclude')), filters, maxPerGame: f.maxPerGame ?? null };
}

@ObjectType({ description: 'A friend the user is likely to gift now, and what to give them.' })
export class GiftSuggestion {
  @Field(() => ID)
  recommendationId!: string;

  @Field(() => User)
  recipient!: User;

  @Field(() => Float, { description: 'P(the user gifts this friend within `windowDays`), from the gift-recipient head.' })
  probability!: number;

  @Field(() => [Reason])
  reasons!: Reason[];

  @Field(() => [RecommendedItem], { description: "What to give: the recipient's wishlist first, then their taste; giftable, for sale, not owned (gifts on their way included), priced like the user's past gifts." })
  items!: RecommendedItem[];
}

@ObjectType()
export class GiftSuggestionList {
  @Field({ description: '`gift-recipient/<version>` of the head that ranked the recipients.' })
  modelVersion!: string;

  @Field(() => Int, { description: 'The horizon of `probability`, in days.' })
  windowDays!: number;

  @Field(() => [GiftSuggestion])
  suggestions!: GiftSuggestion[];
}

@ArgsType()
export class GiftSuggestionsArgs {
  @Field(() => ID)
  @MaxLength(160)
  userId!: string;

  @Field(() => Int, { defaultValue: 10, description: `How many recipients, 1..${MAX_PAGE}.` })
  @Min(1)
  @Max(MAX_PAGE)
  first!: number;

  @Field(() => String, { nullable: true, description: 'BIRTHDAY (only friends whose birthday is near) or a holiday occasion id.' })
  @IsOptional()
  @MaxLength(64)
  occasion?: string | null;

  @Field(() => Int, { defaultValue: 3, description: 'Items per recipient, 0..10.' })
  @Min(0)
  @Max(10)
  itemsPerRecipient!: number;

  @Field(() => ItemFilterInput, { nullable: true })
  @IsOptional()
  filter?: ItemFilterInput | null;
}
