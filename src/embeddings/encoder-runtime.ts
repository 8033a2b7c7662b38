import { graphAsOf } from '../features/hetero-graph';
import { loadHeteroGraph } from '../features/load-graph';
import type { GraphClient } from '../graph/graph-client';
import { writeEmbeddings } from '../graph/queries/embeddings';
import type { Logger } from '../logging/logger';
import type { Progress } from '../logging/progress';
import { SageEncoder } from '../../graph-models/encoders/sage-encoder';
import type { PlainSageForward } from '../../graph-models/encoders/sage-plain-forward';
import { sageInputs, type SageInputs } from '../../graph-models/training/sage-graph';
import { embedNodes } from '../../graph-models/training/sage-trainable';
import type { ArtifactRef } from './artifact-store';

export interface EncodeOptions {
  graph: GraphClient;
  dataset: string;
  artifact: ArtifactRef;
  /** Features are computed as of this time (the clock's now). */
  asOf: number;
  logger: Logger;
  progress?: Progress;
  /** Only these nodes (local ids); default every user and item of the dataset. */
  only?: { users?: string[]; items?: string[] };
  /** The artifact's encoder, already loaded (the refresher's cache); default: loaded here and freed after. */
  encoder?: SageEncoder;
}

export interface EncodeResult {
  users: number;
  items: number;
  written: number;
  ms: number;
}

/** Throws unless the artifact is the serving encoder (a ranking head writes no embeddings). */
export function assertEncoderArtifact(ref: ArtifactRef): void {
  const m = ref.manifest;
  if (m.kind !== 'sage-encoder') throw new Error(`${m.model}/${m.version} is a ${m.kind}; only the sage encoder serves embeddings`);
}

/** Neighbours sampled per hop, as the artifact was trained (manifest hyperparameters; default [10, 5]). */
export function encoderFanouts(ref: ArtifactRef): number[] {
  return (ref.manifest.hyperparameters.fanouts as number[] | undefined) ?? [10, 5];
}

/**
 * Encodes the nodes `idx` (indices into `inputs`' numbering of `type`) and writes them back
 * under the artifact's version and seq, in chunks of 4,096. The one encode-and-write step
 * of the full encode and of the neighbourhood refresh: both hand it inputs built from the
 * graph as of t; they differ only in how much of the graph those inputs hold. Returns the
 * number of nodes written (a node holding a newer model's embedding is not).
 */
export async function encodeAndWriteNodes(o: {
  graph: GraphClient;
  dataset: string;
  artifact: ArtifactRef;
  encoder: SageEncoder;
  inputs: SageInputs;
  type: 'user' | 'item';
  idx: Int32Array;
  /** Local id of the node at an index of `inputs`. */
  idOf: (i: number) => string;
  /** The encoder's plain-array forward pass, for a few seeds (the refresh); TF.js when absent. */
  plain?: PlainSageForward;
  progress?: Progress;
  /** Users' `embeddingDue` as read before their neighbourhood (a refresh): see writeEmbeddings. */
  due?: ReadonlyMap<string, number>;
}): Promise<number> {
  const m = o.artifact.manifest;
  const label = o.type === 'user' ? 'User' : 'Item';
  const fanouts = encoderFanouts(o.artifact);
  let written = 0;
  for (let s = 0; s < o.idx.length; s += 4096) {
    const chunk = o.idx.subarray(s, Math.min(o.idx.length, s + 4096));
    const vectors = embedNodes(o.encoder, o.inputs, o.type, fanouts, chunk, o.plain);
    written += await writeEmbeddings(o.graph, { dataset: o.dataset, label, version: m.version, seq: m.seq, ids: Array.from(chunk, o.idOf), vectors, dim: m.dimension, ...(o.due ? { due: o.due } : {}) });
    o.progress?.tick(chunk.length, label);
  }
  return written;
}

/**
 * Encodes nodes from the whole dataset as of `asOf` with the given SAGE artifact, then
 * writes the embeddings back under the artifact's version (a write never replaces an
 * embedding of a newer model). Behind `npm start`'s initial encode and the models CLI;
 * the per-write refresh is `EmbeddingRefresher` (embedding-refresher.ts), which builds
 * the same inputs from the seeds' neighbourhood only.
 *
 * The graph is taken as of `asOf` (edges after it dropped), as training takes it as of
 * its split point: structure and features then describe the same moment.
 */
export async function encodeAndWriteBack(o: EncodeOptions): Promise<EncodeResult> {
  const t0 = performance.now();
  assertEncoderArtifact(o.artifact);
  const m = o.artifact.manifest;
  const g = graphAsOf(await loadHeteroGraph(o.graph, o.dataset), o.asOf);
  const inputs = sageInputs(g, o.asOf);
  const encoder = o.encoder ?? (await SageEncoder.load(o.artifact.dir)).encoder;
  try {
    // With `only`, exactly the nodes named (a kind not named is not encoded); without it, all.
    const pick = (type: 'user' | 'item', ids: string[] | undefined): Int32Array => {
      if (!o.only) return Int32Array.from({ length: g.nodes[type].ids.length }, (_, i) => i);
      return Int32Array.from((ids ?? []).map((id) => g.nodes[type].index.get(id)).filter((i): i is number => i !== undefined));
    };
    const users = pick('user', o.only?.users);
    const items = pick('item', o.only?.items);
    o.progress?.phase('encode', users.length + items.length);
    const common = { graph: o.graph, dataset: o.dataset, artifact: o.artifact, encoder, inputs, ...(o.progress ? { progress: o.progress } : {}) };
    let written = await encodeAndWriteNodes({ ...common, type: 'user', idx: users, idOf: (i) => g.nodes.user.ids[i]! });
    written += await encodeAndWriteNodes({ ...common, type: 'item', idx: items, idOf: (i) => g.nodes.item.ids[i]! });
    o.progress?.done();
    const r = { users: users.length, items: items.length, written, ms: performance.now() - t0 };
    o.logger.info(`encoded ${r.users} users and ${r.items} items of "${o.dataset}" with ${m.model}/${m.version}`, { written, ms: Math.round(r.ms) });
    return r;
  } finally {
    if (!o.encoder) encoder.dispose();
  }
}
