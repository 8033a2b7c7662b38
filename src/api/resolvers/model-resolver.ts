import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { BadInputError } from '../../errors/errors';
import { isValidDataset } from '../../graph/ids';
import type { ApiContext } from '../context';
import { ModelActivationInput, ModelVersion } from '../types/models';

/** Internal tools: which model versions exist, which serve, and switching a ranking head. */
@Resolver()
export class ModelResolver {
  @Query(() => [ModelVersion], { description: 'Trained model versions on disk, with which one is active for the dataset.' })
  async modelVersions(@Arg('dataset') dataset: string, @Arg('model', () => String, { nullable: true }) model: string | null, @Ctx() ctx: ApiContext): Promise<ModelVersion[]> {
    if (!isValidDataset(dataset)) throw new BadInputError(`not a dataset name: ${JSON.stringify(dataset)}`);
    return ctx.services.models.list(dataset, model);
  }

  @Mutation(() => ModelVersion, { description: 'Activate a ranking head version for a dataset (every API instance serves it from its next request). Encoders: npm run models -- activate.' })
  async activateModel(@Arg('input', () => ModelActivationInput) input: ModelActivationInput, @Ctx() ctx: ApiContext): Promise<ModelVersion> {
    if (!input.version) throw new BadInputError('version is required to activate');
    if (!isValidDataset(input.dataset)) throw new BadInputError(`not a dataset name: ${JSON.stringify(input.dataset)}`);
    return ctx.services.models.activate(input.dataset, input.model, input.version);
  }

  @Mutation(() => ModelVersion, { description: 'Re-activate the version that was active before the current one.' })
  async rollbackModel(@Arg('input', () => ModelActivationInput) input: ModelActivationInput, @Ctx() ctx: ApiContext): Promise<ModelVersion> {
    if (!isValidDataset(input.dataset)) throw new BadInputError(`not a dataset name: ${JSON.stringify(input.dataset)}`);
    return ctx.services.models.rollback(input.dataset, input.model);
  }
}
