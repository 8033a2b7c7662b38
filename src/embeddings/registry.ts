import type { Clock } from '../clock/clock';
import { ErrorCode } from '../errors/codes';
import { GiftgraphError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import { ensureVectorIndex, vectorIndexes, VECTOR_INDEX, type EmbeddedLabel } from '../graph/queries/embeddings';
import { activate, activationHistory, activeModel, type Activation } from '../graph/queries/models';
import type { Logger } from '../logging/logger';
import type { ArtifactRef, ArtifactStore } from './artifact-store';

/**
 * List / activate / roll back model versions. Activation makes the vector indexes match
 * the manifest (dimension, similarity) and records the active version in the graph,
 * where every API instance reads it; `assertServable` is the startup check that refuses
 * a model whose manifest does not match the index (MODEL_INDEX_MISMATCH).
 */
export class ModelRegistry {
  constructor(private readonly deps: { graph: GraphClient; store: ArtifactStore; clock: Clock; logger: Logger }) {}

  list(model?: string): ArtifactRef[] {
    return this.deps.store.list(model);
  }

  active(dataset: string, model: string): Promise<Activation | null> {
    return activeModel(this.deps.graph, dataset, model);
  }

  history(dataset: string, model: string): Promise<Activation[]> {
    return activationHistory(this.deps.graph, dataset, model);
  }

  async activate(dataset: string, model: string, version: string): Promise<ArtifactRef> {
    const ref = this.deps.store.get(model, version);
    if (!ref) throw new GiftgraphError(ErrorCode.MODEL_NOT_FOUND, `no artifact ${model}/${version} under graph-models/artifacts`, { model, version });
    const m = ref.manifest;
    // Only the serving encoder writes embeddings; a ranking head must not touch the indexes.
    if (m.kind === 'sage-encoder') {
      for (const label of ['User', 'Item'] as EmbeddedLabel[]) {
        const r = await ensureVectorIndex(this.deps.graph, label, m.dimension, m.similarity);
        if (r !== 'kept') this.deps.logger.info(`vector index ${VECTOR_INDEX[label]} ${r} for ${m.dimension}-d ${m.similarity}`);
      }
    }
    await activate(this.deps.graph, { dataset, model, version, seq: m.seq, dimension: m.dimension, similarity: m.similarity, now: this.deps.clock.now() });
    this.deps.logger.info(`activated ${model}/${version} for dataset "${dataset}"`);
    return ref;
  }

  /** Re-activates the version that was active before the current one. */
  async rollback(dataset: string, model: string): Promise<ArtifactRef> {
    const history = await this.history(dataset, model);
    const current = history.find((a) => a.active);
    const previous = history.find((a) => !a.active && a.version !== current?.version);
    if (!current || !previous) throw new GiftgraphError(ErrorCode.MODEL_NOT_FOUND, `nothing to roll back to for ${model} on dataset "${dataset}"`, { dataset, model });
    return this.activate(dataset, model, previous.version);
  }

  /** Throws MODEL_NOT_READY when nothing is active, MODEL_INDEX_MISMATCH when the index disagrees with the manifest. */
  async assertServable(dataset: string, model: string): Promise<ArtifactRef> {
    const a = await this.active(dataset, model);
    if (!a) throw new GiftgraphError(ErrorCode.MODEL_NOT_READY, `no ${model} model is active for dataset "${dataset}"`, { dataset, model });
    const ref = this.deps.store.get(model, a.version);
    if (!ref) throw new GiftgraphError(ErrorCode.MODEL_NOT_FOUND, `the active ${model}/${a.version} has no artifact on this machine`, { model, version: a.version });
    if (ref.manifest.kind !== 'sage-encoder') return ref;
    const indexes = await vectorIndexes(this.deps.graph);
    for (const label of ['User', 'Item'] as EmbeddedLabel[]) {
      const idx = indexes.find((i) => i.name === VECTOR_INDEX[label]);
      if (!idx || idx.dimension !== ref.manifest.dimension || idx.similarity !== ref.manifest.similarity) {
        throw new GiftgraphError(
          ErrorCode.MODEL_INDEX_MISMATCH,
          `vector index ${VECTOR_INDEX[label]} is ${idx ? `${idx.dimension}-d ${idx.similarity}` : 'missing'} but ${model}/${a.version} produces ${ref.manifest.dimension}-d ${ref.manifest.similarity}`,
          { index: VECTOR_INDEX[label], model, version: a.version },
        );
      }
    }
    return ref;
  }
}
