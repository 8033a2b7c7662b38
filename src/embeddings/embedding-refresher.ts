import type { Clock } from '../clock/clock';
import { ErrorCode } from '../errors/codes';
import { GiftgraphError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import { fetchCatalogue } from '../graph/queries/subgraph';
import type { Logger } from '../logging/logger';
import { SageEncoder } from '../../graph-models/encoders/sage-encoder';
import { PlainSageForward } from '../../graph-models/encoders/sage-plain-forward';
import type { ArtifactRef } from './artifact-store';
import { assertEncoderArtifact, encodeAndWriteNodes, encoderFanouts } from './encoder-runtime';
import { KeyedQueue } from './keyed-queue';
import { neighbourhoodInputs, yieldToEventLoop } from './neighbourhood-inputs';
import type { ModelRegistry } from './registry';
import { SERVING_MODEL } from './serving-model';

/** Tunables of {@link EmbeddingRefresher}; every field has a default. */
export interface RefresherOptions {
  /**
   * Longest neighbour list fetched per node and relation; default 100. Lists up to this
   * length are complete and sample exactly as a full encode does; a longer one (a popular
   * item, a game) is sampled from `cap` of its neighbours (the first in store order:
   * reading all of a popular item's buyers is what a refresh must not do) instead of all
   * of them. Higher = closer to the full encode, more bytes.
   */
  neighbourCap?: number;
  /** How long the active artifact of a dataset is trusted before the registry is asked again; default 1,000 ms. */
  registryTtlMs?: number;
  /** How long a dataset's game and guild catalogue is cached; default 60,000 ms. */
  catalogueTtlMs?: number;
  /**
   * Elapsed-time source of the two caches (ms, monotonic); default `performance.now`. Not
   * the Clock: a pinned GIFTGRAPH_NOW must not freeze the caches (the Clock gives "as of t").
   */
  elapsedMs?: () => number;
}

export interface RefreshResult {
  /** The model version the embeddings were written under. */
  version: string;
  /** Nodes whose embedding was written (a node holding a newer model's embedding is skipped). */
  written: number;
  ms: number;
  /** Requested ids the dataset does not have (no-op for them). */
  missing: { users: string[]; items: string[] };
}

/** Most seeds of one type per call: one sampler batch of the full encode (embedNodes samples by 1,024). */
export const MAX_REFRESH_SEEDS = 1024;

interface LoadedEncoder {
  encoder: Promise<SageEncoder>;
  /**
   * The same weights as plain arrays (mean aggregation), or null (attention: TF.js). A
   * refresh encodes one or two seeds, where TF.js's per-kernel dispatch costs more than
   * the arithmetic (see graph-models/encoders/sage-plain-forward.ts).
   */
  plain: Promise<PlainSageForward | null>;
  users: number;
  retired: boolean;
}

/**
 * Re-encodes a few users and items after a write, from their fresh neighbourhood only,
 * with the active SAGE encoder, and writes them back under its version: the real-time
 * counterpart of `encodeAndWriteBack` (encoder-runtime.ts), sharing its encode-and-write
 * step. Cost depends on the seeds' neighbourhood (fanouts × neighbourCap), never on the
 * dataset's size: three read round trips (seed lists with the users' write marks, sampled
 * hop-1 lists, feature counts) plus the write, the catalogue and the registry check being cached.
 *
 * Only the seeds are re-encoded: their neighbours keep their stored embeddings (the
 * encoder reads neighbours' features, not their embeddings, so a seed's new embedding
 * does not depend on them; a purchase also changes the item's counts, so callers that
 * want the item fresh name it as a seed too).
 *
 * Concurrency: safe to call concurrently. Calls naming the same node run one after the
 * other in call order (in this process), so the last write reflects a read that started
 * after every earlier call's mutation had committed; calls on different nodes run in
 * parallel. Across API processes two refreshes of one node may interleave, and the later
 * writer wins (each wrote the embedding of a committed state; the seq guard still keeps
 * an older model version from overwriting a newer one).
 */
export class EmbeddingRefresher {
  private readonly cap: number;
  private readonly registryTtlMs: number;
  private readonly catalogueTtlMs: number;
  private readonly active = new Map<string, { ref: ArtifactRef; checkedAt: number }>();
  private readonly encoders = new Map<string, LoadedEncoder>();
  private readonly catalogues = new Map<string, { at: number; value: Promise<{ game: string[]; guild: string[] }> }>();
  private readonly queue = new KeyedQueue();
  private readonly elapsedMs: () => number;

  constructor(private readonly deps: { graph: GraphClient; registry: Pick<ModelRegistry, 'assertServable'>; clock: Clock; logger: Logger; options?: RefresherOptions }) {
    this.cap = deps.options?.neighbourCap ?? 100;
    this.registryTtlMs = deps.options?.registryTtlMs ?? 1_000;
    this.catalogueTtlMs = deps.options?.catalogueTtlMs ?? 60_000;
    this.elapsedMs = deps.options?.elapsedMs ?? (() => performance.now());
    if (!Number.isInteger(this.cap) || this.cap < 1) throw new RangeError(`neighbourCap must be a positive integer, got ${String(this.cap)}`);
  }

  /**
   * Re-encodes the named users and items (local ids) of `dataset` as of `asOf` (default the
   * clock's now; the refresh worker is handed its caller's now) and writes them back.
   * Unknown ids are a no-op, reported in `missing` (written 0).
   * Throws MODEL_NOT_READY / MODEL_NOT_FOUND / MODEL_INDEX_MISMATCH when nothing servable
   * is active (unless `artifact` is given), BAD_USER_INPUT for more than
   * {@link MAX_REFRESH_SEEDS} ids of one type.
   */
  async refresh(dataset: string, o: { users?: string[]; items?: string[]; asOf?: number }, artifact?: ArtifactRef): Promise<RefreshResult> {
    const t0 = performance.now();
    const asOf = o.asOf ?? this.deps.clock.now();
    const users = [...new Set(o.users ?? [])];
    const items = [...new Set(o.items ?? [])];
    for (const [kind, ids] of [['users', users], ['items', items]] as const) {
      if (ids.length > MAX_REFRESH_SEEDS) {
        throw new GiftgraphError(ErrorCode.BAD_USER_INPUT, `refresh takes at most ${MAX_REFRESH_SEEDS} ${kind} per call (got ${ids.length}); re-encode larger sets with encodeAndWriteBack`, { [kind]: ids.length });
      }
    }
    const ref = artifact ?? (await this.activeArtifact(dataset));
    assertEncoderArtifact(ref);
    const keys = [...users.map((u) => `${dataset}\u0000user\u0000${u}`), ...items.map((i) => `${dataset}\u0000item\u0000${i}`)];
    const loaded = this.acquire(ref);
    try {
      const encoder = await loaded.encoder;
      const plain = await loaded.plain;
      const r = await this.queue.run(keys, () => this.encodeNeighbourhood(dataset, ref, encoder, plain, users, items, asOf));
      const result: RefreshResult = { version: ref.version, written: r.written, ms: performance.now() - t0, missing: r.missing };
      this.deps.logger.debug(`refreshed ${users.length} users and ${items.length} items of "${dataset}"`, { version: ref.version, written: r.written, ms: Math.round(result.ms) });
      return result;
    } finally {
      this.release(ref.dir, loaded);
    }
  }

  /** Frees every cached encoder. Waits for nothing: call it after the last refresh. */
  async dispose(): Promise<void> {
    for (const [dir, e] of this.encoders) {
      this.encoders.delete(dir);
      (await e.encoder).dispose();
    }
  }

  private async encodeNeighbourhood(dataset: string, ref: ArtifactRef, encoder: SageEncoder, plain: PlainSageForward | null, users: string[], items: string[], asOf: number): Promise<{ written: number; missing: RefreshResult['missing'] }> {
    const { graph } = this.deps;
    // The refresh encodes the present (t = now: nothing is later), so item counts come from
    // degrees and neighbour lists are the first `cap` edges in store order. (Games' and
    // guilds' lists were cached for a minute until a measurement on the 100k world showed
    // no gain: p50 45.4 vs 47.1 ms, API CPU 15.6 vs 14.6 ms per user refresh.)
    const n = await neighbourhoodInputs(graph, { dataset, users, items, t: asOf, tIsNow: true, fanouts: encoderFanouts(ref), cap: this.cap, catalogue: await this.catalogue(dataset) });
    const common = { graph, dataset, artifact: ref, encoder, inputs: n.inputs, ...(plain ? { plain } : {}) };
    const idx = (type: 'user' | 'item') => Int32Array.from(n.seeds[type], (id) => n.graph.nodes[type].index.get(id)!);
    await yieldToEventLoop();
    // The users' write marks came with their lists: the embeddings written below reflect at
    // least every write counted in them (see writeEmbeddings' `due`).
    let written = await encodeAndWriteNodes({ ...common, type: 'user', idx: idx('user'), idOf: (i) => n.graph.nodes.user.ids[i]!, due: n.due });
    written += await encodeAndWriteNodes({ ...common, type: 'item', idx: idx('item'), idOf: (i) => n.graph.nodes.item.ids[i]! });
    return { written, missing: n.missing };
  }

  private async activeArtifact(dataset: string): Promise<ArtifactRef> {
    const now = this.elapsedMs();
    const hit = this.active.get(dataset);
    if (hit && now - hit.checkedAt < this.registryTtlMs && now >= hit.checkedAt) return hit.ref;
    const ref = await this.deps.registry.assertServable(dataset, SERVING_MODEL);
    this.active.set(dataset, { ref, checkedAt: now });
    if (hit && hit.ref.dir !== ref.dir) {
      this.deps.logger.info(`refresh of "${dataset}" now encodes with ${ref.model}/${ref.version} (was ${hit.ref.version})`);
      this.retire(hit.ref.dir);
    }
    return ref;
  }

  private catalogue(dataset: string): Promise<{ game: string[]; guild: string[] }> {
    const now = this.elapsedMs();
    const hit = this.catalogues.get(dataset);
    if (hit && now - hit.at < this.catalogueTtlMs && now >= hit.at) return hit.value;
    const value = fetchCatalogue(this.deps.graph, dataset);
    this.catalogues.set(dataset, { at: now, value });
    value.catch(() => this.catalogues.delete(dataset));
    return value;
  }

  private acquire(ref: ArtifactRef): LoadedEncoder {
    let e = this.encoders.get(ref.dir);
    if (!e || e.retired) {
      const loading = SageEncoder.load(ref.dir).then((l) => l.encoder);
      const plain = loading.then((enc) => (PlainSageForward.supports(enc.getConfig()) ? PlainSageForward.fromEncoder(enc) : null));
      plain.catch(() => undefined); // a failed load is reported through `encoder`
      e = { encoder: loading, plain, users: 0, retired: false };
      this.encoders.set(ref.dir, e);
      loading.catch(() => this.encoders.delete(ref.dir));
    }
    e.users++;
    return e;
  }

  private release(dir: string, e: LoadedEncoder): void {
    e.users--;
    if (e.retired && e.users === 0) this.free(dir, e);
  }

  /** Drops an encoder no dataset serves any more, once its in-flight refreshes are done. */
  private retire(dir: string): void {
    if ([...this.active.values()].some((a) => a.ref.dir === dir)) return;
    const e = this.encoders.get(dir);
    if (!e) return;
    e.retired = true;
    if (e.users === 0) this.free(dir, e);
  }

  private free(dir: string, e: LoadedEncoder): void {
    if (this.encoders.get(dir) === e) this.encoders.delete(dir);
    e.encoder.then((enc) => enc.dispose()).catch(() => undefined);
  }
}

