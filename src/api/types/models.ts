import { GraphQLJSONObject } from 'graphql-scalars';
import { MaxLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A trained model version on disk (graph-models/artifacts) and whether it serves a dataset.' })
export class ModelVersion {
  @Field()
  model!: string;

  @Field()
  version!: string;

  @Field({ description: 'sage-encoder, lightgcn or head.' })
  kind!: string;

  @Field({ description: 'The dataset it was trained on.' })
  trainedOn!: string;

  @Field()
  createdAt!: string;

  @Field(() => GraphQLJSONObject, { description: 'Headline test metrics from its report.' })
  headline!: Record<string, unknown>;

  @Field({ description: 'Active for the dataset asked about.' })
  active!: boolean;
}

@InputType()
export class ModelActivationInput {
  @Field()
  @MaxLength(32)
  dataset!: string;

  @Field()
  @MaxLength(41)
  model!: string;

  @Field({ nullable: true, description: 'Required to activate; ignored by rollback.' })
  @MaxLength(64)
  version?: string;
}
