import { clockFromConfig } from '../clock/clock';
import { loadConfig } from '../config/config';
import { ARTIFACTS_DIR, ArtifactStore } from '../embeddings/artifact-store';
import { ModelRegistry } from '../embeddings/registry';
import { BadInputError, GiftgraphError } from '../errors/errors';
import { ErrorCode } from '../errors/codes';
import { prepareServingModel, ServingModel } from '../embeddings/serving-model';
import { createProgress } from '../logging/progress';
import { initTfBackend, requiredBackend } from '../runtime/tf-backend';
import { connectGraph } from '../graph/connect';
import { MIGRATIONS_DIR } from '../graph/migrations';
import { runMigrations } from '../graph/migrations/migration-runner';
import { consoleLogger } from '../logging/logger';
import { parseArgs, runCli } from './args';

/**
 * `npm run models -- list [--model M]`
 * `npm run models -- activate --model M --version V [--dataset D]` (an encoder: also encodes every
 *   user and item that lacks its embeddings, with a progress bar)
 * `npm run models -- rollback --model M [--dataset D]`
 * `npm run models -- status --model M [--dataset D]`
 */
runCli(async () => {
  const [command, ...rest] = process.argv.slice(2);
  const args = parseArgs(rest, { model: 'value', version: 'value', dataset: 'value' });
  const config = loadConfig(process.env);
  const logger = consoleLogger(config.logLevel, 'models');
  const store = new ArtifactStore(ARTIFACTS_DIR);
  const dataset = args.values.dataset ?? config.dataset;
  if (command === 'list') {
    for (const a of store.list(args.values.model)) {
      const m = a.manifest;
      console.log(`${a.model}/${a.version}  ${m.kind} ${m.dimension}-d ${m.similarity}  trained on "${m.dataset}"  seq ${m.seq}  ${JSON.stringify(m.metrics.headline ?? {})}`);
    }
    return;
  }
  const model = args.values.model;
  if (!model) throw new BadInputError('--model is required');
  const graph = await connectGraph(config, logger);
  try {
    await runMigrations({ graph, dir: MIGRATIONS_DIR, clock: clockFromConfig(config), logger });
    const clock = clockFromConfig(config);
    const registry = new ModelRegistry({ graph, store, clock, logger });
    // A newly active encoder serves only once every user and item carries its embeddings
    // (scores compare embeddings of one version), so activation encodes what is missing.
    const encodeMissing = async (m: string) => {
      await initTfBackend({ logger, kernels: ['UnsortedSegmentSum'], ...requiredBackend(config) });
      const state = new ServingModel();
      await prepareServingModel({ graph, dataset, store, registry, state, asOf: clock.now(), logger, progress: createProgress('encode', 1) });
      if (state.state.phase !== 'ready') throw new GiftgraphError(ErrorCode.MODEL_NOT_READY, `${m} is active but could not encode: ${state.state.phase === 'failed' ? state.state.error : state.state.phase}`);
      console.log(`every user and item of "${dataset}" now has ${m}/${state.state.version} embeddings`);
    };
    switch (command) {
      case 'activate': {
        const version = args.values.version;
        if (!version) throw new BadInputError('--version is required');
        const ref = await registry.activate(dataset, model, version);
        console.log(`active: ${model}/${version} on "${dataset}"`);
        if (ref.manifest.kind === 'sage-encoder') await encodeMissing(ref.model);
        break;
      }
      case 'rollback': {
        const ref = await registry.rollback(dataset, model);
        console.log(`rolled back: ${model}/${ref.version} is active on "${dataset}"`);
        if (ref.manifest.kind === 'sage-encoder') await encodeMissing(ref.model);
        break;
      }
      case 'status': {
        const a = await registry.active(dataset, model);
        console.log(a ? `active: ${model}/${a.version} (${a.dimension}-d ${a.similarity}) since ${new Date(a.activatedAt).toISOString()}` : `no ${model} model active on "${dataset}"`);
        break;
      }
      default:
        throw new BadInputError(`unknown command ${JSON.stringify(command)}; use list, activate, rollback or status`);
    }
  } finally {
    await graph.close();
  }
});
