import type { GraphClient } from '../graph/graph-client';
import { countMissingEmbeddings } from '../graph/queries/embeddings';
import type { Logger } from '../logging/logger';
import type { Progress } from '../logging/progress';
import type { ArtifactRef, ArtifactStore } from './artifact-store';
import { encodeAndWriteBack } from './encoder-runtime';
import type { ModelRegistry } from './registry';

/** The serving encoder's lifecycle, as /readyz and resolvers see it. */
export type ServingState =
  | { phase: 'loading'; detail: string }
  | { phase: 'ready'; model: string; version: string }
  | { phase: 'absent'; detail: string }
  | { phase: 'failed'; error: string; code: string };

export class ServingModel {
  state: ServingState = { phase: 'loading', detail: 'starting' };
}

export const SERVING_MODEL = 'sage';

/**
 * Makes the dataset servable: activates the newest committed SAGE artifact trained on
 * this dataset when nothing is active yet, checks the active manifest against the vector
 * indexes (MODEL_INDEX_MISMATCH), and encodes every user and item whose embedding is
 * missing or from another version, with a progress bar, before the state turns ready.
 */
export async function prepareServingModel(o: {
  graph: GraphClient;
  dataset: string;
  store: ArtifactStore;
  registry: ModelRegistry;
  state: ServingModel;
  asOf: number;
  logger: Logger;
  progress?: Progress;
}): Promise<void> {
  try {
    let active = await o.registry.active(o.dataset, SERVING_MODEL);
    if (!active) {
      const candidates = o.store.list(SERVING_MODEL).filter((a) => a.manifest.dataset === o.dataset);
      const newest = candidates.at(-1);
      if (!newest) {
        o.state.state = { phase: 'absent', detail: `no ${SERVING_MODEL} artifact trained on "${o.dataset}"; run npm run train -- --dataset ${o.dataset} --model sage` };
        o.logger.warn(o.state.state.detail);
        return;
      }
      o.state.state = { phase: 'loading', detail: `activating ${newest.model}/${newest.version}` };
      await o.registry.activate(o.dataset, SERVING_MODEL, newest.version);
      active = await o.registry.active(o.dataset, SERVING_MODEL);
    }
    const ref: ArtifactRef = await o.registry.assertServable(o.dataset, SERVING_MODEL);
    const missing = (await countMissingEmbeddings(o.graph, o.dataset, 'User', ref.version)) + (await countMissingEmbeddings(o.graph, o.dataset, 'Item', ref.version));
    if (missing > 0) {
      o.state.state = { phase: 'loading', detail: `encoding ${missing} users and items with ${ref.model}/${ref.version}` };
      o.logger.info(o.state.state.detail);
      await encodeAndWriteBack({ graph: o.graph, dataset: o.dataset, artifact: ref, asOf: o.asOf, logger: o.logger, ...(o.progress ? { progress: o.progress } : {}) });
    }
    o.state.state = { phase: 'ready', model: ref.model, version: ref.version };
  } catch (e) {
    const err = e as { message?: string; code?: string };
    o.state.state = { phase: 'failed', error: err.message ?? String(e), code: err.code ?? 'INTERNAL' };
    o.logger.error(`serving model not ready: ${o.state.state.error}`);
  }
}

/**
 * Activates the newest artifact of `model` trained on `dataset` when none is active (the
 * ranking heads at start); returns the active version, or null when there is no artifact.
 */
export async function activateNewestIfNone(o: { registry: ModelRegistry; store: ArtifactStore; dataset: string; model: string; logger: Logger }): Promise<string | null> {
  const active = await o.registry.active(o.dataset, o.model);
  if (active) return active.version;
  const newest = o.store.list(o.model).filter((a) => a.manifest.dataset === o.dataset).at(-1);
  if (!newest) {
    o.logger.warn(`no ${o.model} artifact trained on "${o.dataset}": queries that need it answer MODEL_NOT_READY (train with npm run train -- --dataset ${o.dataset} --model ${o.model})`);
    return null;
  }
  await o.registry.activate(o.dataset, o.model, newest.version);
  return newest.version;
}
