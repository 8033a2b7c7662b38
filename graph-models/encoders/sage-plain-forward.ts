/**
 * The SAGE encoder's forward pass (mean aggregation) in plain typed arrays, for encoding a
 * handful of seeds: the real-time refresh after a write.
 *
 * Why: a refresh encodes one or two seeds over a sampled neighbourhood of a few hundred
 * nodes, and through TF.js that is ~150 kernel launches whose dispatch, not arithmetic,
 * is the cost. Profiled on the 100k world, TF.js took about a third of the API's CPU per
 * refresh (bench/README.md). The same arithmetic in loops over Float32Arrays does the
 * work of one seed in a fraction of that. The full encode (thousands of seeds per batch)
 * and training stay on TF.js, where batching pays.
 *
 * Same model, same numbers: the weights are read from a {@link SageEncoder} once, the
 * formulas are those of sage-encoder.ts and sage-conv.ts (input projection plus id row,
 * then per layer W_self h_v + Σ_r W_r · mean_r(h_u) + b, σ, L2), and a test holds the two
 * together to float32 rounding. Accumulation is in float64, so results can differ from
 * TF.js in the last bits, never more.
 */
import { relationKey, type NodeFeatures, type NodeType } from '../layers/graph-types';
import type { SampledSubgraph } from '../layers/neighbor-sampler';
import { LEAKY_RELU_ALPHA, type SageActivation } from '../layers/sage-conv';
import type { ResolvedSageEncoderConfig, SageEncoder } from './sage-encoder';

interface Dense {
  /** [in · out] row-major (input i, unit j at i·out + j). */
  kernel: Float32Array;
  in: number;
  out: number;
}

/** sage-conv.ts' l2NormalizeRows floor: ‖h‖ is at least 1e-12. */
const L2_EPSILON = 1e-12;

export class PlainSageForward {
  private constructor(
    private readonly config: ResolvedSageEncoderConfig,
    private readonly weights: ReadonlyMap<string, Float32Array>,
  ) {}

  /** Whether a configuration can run here (mean aggregation; attention stays on TF.js). */
  static supports(config: ResolvedSageEncoderConfig): boolean {
    return config.aggregator === 'mean';
  }

  /** Copies the encoder's current weights; later changes to the encoder are not seen. */
  static fromEncoder(encoder: SageEncoder): PlainSageForward {
    const config = encoder.getConfig();
    if (!PlainSageForward.supports(config)) throw new RangeError(`the plain forward pass runs mean aggregation only, the encoder uses ${config.aggregator}`);
    const names = encoder.weightNames();
    const values = encoder.getWeights();
    const weights = new Map(names.map((n, i) => [n, Float32Array.from(values[i]!.dataSync() as Float32Array)]));
    return new PlainSageForward(config, weights);
  }

  /**
   * The embeddings `[numSeeds_type · outDim]` (row i = `sample.seeds[type][i]`) of one
   * node type's seeds, as `SageEncoder.encode(sample, features)[type]` computes them.
   */
  encode(sample: SampledSubgraph, features: Readonly<Partial<Record<NodeType, NodeFeatures>>>, type: NodeType): Float32Array {
    const c = this.config;
    if (sample.blocks.length !== c.numLayers) {
      throw new RangeError(`the encoder has ${c.numLayers} layers but the sample has ${sample.blocks.length} blocks (sample with ${c.numLayers} fanouts)`);
    }
    let h = new Map<NodeType, Float64Array>();
    for (const t of c.nodeTypes) h.set(t.name, this.input(t, sample.blocks[0]!.srcNodes[t.name] ?? new Int32Array(0), features[t.name]));
    for (let k = 0; k < c.numLayers; k++) {
      const last = k === c.numLayers - 1;
      h = this.layer(k, sample.blocks[k]!, h, last ? c.outDim : c.hiddenDim, last ? 'linear' : c.activation, last || c.normalizeHidden);
    }
    const rows = h.get(type)!;
    const d = c.outDim;
    const local = sample.seedLocal[type] ?? new Int32Array(0);
    const out = new Float32Array(local.length * d);
    for (let i = 0; i < local.length; i++) for (let j = 0; j < d; j++) out[i * d + j] = rows[local[i]! * d + j]!;
    return out;
  }

