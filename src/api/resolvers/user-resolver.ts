import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { BadInputError } from '../../errors/errors';
import type { ApiContext } from '../context';
import { PageArgs, decodeCursor, encodeCursor } from '../types/common';
import { Item, UserItemConnection } from '../types/item';
import { FriendConnection, User } from '../types/user';
import type { UserItemRel } from '../../graph/queries/items';

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => FriendConnection, { description: 'Friends (blocked ones excluded), ordered by id.' })
  async friends(@Root() user: User, @Args(() => PageArgs) { first, after }: PageArgs, @Ctx() ctx: ApiContext): Promise<FriendConnection> {
    const page = await ctx.loaders.friends.load({ user: user.id, first, after: decodeCursor(after) });
    const edges = page.items.map((f) => ({ cursor: encodeCursor(f.id), node: User.from(f), since: f.since === null ? null : new Date(f.since) }));
    return { edges, totalCount: page.totalCount, pageInfo: { hasNextPage: page.hasMore, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @FieldResolver(() => UserItemConnection, { description: 'Items bought, newest first.' })
  async purchases(@Root() user: User, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: ApiContext): Promise<UserItemConnection> {
    return this.userItems('PURCHASED', user, args, ctx);
  }

  @FieldResolver(() => UserItemConnection, { description: 'Wishlisted items, newest first.' })
  async wishlist(@Root() user: User, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: ApiContext): Promise<UserItemConnection> {
    return this.userItems('WISHLISTED', user, args, ctx);
  }

  private async userItems(rel: UserItemRel, user: User, { first, after }: PageArgs, ctx: ApiContext): Promise<UserItemConnection> {
    const offset = parseOffsetCursor(after);
    const page = await ctx.loaders.userItems[rel].load({ user: user.id, first, offset });
    const edges = page.items.map((e, i) => ({
      cursor: encodeCursor(`o:${offset + i + 1}`),
      node: Item.from(e.item),
      at: e.at === null ? null : new Date(e.at),
    }));
    return { edges, totalCount: page.totalCount, pageInfo: { hasNextPage: page.hasMore, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

function parseOffsetCursor(after: string | null | undefined): number {
  const raw = decodeCursor(after);
  if (raw === null) return 0;
  const m = /^o:(\d{1,9})$/.exec(raw);
  if (!m) throw new BadInputError(`after is not a cursor this list issued: ${JSON.stringify(after)}`, { after });
  return Number(m[1]);
}
