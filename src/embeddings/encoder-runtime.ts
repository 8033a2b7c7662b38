import { loadHeteroGraph } from '../features/load-graph';
import type { GraphClient } from '../graph/graph-client';
import { writeEmbeddings } from '../graph/queries/embeddings';
import type { Logger } from '../logging/logger';
import type { Progress } from '../logging/progress';
import { SageEncoder } from '../../graph-models/encoders/sage-encoder';
import { sageInputs } from '../../graph-models/training/sage-graph';
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
}

export interface EncodeResult {
  users: number;
  items: number;
  written: number;
  ms: number;
}

/**
 * Loads the active SAGE artifact and encodes nodes from their current neighbourhood in
 * the graph, then writes the embeddings back under the artifact's version (a write
 * never replaces an embedding of a newer model). The one function behind `npm start`'s
 * initial encode, the models CLI and the refresh after writes.
 */
export async function encodeAndWriteBack(o: EncodeOptions): Promise<EncodeResult> {
  const t0 = performance.now();
  const m = o.artifact.manifest;
  if (m.kind !== 'sage-encoder') throw new Error(`${m.model}/${m.version} is a ${m.kind}; only the sage encoder serves embeddings`);
  const g = await loadHeteroGraph(o.graph, o.dataset);
  const inputs = sageInputs(g, o.asOf);
  const { encoder } = await SageEncoder.load(o.artifact.dir);
  try {
    const fanouts = (m.hyperparameters.fanouts as number[] | undefined) ?? [10, 5];
    // With `only`, exactly the nodes named (a kind not named is not encoded); without it, all.
    const pick = (type: 'user' | 'item', ids: string[] | undefined): Int32Array => {
      if (!o.only) return Int32Array.from({ length: g.nodes[type].ids.length }, (_, i) => i);
      return Int32Array.from((ids ?? []).map((id) => g.nodes[type].index.get(id)).filter((i): i is number => i !== undefined));
    };
    const users = pick('user', o.only?.users);
    const items = pick('item', o.only?.items);
    o.progress?.phase('encode', users.length + items.length);
    let written = 0;
    const run = async (type: 'user' | 'item', label: 'User' | 'Item', idx: Int32Array) => {
      for (let s = 0; s < idx.length; s += 4096) {
        const chunk = idx.subarray(s, Math.min(idx.length, s + 4096));
        const vectors = embedNodes(encoder, inputs, type, fanouts, chunk);
        written += await writeEmbeddings(o.graph, { dataset: o.dataset, label, version: m.version, seq: m.seq, ids: Array.from(chunk, (i) => g.nodes[type].ids[i]!), vectors, dim: m.dimension });
        o.progress?.tick(chunk.length, label);
      }
    };
    await run('user', 'User', users);
    await run('item', 'Item', items);
    o.progress?.done();
    const r = { users: users.length, items: items.length, written, ms: performance.now() - t0 };
    o.logger.info(`encoded ${r.users} users and ${r.items} items of "${o.dataset}" with ${m.model}/${m.version}`, { written, ms: Math.round(r.ms) });
    return r;
  } finally {
    encoder.dispose();
  }
}