  /** h^0 = W_in x + b_in [+ E[id] for ids below the vocabulary], rows = `ids`. */
  private input(t: ResolvedSageEncoderConfig['nodeTypes'][number], ids: Int32Array, feats: NodeFeatures | undefined): Float64Array {
    const H = this.config.hiddenDim;
    const h = new Float64Array(ids.length * H);
    if (t.featureDim > 0) {
      if (!feats) throw new RangeError(`features.${t.name} is missing (the encoder reads ${t.featureDim} features per ${t.name})`);
      if (feats.dim !== t.featureDim) throw new RangeError(`features.${t.name} has dim ${feats.dim}, the encoder was built for ${t.featureDim}`);
      const kernel = this.weight(`proj/${t.name}/kernel`);
      const bias = this.weight(`proj/${t.name}/bias`);
      const F = feats.dim;
      const rowsInTable = feats.data.length / F;
      for (let i = 0; i < ids.length; i++) {
        const g = ids[i]!;
        if (g >= rowsInTable) throw new RangeError(`features.${t.name} has ${rowsInTable} rows, node ${g} has none`);
        const o = i * H;
        for (let j = 0; j < H; j++) h[o + j] = bias[j]!;
        for (let f = 0; f < F; f++) {
          const x = feats.data[g * F + f]!;
          if (x === 0) continue;
          for (let j = 0; j < H; j++) h[o + j] += x * kernel[f * H + j]!;
        }
      }
    }
    if (t.idVocab > 0) {
      const emb = this.weight(`id_embedding/${t.name}/embeddings`);
      for (let i = 0; i < ids.length; i++) {
        if (ids[i]! >= t.idVocab) continue; // a node added after training has no id row
        for (let j = 0; j < H; j++) h[i * H + j] += emb[ids[i]! * H + j]!;
      }
    }
    return h;
  }

  /** One SageConv layer (mean): rows for `block.dstNodes` of every type. */
  private layer(k: number, block: SampledSubgraph['blocks'][number], hSrc: Map<NodeType, Float64Array>, units: number, activation: SageActivation, normalize: boolean): Map<NodeType, Float64Array> {
    const c = this.config;
    const inDim = c.hiddenDim; // every layer reads hiddenDim-wide rows: the projection's, then the hidden layers'
    const out = new Map<NodeType, Float64Array>();
    for (const t of c.nodeTypes) {
      const numDst = block.dstNodes[t.name]?.length ?? 0;
      const acc = new Float64Array(numDst * units);
      // Self term: dst rows are the first rows of the src rows.
      matMulAdd(hSrc.get(t.name)!, numDst, { kernel: this.weight(`conv${k}/self_kernel/${t.name}`), in: inDim, out: units }, acc);
      out.set(t.name, acc);
    }
    for (const r of c.relations) {
      const key = relationKey(r);
      const edges = block.edges[key];
      if (!edges) throw new RangeError(`the sample has no edges for relation ${key}; sample over the encoder's relations`);
      if (edges.srcIndex.length === 0) continue;
      const numDst = block.dstNodes[r.dstType]?.length ?? 0;
      const src = hSrc.get(r.srcType)!;
      // message → aggregate (mean over each receiver's sampled senders) → W_r.
      const mean = new Float64Array(numDst * inDim);
      const deg = new Float64Array(numDst);
      for (let e = 0; e < edges.srcIndex.length; e++) {
        const s = edges.srcIndex[e]! * inDim;
        const d = edges.dstIndex[e]!;
        deg[d]++;
        for (let j = 0; j < inDim; j++) mean[d * inDim + j] += src[s + j]!;
      }
      for (let d = 0; d < numDst; d++) {
        const inv = 1 / Math.max(1, deg[d]!);
        for (let j = 0; j < inDim; j++) mean[d * inDim + j] *= inv;
      }
      matMulAdd(mean, numDst, { kernel: this.weight(`conv${k}/rel_kernel/${key}`), in: inDim, out: units }, out.get(r.dstType)!);
    }
    for (const t of c.nodeTypes) {
      const acc = out.get(t.name)!;
      const bias = this.weights.get(`conv${k}/bias/${t.name}`);
      const n = acc.length / units;
      for (let i = 0; i < n; i++) {
        const o = i * units;
        let sq = 0;
        for (let j = 0; j < units; j++) {
          const v = activate(acc[o + j]! + (bias ? bias[j]! : 0), activation);
          acc[o + j] = v;
          sq += v * v;
        }
        if (normalize) {
          const inv = 1 / Math.sqrt(Math.max(sq, L2_EPSILON * L2_EPSILON));
          for (let j = 0; j < units; j++) acc[o + j] *= inv;
        }
      }
    }
    return out;
  }

  private weight(name: string): Float32Array {
    const w = this.weights.get(name);
    if (!w) throw new Error(`the encoder has no weight ${name}`);
    return w;
  }
}

/** out[i, :] += x[i, :] · W for the first `rows` rows of x ([rows · W.in]). */
function matMulAdd(x: Float64Array, rows: number, w: Dense, out: Float64Array): void {
  const { kernel, in: I, out: O } = w;
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < I; a++) {
      const v = x[i * I + a]!;
      if (v === 0) continue;
      const kr = a * O;
      const or = i * O;
      for (let j = 0; j < O; j++) out[or + j] += v * kernel[kr + j]!;
    }
  }
}

function activate(v: number, a: SageActivation): number {
  switch (a) {
    case 'linear': return v;
    case 'relu': return v > 0 ? v : 0;
    case 'elu': return v > 0 ? v : Math.expm1(v);
    case 'tanh': return Math.tanh(v);
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'leakyRelu': return v > 0 ? v : LEAKY_RELU_ALPHA * v;
    default: {
      const never: never = a;
      throw new RangeError(`unknown activation ${String(never)}`);
    }
  }
}
