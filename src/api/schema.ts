import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { QueryResolver } from './resolvers/query-resolver';
import { UserResolver } from './resolvers/user-resolver';
import { RecommendationResolver } from './resolvers/recommendation-resolver';
import { MutationResolver } from './resolvers/mutation-resolver';
import { GroupBuyResolver } from './resolvers/group-buy-resolver';
import { ModelResolver } from './resolvers/model-resolver';
import { PAYLOAD_RESOLVERS } from './resolvers/payload-resolvers';

export const RESOLVERS = [QueryResolver, UserResolver, RecommendationResolver, GroupBuyResolver, MutationResolver, ModelResolver, ...PAYLOAD_RESOLVERS] as const;

/**
 * Builds the executable schema. Input validation runs class-validator on every args and
 * input class (`validate: true`): violations become BAD_USER_INPUT errors.
 */
export async function buildGiftgraphSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
}
