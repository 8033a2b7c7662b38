import { GraphQLJSONObject } from 'graphql-scalars';
import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import { Field, GraphQLISODateTime, ID, InputType, Int, InterfaceType, ObjectType } from 'type-graphql';
import { CatalogKind, Item } from './item';
import { Surface } from './recommendation';

/** Every mutation input: who acts and the idempotency key scoped to them. */
@InputType({ description: 'Fields every mutation input has (inherited; not used on its own).' })
export class ActingInput {
  @Field(() => ID, { description: 'The acting user (scoped id). Must match the x-giftgraph-user header when one is sent.' })
  @MaxLength(160)
  userId!: string;

  @Field({ description: 'Client-chosen key (8..128 of A-Z a-z 0-9 . _ : -), kept at least 24 h: a retry with the same key and payload returns the first result; another payload is IDEMPOTENCY_KEY_REUSED.' })
  @Length(8, 128)
  idempotencyKey!: string;
}

@InputType()
export class SendGiftInput extends ActingInput {
  @Field(() => ID)
  @MaxLength(160)
  recipientId!: string;

  @Field(() => ID)
  @MaxLength(160)
  itemId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  message?: string | null;

  @Field(() => String, { nullable: true, description: 'BIRTHDAY or an occasion id (e.g. a holiday).' })
  @IsOptional()
  @MaxLength(64)
  occasion?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Deliver later (e.g. on the birthday); until then the recipient sees nothing of it.' })
  @IsOptional()
  deliverAt?: Date | null;
}

@InputType()
export class PurchaseInput extends ActingInput {
  @Field(() => ID)
  @MaxLength(160)
  itemId!: string;

  @Field(() => ID, { nullable: true, description: 'The recommendation this purchase came from, for attribution.' })
  @IsOptional()
  @MaxLength(64)
  recommendationId?: string | null;

  @Field(() => Surface, { nullable: true })
  @IsOptional()
  surface?: Surface | null;
}

@InputType()
export class ItemActionInput extends ActingInput {
  @Field(() => ID)
  @MaxLength(160)
  itemId!: string;
}

@InputType()
export class DismissInput extends ItemActionInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  recommendationId?: string | null;
}

@InputType()
export class FriendInput extends ActingInput {
  @Field(() => ID)
  @MaxLength(160)
  friendId!: string;
}

@InputType()
export class SharingInput extends ActingInput {
  @Field({ description: "Whether friends' recommendation reasons may name this user (\"Ana owns this\", \"on Ana's wishlist\"). Default true." })
  shareActivity!: boolean;
}

@InputType()
export class CreateGroupBuyInput extends ActingInput {
  @Field(() => ID)
  @MaxLength(160)
  itemId!: string;

  @Field(() => Int, { description: 'Participants needed, the initiator included: 2..10.' })
  @Min(2)
  @Max(10)
  targetSize!: number;

  @Field(() => Int, { nullable: true, description: 'Price each participant pays (minor units); default the list price.' })
  @IsOptional()
  @Min(0)
  groupPrice?: number | null;

  @Field(() => Int, { defaultValue: 48, description: 'Hours until the deadline: 1..336.' })
  @Min(1)
  @Max(336)
  durationHours!: number;

  @Field(() => [ID], { defaultValue: [], description: 'Friends to invite (at most 50).' })
  @ArrayMaxSize(50)
  inviteeIds!: string[];
}

@InputType()
export class GroupBuyActionInput extends ActingInput {
  @Field(() => ID)
  @MaxLength(160)
  groupBuyId!: string;
}

@InputType()
export class InviteInput extends GroupBuyActionInput {
  @Field(() => [ID])
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  inviteeIds!: string[];
}

@InputType()
export class CatalogItemFeedInput {
  @Field(() => ID, { description: 'Local id of the item within the dataset (the feed is scoped by publisherId).' })
  @MaxLength(64)
  id!: string;

  @Field()
  @MaxLength(200)
  name!: string;

  @Field(() => CatalogKind)
  catalog!: CatalogKind;

  @Field({ description: '1P: PROFILE_EFFECT, BOOST, AVATAR_DECORATION; 3P: SKIN, BUNDLE, CURRENCY_PACK.' })
  @MaxLength(40)
  type!: string;

  @Field(() => Int, { description: 'List price in minor units.' })
  price!: number;

  @Field({ description: 'ISO 4217, e.g. USD.' })
  @MaxLength(3)
  currency!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(40)
  rarity?: string | null;

