import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context';
import { Item } from '../types/item';
import { DismissPayload, FriendshipPayload, Gift, PurchasePayload, WishlistPayload } from '../types/mutations';
import { User } from '../types/user';

type PayloadClass = abstract new (...args: never[]) => object;

/**
 * The resolver of a payload's one field naming an item or a user by scoped id (`key`):
 * loaded through the request's loader only when selected, so a client asking for
 * `purchaseId` pays for no item read. One such field per payload type (type-graphql tells
 * a type's field resolvers apart by method name, and these are all `load`).
 */
function loadedField(payload: PayloadClass, field: string, key: string, kind: 'item' | 'user') {
  @Resolver(() => payload)
  class LoadedField {
    @FieldResolver(() => (kind === 'item' ? Item : User), { name: field })
    async load(@Root() p: Record<string, unknown>, @Ctx() ctx: ApiContext): Promise<Item | User> {
      const id = String(p[key]);
      return kind === 'item' ? Item.from(await ctx.loaders.item.load(id)) : User.from(await ctx.loaders.user.load(id));
    }
  }
  return LoadedField;
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
  loadedField(PurchasePayload, 'item', 'itemId', 'item'),
  loadedField(WishlistPayload, 'item', 'itemId', 'item'),
  loadedField(DismissPayload, 'item', 'itemId', 'item'),
  loadedField(FriendshipPayload, 'friend', 'friendId', 'user'),
] as const;
