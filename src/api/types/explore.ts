import { Max, Min } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum NodeKind {
  USER = 'USER',
  ITEM = 'ITEM',
  GAME = 'GAME',
  GUILD = 'GUILD',
  SQUAD = 'SQUAD',
  GROUP_BUY = 'GROUP_BUY',
  GIFT = 'GIFT',
  PUBLISHER = 'PUBLISHER',
}
registerEnumType(NodeKind, { name: 'NodeKind', description: 'What kind of node an exploration starts from.' });

export const MAX_DEPTH = 3;

@ArgsType()
export class NeighborhoodArgs {
  @Field(() => ID, { description: 'Scoped id of the start node, e.g. "demo:u42".' })
  id!: string;

  @Field(() => NodeKind, { defaultValue: NodeKind.USER })
  kind!: NodeKind;

  @Field(() => Int, { defaultValue: 1, description: `Hops from the start node, 1..${MAX_DEPTH}.` })
  @Min(1)
  @Max(MAX_DEPTH)
  depth!: number;

  @Field(() => Int, { defaultValue: 25, description: 'Most nodes returned, 1..100.' })
  @Min(1)
  @Max(100)
  limit!: number;
}

@ObjectType()
export class GraphNode {
  @Field(() => ID, { description: 'Scoped id of the entity.' })
  id!: string;

  @Field({ description: 'Neo4j label, e.g. User, Item, Guild.' })
  label!: string;

  @Field()
  name!: string;

  @Field(() => Int, { description: 'Hops from the start node.' })
  depth!: number;
}

@ObjectType()
export class GraphEdge {
  @Field(() => ID)
  source!: string;

  @Field(() => ID)
  target!: string;

  @Field({ description: 'Relationship type, e.g. FRIEND, PURCHASED.' })
  type!: string;
}

@ObjectType({ description: 'A bounded subgraph around one node, for internal tools.' })
export class Neighborhood {
  @Field(() => [GraphNode])
  nodes!: GraphNode[];

  @Field(() => [GraphEdge])
  edges!: GraphEdge[];

  @Field({ description: 'True when the limit cut the exploration short.' })
  truncated!: boolean;
}

@ObjectType()
export class DatasetInfo {
  @Field()
  id!: string;

  @Field(() => String, { nullable: true, description: 'synthetic or imported.' })
  kind!: string | null;

  @Field(() => String, { nullable: true, description: 'LOADING or READY.' })
  status!: string | null;
}

@ObjectType({ description: 'Counts of one dataset: nodes per label, relationships per type.' })
export class GraphStats {
  @Field()
  dataset!: string;

  @Field(() => GraphQLJSONObject)
  nodes!: Record<string, number>;

  @Field(() => GraphQLJSONObject)
  relationships!: Record<string, number>;
}
