import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context';
import { Item } from '../types/item';
import { DismissPayload, FriendshipPayload, Gift, PurchasePayload, WishlistPayload } from '../types/mutations';
import { User } from '../types/user';

type PayloadClass = abstract new (...args: never[]) => object;

/**
 * The resolver of a payload's one field naming an item by scoped id (`key`): loaded through
 * the request's item loader only when selected, so a client asking for `purchaseId` pays
 * for no item read. One such field per payload type (type-graphql tells a type's field
 * resolvers apart by method name, and these are all `load`).
 */
function itemField(payload: PayloadClass, field: string, key: string) {
  @Resolver(() => payload)
  class ItemField {
    @FieldResolver(() => Item, { name: field })
    async load(@Root() p: Record<string, unknown>, @Ctx() ctx: ApiContext): Promise<Item> {
      return Item.from(await ctx.loaders.item.load(String(p[key])));
    }
  }
  return ItemField;
}

/** The same for a field naming a user. */
function userField(payload: PayloadClass, field: string, key: string) {
  @Resolver(() => payload)
  class UserField {
    @FieldResolver(() => User, { name: field })
    async load(@Root() p: Record<string, unknown>, @Ctx() ctx: ApiContext): Promise<User> {
      return User.from(await ctx.loaders.user.load(String(p[key])));
    }
  }
  return UserField;
}

/** A gift's users and item (one class: type-graphql tells a type's field resolvers apart by method name). */
@Resolver(() => Gift)
class GiftFields {
  @FieldResolver(() => User)
  async sender(@Root() g: Gift, @Ctx() ctx: ApiContext): Promise<User> {
    return User.from(await ctx.loaders.user.load(g.senderId));
  }

  @FieldResolver(() => User)
  async recipient(@Root() g: Gift, @Ctx() ctx: ApiContext): Promise<User> {
    return User.from(await ctx.loaders.user.load(g.recipientId));
  }

  @FieldResolver(() => Item)
  async item(@Root() g: Gift, @Ctx() ctx: ApiContext): Promise<Item> {
    return Item.from(await ctx.loaders.item.load(g.itemId));
  }
}

/** Every mutation payload field that loads an entity on demand. */
export const PAYLOAD_RESOLVERS = [
  GiftFields,
  itemField(PurchasePayload, 'item', 'itemId'),
  itemField(WishlistPayload, 'item', 'itemId'),
  itemField(DismissPayload, 'item', 'itemId'),
  userField(FriendshipPayload, 'friend', 'friendId'),
] as const;
