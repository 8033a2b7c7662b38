import { GraphQLJSONObject } from 'graphql-scalars';
import { GraphQLISODateTime, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { formatScopedId } from '../../graph/ids';
import type { ItemRecord } from '../../graph/records';
import { PageInfo } from './common';

export enum CatalogKind {
  FIRST_PARTY = 'FIRST_PARTY',
  THIRD_PARTY = 'THIRD_PARTY',
}
registerEnumType(CatalogKind, { name: 'CatalogKind', description: "The platform's own shop (1P) or a publisher's catalog (3P)." });

@ObjectType({ description: 'Something for sale: a 1P shop item or a 3P publisher item.' })
export class Item {
  @Field(() => ID)
  id!: string;

  @Field()
  dataset!: string;

  @Field()
  name!: string;

  @Field(() => CatalogKind, { nullable: true, description: 'Null for imported data that does not say.' })
  catalog!: CatalogKind | null;

  @Field({ description: 'e.g. PROFILE_EFFECT, BOOST, AVATAR_DECORATION, SKIN, BUNDLE, CURRENCY_PACK.' })
  type!: string;

  @Field(() => Int, { nullable: true, description: 'List price in minor units (cents) of `currency`.' })
  price!: number | null;

  @Field(() => String, { nullable: true })
  currency!: string | null;

  @Field(() => String, { nullable: true })
  rarity!: string | null;

  @Field(() => ID, { nullable: true })
  gameId!: string | null;

  @Field(() => ID, { nullable: true })
  publisherId!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  dropAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  availableUntil!: Date | null;

  @Field(() => Boolean, { nullable: true })
  forSale!: boolean | null;

  @Field(() => Boolean, { nullable: true })
  giftable!: boolean | null;

  @Field(() => Boolean, { nullable: true })
  consumable!: boolean | null;

  @Field(() => GraphQLJSONObject, { description: 'Publisher-specific attributes beyond the common ones.' })
  attributes!: Record<string, unknown>;

  static from(r: ItemRecord): Item {
    const scoped = (id: string | null) => (id === null ? null : formatScopedId(r.dataset, id));
    const date = (ms: number | null) => (ms === null ? null : new Date(ms));
    return Object.assign(new Item(), {
      id: formatScopedId(r.dataset, r.id),
      dataset: r.dataset,
      name: r.name,
      catalog: r.catalog === '1P' ? CatalogKind.FIRST_PARTY : r.catalog === '3P' ? CatalogKind.THIRD_PARTY : null,
      type: r.type,
      price: r.price,
      currency: r.currency,
      rarity: r.rarity,
      gameId: scoped(r.gameId),
      publisherId: scoped(r.publisherId),
      dropAt: date(r.dropAt),
      availableUntil: date(r.availableUntil),
      forSale: r.forSale,
      giftable: r.giftable,
      consumable: r.consumable,
      attributes: r.attributes,
    });
  }
}

@ObjectType({ description: 'An item a user purchased or wishlisted, with when.' })
export class UserItemEdge {
  @Field()
  cursor!: string;

  @Field(() => Item)
  node!: Item;

  @Field(() => GraphQLISODateTime, { nullable: true })
  at!: Date | null;
}

@ObjectType()
export class UserItemConnection {
  @Field(() => [UserItemEdge])
  edges!: UserItemEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
