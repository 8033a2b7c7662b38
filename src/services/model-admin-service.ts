import { BadInputError } from '../errors/errors';
import type { ArtifactRef } from '../embeddings/artifact-store';
import type { ModelRegistry } from '../embeddings/registry';

export interface ModelVersionInfo {
  model: string;
  version: string;
  kind: string;
  trainedOn: string;
  createdAt: string;
  /** The artifact's headline test metrics (as in its report). */
  headline: Record<string, unknown>;
  active: boolean;
}

/**
 * Model versions for internal tools: list what is on disk with which one is active for a
 * dataset, activate or roll back a ranking head. Encoders are switched with
 * `npm run models -- activate`, which re-encodes every user and item first (minutes on a
 * large graph, too long for a request).
 */
export class ModelAdminService {
  constructor(private readonly deps: { registry: ModelRegistry }) {}

  async list(dataset: string, model?: string | null): Promise<ModelVersionInfo[]> {
    const refs = this.deps.registry.list(model ?? undefined);
    const active = new Map<string, string | null>();
    for (const m of new Set(refs.map((r) => r.model))) active.set(m, (await this.deps.registry.active(dataset, m))?.version ?? null);
    return refs.map((r) => info(r, active.get(r.model) === r.version));
  }

  async activate(dataset: string, model: string, version: string): Promise<ModelVersionInfo> {
    const ref = this.deps.registry.list(model).find((r) => r.version === version);
    if (ref && ref.manifest.kind !== 'head') throw new BadInputError(`${model} is an encoder: activate it with npm run models -- activate (it re-encodes the graph first)`, { model });
    return info(await this.deps.registry.activate(dataset, model, version), true);
  }

  async rollback(dataset: string, model: string): Promise<ModelVersionInfo> {
    const history = await this.deps.registry.history(dataset, model);
    const previous = history.find((a) => !a.active);
    const ref = previous ? this.deps.registry.list(model).find((r) => r.version === previous.version) : undefined;
    if (ref && ref.manifest.kind !== 'head') throw new BadInputError(`${model} is an encoder: roll it back with npm run models -- rollback`, { model });
    return info(await this.deps.registry.rollback(dataset, model), true);
  }
}

function info(r: ArtifactRef, active: boolean): ModelVersionInfo {
  const headline = (r.manifest.metrics.headline ?? {}) as Record<string, unknown>;
  return { model: r.model, version: r.version, kind: r.manifest.kind, trainedOn: r.manifest.dataset, createdAt: r.manifest.createdAt, headline, active };
}