  @Field(() => ID, { nullable: true, description: '3P items: their game (scoped id).' })
  @IsOptional()
  @MaxLength(160)
  gameId?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  dropAt?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  availableUntil?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  @IsOptional()
  forSale?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  @IsOptional()
  giftable?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Default: true for CURRENCY_PACK, else false.' })
  @IsOptional()
  consumable?: boolean | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Publisher-specific attributes: flat map of string / number / boolean.' })
  @IsOptional()
  attributes?: Record<string, unknown> | null;
}

@InputType()
export class UpsertCatalogInput {
  @Field(() => ID, { description: 'The publisher whose feed this is (scoped id); idempotency keys are scoped to it.' })
  @MaxLength(160)
  publisherId!: string;

  @Field()
  @Length(8, 128)
  idempotencyKey!: string;

  @Field(() => [CatalogItemFeedInput], { description: '1..200 items.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  items!: CatalogItemFeedInput[];
}

@InputType()
export class ImpressionItemInput {
  @Field(() => ID)
  @MaxLength(64)
  recommendationId!: string;

  @Field(() => ID)
  @MaxLength(160)
  itemId!: string;

  @Field(() => Int)
  @Min(0)
  @Max(1000)
  position!: number;
}

@InputType()
export class RecordImpressionsInput extends ActingInput {
  @Field(() => Surface)
  surface!: Surface;

  @Field({ description: 'The modelVersion of the list shown.' })
  @MaxLength(100)
  modelVersion!: string;

  @Field(() => [ImpressionItemInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  impressions!: ImpressionItemInput[];
}

@InputType()
export class RecordClickInput extends ActingInput {
  @Field(() => ID)
  @MaxLength(64)
  recommendationId!: string;

  @Field(() => ID)
  @MaxLength(160)
  itemId!: string;
}

@InterfaceType({ description: 'What every mutation payload says.' })
export abstract class MutationPayload {
  @Field({ description: 'True when this call was a retry answered with the first call’s result.' })
  replayed!: boolean;
}

/**
 * Payload entities (a gift's users and item, the item bought or wished, the friend) are
 * held as scoped ids and loaded only when the client selects them (payload-resolvers.ts):
 * most clients ask for ids and `replayed`, and a write's answer should not pay for reads
 * nobody asked for.
 */
@ObjectType()
export class Gift {
  @Field(() => ID)
  id!: string;

  /** Scoped ids behind the `sender`, `recipient` and `item` fields. */
  senderId!: string;
  recipientId!: string;
  itemId!: string;

  @Field(() => GraphQLISODateTime)
  sentAt!: Date;

  @Field(() => GraphQLISODateTime)
  deliverAt!: Date;

  @Field(() => Int, { nullable: true })
  pricePaid!: number | null;
}

@ObjectType({ implements: MutationPayload })
export class SendGiftPayload extends MutationPayload {
  @Field(() => Gift)
  gift!: Gift;
}

@ObjectType({ implements: MutationPayload })
export class PurchasePayload extends MutationPayload {
  @Field(() => ID)
  purchaseId!: string;

  /** Scoped id behind the `item` field. */
  itemId!: string;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => Int, { nullable: true })
  pricePaid!: number | null;
}

@ObjectType({ implements: MutationPayload })
export class WishlistPayload extends MutationPayload {
  /** Scoped id behind the `item` field. */
  itemId!: string;

  @Field()
  onWishlist!: boolean;

  @Field({ description: 'False when the wishlist already was in that state.' })
  changed!: boolean;
}

@ObjectType({ implements: MutationPayload })
export class DismissPayload extends MutationPayload {
  /** Scoped id behind the `item` field. */
  itemId!: string;
}

@ObjectType({ implements: MutationPayload })
export class FriendshipPayload extends MutationPayload {
  /** Scoped id behind the `friend` field. */
  friendId!: string;

  @Field()
  friends!: boolean;

  @Field()
  changed!: boolean;
}

@ObjectType({ implements: MutationPayload })
export class SharingPayload extends MutationPayload {
  @Field()
  shareActivity!: boolean;
}

@ObjectType({ implements: MutationPayload })
export class CatalogPayload extends MutationPayload {
  @Field(() => [Item])
  items!: Item[];

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;
}

@ObjectType({ implements: MutationPayload })
export class ImpressionsPayload extends MutationPayload {
  @Field(() => Int)
  recorded!: number;
}

@ObjectType({ implements: MutationPayload })
export class ClickPayload extends MutationPayload {
  @Field(() => ID)
  clickId!: string;
}
