import { ArrayMaxSize } from 'class-validator';
import { Args, ArgsType, Arg, Ctx, Field, ID, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context';
import { MAX_PAGE } from '../types/common';
import { DatasetInfo, GraphStats, Neighborhood, NeighborhoodArgs } from '../types/explore';
import { Item } from '../types/item';
import { User } from '../types/user';
import { GiftgraphError } from '../../errors/errors';

@ArgsType()
class UsersArgs {
  @Field(() => [ID], { description: `Scoped user ids, at most ${MAX_PAGE}.` })
  @ArrayMaxSize(MAX_PAGE)
  ids!: string[];
}

@Resolver()
export class QueryResolver {
  @Query(() => User, { nullable: true, description: 'A user by scoped id; null when there is none.' })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<User | null> {
    return orNull(ctx.loaders.user.load(id)).then((u) => (u ? User.from(u) : null));
  }

  @Query(() => [User], { description: 'Many users by scoped id, in the order asked; unknown ids are NOT_FOUND errors.' })
  async users(@Args(() => UsersArgs) { ids }: UsersArgs, @Ctx() ctx: ApiContext): Promise<User[]> {
    const found = await Promise.all(ids.map((id) => ctx.loaders.user.load(id)));
    return found.map(User.from);
  }

  @Query(() => Item, { nullable: true, description: 'An item by scoped id; null when there is none.' })
  async item(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Item | null> {
    return orNull(ctx.loaders.item.load(id)).then((i) => (i ? Item.from(i) : null));
  }

  @Query(() => Neighborhood, { description: 'A bounded subgraph around a node (depth ≤ 3, ≤ 100 nodes) for exploration.' })
  async neighborhood(@Args(() => NeighborhoodArgs) args: NeighborhoodArgs, @Ctx() ctx: ApiContext): Promise<Neighborhood> {
    return ctx.services.explorer.neighborhood(args);
  }

  @Query(() => [DatasetInfo], { description: 'The datasets in the graph (the demo world, imported datasets).' })
  async datasets(@Ctx() ctx: ApiContext): Promise<DatasetInfo[]> {
    return ctx.services.explorer.datasets();
  }

  @Query(() => GraphStats, { description: 'Node and relationship counts of one dataset.' })
  async graphStats(@Arg('dataset', () => String) dataset: string, @Ctx() ctx: ApiContext): Promise<GraphStats> {
    const counts = await ctx.services.explorer.stats(dataset);
    return { dataset, ...counts };
  }
}

/** A loader's NOT_FOUND becomes null for nullable single lookups; other errors propagate. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof GiftgraphError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}
