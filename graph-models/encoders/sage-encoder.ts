/**
 * Inductive heterogeneous GraphSAGE encoder over sampled blocks: the serving model.
 *
 * Hamilton, Ying & Leskovec, "Inductive Representation Learning on Large Graphs",
 * NeurIPS 2017 (Algorithm 2, minibatch forward), with per-relation weights as in
 * R-GCN / PyG's `HeteroConv`. For each node type t and layer k = 1 … K:
 *
 *     h_v^0 = W_in^t x_v + b_in^t  [+ E^t[v] if v has a learned id row]
 *     h_v^k = σ_k( W_self^{k,t} h_v^{k-1} + Σ_r W_r^k · AGG_r({ h_u^{k-1} : u ∈ S_r^k(v) }) + b^{k,t} )
 *     h_v^k ← h_v^k / ‖h_v^k‖₂     (every layer when `normalizeHidden`, GraphSAGE Alg. 1 line 7;
 *                                    always on the output)
 *     z_v   = h_v^K ∈ R^d
 *
 * σ_k is `activation` for k < K and the identity for the output layer. S_r^k(v) are the
 * sampled neighbours of {@link NeighborSampler} blocks. Inductive: a node needs only its
 * features and (sampled) neighbours, so a new user or item is embedded without retraining
 * and an embedding can be refreshed when its neighbourhood changes. The optional id
 * embedding E^t (a transductive memory for nodes seen in training) is skipped for nodes
 * whose index is ≥ `idVocab`, i.e. nodes added after training.
 */
import * as tf from '@tensorflow/tfjs';
import { assertName, relationKey } from '../layers/graph-types';
import type { NodeFeatures, NodeType, RelationType } from '../layers/graph-types';
import type { SampledSubgraph } from '../layers/neighbor-sampler';
import { scaleRows } from '../layers/message-passing';
import { SAGE_ACTIVATIONS, SAGE_AGGREGATORS, SageConv } from '../layers/sage-conv';
import type { SageActivation, SageAggregator } from '../layers/sage-conv';
import { readArtifact, writeArtifact } from './artifact-io';

/** One node type as the encoder sees it. */
export interface SageEncoderNodeType {
  /** Node type name (as in the graph and the sampler). */
  readonly name: NodeType;
  /** Width of this type's input features `x: [numNodes, featureDim]`; 0 = no features (ids only). */
  readonly featureDim: number;
  /** Rows of the learned id embedding (the training graph's node count); 0 = none. */
  readonly idVocab?: number;
}

/** Configuration of {@link SageEncoder}; `getConfig()` returns it with defaults filled in. */
export interface SageEncoderConfig {
  /** Node types, in the order the encoder's weights and outputs use. */
  readonly nodeTypes: readonly SageEncoderNodeType[];
  /** Relations messages flow along (the sampler's relations). */
  readonly relations: readonly RelationType[];
  /** Width of the input projection and hidden layers; default {@link DEFAULT_HIDDEN_DIM}. */
  readonly hiddenDim?: number;
  /** Embedding width d; default {@link DEFAULT_OUT_DIM}. */
  readonly outDim?: number;
  /** Number of SAGE layers K (= the sampler's number of hops); default {@link DEFAULT_NUM_LAYERS}. */
  readonly numLayers?: number;
  /** Neighbour aggregation; default {@link DEFAULT_ENCODER_AGGREGATOR}. */
  readonly aggregator?: SageAggregator;
  /** σ of the hidden layers; default {@link DEFAULT_ENCODER_ACTIVATION}. */
  readonly activation?: SageActivation;
  /** L2-normalise hidden layers too (GraphSAGE does); default {@link DEFAULT_NORMALIZE_HIDDEN}. */
  readonly normalizeHidden?: boolean;
  /** Standard deviation of the id embeddings' initial values; default {@link DEFAULT_ID_INIT_STDDEV}. */
  readonly idInitStddev?: number;
  /** Seed of every initialiser; default {@link DEFAULT_ENCODER_SEED}. */
  readonly seed?: number;
}

export const DEFAULT_HIDDEN_DIM = 64;
export const DEFAULT_OUT_DIM = 64;
/** Two layers: GraphSAGE's K = 2 (larger K grows the sampled neighbourhood exponentially). */
export const DEFAULT_NUM_LAYERS = 2;
export const DEFAULT_ENCODER_AGGREGATOR: SageAggregator = 'mean';
export const DEFAULT_ENCODER_ACTIVATION: SageActivation = 'relu';
/** GraphSAGE Algorithm 1, line 7 normalises h^k at every depth. */
export const DEFAULT_NORMALIZE_HIDDEN = true;
/** Same as LightGCN's N(0, 0.1²) embedding initialisation. */
export const DEFAULT_ID_INIT_STDDEV = 0.1;
export const DEFAULT_ENCODER_SEED = 0;

/** `getConfig()`: every field present. */
export type ResolvedSageEncoderConfig = Required<Omit<SageEncoderConfig, 'nodeTypes' | 'relations'>> & {
  readonly nodeTypes: ReadonlyArray<Required<SageEncoderNodeType>>;
  readonly relations: readonly RelationType[];
};

/** `encode` output: `[numSeeds_t, outDim]` per node type, row i = the i-th given seed. */
export type NodeEmbeddings = Record<NodeType, tf.Tensor2D>;

export const SAGE_ENCODER_FORMAT = 'giftgraph/sage-encoder';
export const SAGE_ENCODER_FORMAT_VERSION = 1;

function resolveConfig(c: SageEncoderConfig): ResolvedSageEncoderConfig {
  const positiveInt = (what: string, v: number): number => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be a positive integer, got ${String(v)}`);
    return v;
  };
  if (c.nodeTypes.length === 0) throw new RangeError('nodeTypes must name at least one type, got []');
  const nodeTypes = c.nodeTypes.map((t) => {
    assertName('node type', t.name);
    const idVocab = t.idVocab ?? 0;
    if (!Number.isInteger(t.featureDim) || t.featureDim < 0) throw new RangeError(`nodeTypes.${t.name}.featureDim must be an integer ≥ 0, got ${String(t.featureDim)}`);
    if (!Number.isInteger(idVocab) || idVocab < 0) throw new RangeError(`nodeTypes.${t.name}.idVocab must be an integer ≥ 0, got ${String(t.idVocab)}`);
    if (t.featureDim === 0 && idVocab === 0) throw new RangeError(`node type ${t.name} has neither features nor id embeddings: it could only embed to a constant`);
    return { name: t.name, featureDim: t.featureDim, idVocab };
  });
  const aggregator = c.aggregator ?? DEFAULT_ENCODER_AGGREGATOR;
  if (!SAGE_AGGREGATORS.includes(aggregator)) throw new RangeError(`aggregator must be one of ${SAGE_AGGREGATORS.join(', ')}, got ${JSON.stringify(aggregator)}`);
  const activation = c.activation ?? DEFAULT_ENCODER_ACTIVATION;
  if (!SAGE_ACTIVATIONS.includes(activation)) throw new RangeError(`activation must be one of ${SAGE_ACTIVATIONS.join(', ')}, got ${JSON.stringify(activation)}`);
  const seed = c.seed ?? DEFAULT_ENCODER_SEED;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${String(seed)}`);
  return {
    nodeTypes,
    relations: c.relations.map((r) => ({ srcType: r.srcType, relation: r.relation, dstType: r.dstType })),
    hiddenDim: positiveInt('hiddenDim', c.hiddenDim ?? DEFAULT_HIDDEN_DIM),
    outDim: positiveInt('outDim', c.outDim ?? DEFAULT_OUT_DIM),
    numLayers: positiveInt('numLayers', c.numLayers ?? DEFAULT_NUM_LAYERS),
    aggregator,
    activation,
    normalizeHidden: c.normalizeHidden ?? DEFAULT_NORMALIZE_HIDDEN,
    idInitStddev: c.idInitStddev ?? DEFAULT_ID_INIT_STDDEV,
    seed,
  };
}

/** The name of a layer weight without the (process-unique) layer name in front. */
function localName(layer: tf.layers.Layer, w: tf.LayerVariable): string {
  const prefix = `${layer.name}/`;
  return w.originalName.startsWith(prefix) ? w.originalName.slice(prefix.length) : w.originalName;
}

/** One layer of the encoder with the stable prefix its weights are saved under. */
interface NamedLayer {
  readonly prefix: string;
  readonly layer: tf.layers.Layer;
}

/**
 * The encoder. Weights are created (seeded) in the constructor, so the first `encode`
 * allocates no variables. All tensors of a forward pass live inside one `tf.tidy`;
 * `encode` returns only the output embeddings, which the caller disposes (or use
 * {@link SageEncoder.embed} for plain arrays).
 */
export class SageEncoder {
  private readonly config: ResolvedSageEncoderConfig;
  private readonly projections = new Map<NodeType, tf.layers.Layer>();
  private readonly idEmbeddings = new Map<NodeType, tf.layers.Layer>();
  private readonly convs: SageConv[] = [];
  private readonly layers: NamedLayer[] = [];

  constructor(config: SageEncoderConfig) {
    const c = resolveConfig(config);
    this.config = c;
    const typeNames = c.nodeTypes.map((t) => t.name);
    let seed = c.seed;
    for (const t of c.nodeTypes) {
      if (t.featureDim > 0) {
        const dense = tf.layers.dense({
          units: c.hiddenDim,
          kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
          biasInitializer: 'zeros',
        });
        this.projections.set(t.name, dense);
        this.layers.push({ prefix: `proj/${t.name}`, layer: dense });
      }
      if (t.idVocab > 0) {
        const emb = tf.layers.embedding({
          inputDim: t.idVocab,
          outputDim: c.hiddenDim,
          embeddingsInitializer: tf.initializers.randomNormal({ mean: 0, stddev: c.idInitStddev, seed: seed++ }),
        });
        this.idEmbeddings.set(t.name, emb);
        this.layers.push({ prefix: `id_embedding/${t.name}`, layer: emb });
      }
    }
    for (let k = 0; k < c.numLayers; k++) {
      const last = k === c.numLayers - 1;
      const conv = new SageConv({
        nodeTypes: typeNames,
        relations: [...c.relations],
        units: last ? c.outDim : c.hiddenDim,
        aggregator: c.aggregator,
        activation: last ? 'linear' : c.activation,
        normalize: last || c.normalizeHidden,
        seed: seed,
      });
      seed += 2 * typeNames.length + 3 * c.relations.length;
      this.convs.push(conv);
      this.layers.push({ prefix: `conv${k}`, layer: conv });
    }
    this.buildWeights();
  }

  /** Runs every layer once on zero rows, which creates all weights under their layer scope. */
  private buildWeights(): void {
    const c = this.config;
    tf.tidy(() => {
      for (const t of c.nodeTypes) {
        this.projections.get(t.name)?.apply(tf.zeros([0, t.featureDim]));
        this.idEmbeddings.get(t.name)?.apply(tf.zeros([0], 'int32'));
      }
      for (const conv of this.convs) {
        const x = c.nodeTypes.map(() => tf.zeros([0, c.hiddenDim]));
        conv.apply([...x, ...x, ...c.relations.map(() => tf.zeros([2, 0], 'int32'))]);
      }
    });
  }

  /** The configuration with every default filled in (JSON-safe). */
  getConfig(): ResolvedSageEncoderConfig {
    return JSON.parse(JSON.stringify(this.config)) as ResolvedSageEncoderConfig;
  }

  /** Rebuilds an encoder (with fresh, seeded weights) from {@link SageEncoder.getConfig}. */
  static fromConfig(config: SageEncoderConfig): SageEncoder {
    return new SageEncoder(config);
  }

  /** Stable weight names, in {@link SageEncoder.getWeights} order, e.g. `proj/user/kernel`, `conv0/rel_kernel/<key>`. */
  weightNames(): string[] {
    return this.layers.flatMap(({ prefix, layer }) => layer.weights.map((w) => `${prefix}/${localName(layer, w)}`));
  }

  /**
   * The live weight values, in {@link SageEncoder.weightNames} order (TF.js `getWeights`
   * semantics: the variables themselves, not copies; do not dispose them).
   */
  getWeights(): tf.Tensor[] {
    return this.layers.flatMap(({ layer }) => layer.getWeights());
  }

  /** Assigns weights in {@link SageEncoder.getWeights} order; shapes must match. Copies the values. */
  setWeights(weights: readonly tf.Tensor[]): void {
    let offset = 0;
    const total = this.layers.reduce((n, { layer }) => n + layer.weights.length, 0);
    if (weights.length !== total) throw new RangeError(`setWeights needs ${total} tensors (${this.weightNames().join(', ')}), got ${weights.length}`);
    for (const { layer } of this.layers) {
      const n = layer.weights.length;
      layer.setWeights(weights.slice(offset, offset + n));
      offset += n;
    }
  }

  /** Trainable variables, for `optimizer.minimize(f, returnCost, varList)`. */
  trainableVariables(): tf.Variable[] {
    return this.layers.flatMap(({ layer }) => layer.trainableWeights.map((w) => w.read() as tf.Variable));
  }

  /**
   * Embeds the seeds of a sampled subgraph.
   *
   * `sample`: from a {@link NeighborSampler} with `numLayers` hops over this encoder's
   * relations. `features[t]`: the type's feature table `[numNodes_t, featureDim_t]`,
   * indexed by global node index (only the rows of `sample.blocks[0].srcNodes[t]` are
   * read; types with featureDim 0 need none).
   *
   * Returns `{ [t]: [numSeeds_t, outDim] }` for every node type (`[0, outDim]` for types
   * without seeds), row i = `sample.seeds[t][i]`, L2-normalised. The caller owns the
   * tensors; every intermediate is freed. Differentiable (use inside `optimizer.minimize`).
   */
  encode(sample: SampledSubgraph, features: Readonly<Partial<Record<NodeType, NodeFeatures>>>): NodeEmbeddings {
    const c = this.config;
    if (sample.blocks.length !== c.numLayers) {
      throw new RangeError(`the encoder has ${c.numLayers} layers but the sample has ${sample.blocks.length} blocks (sample with ${c.numLayers} fanouts)`);
    }
    for (const r of c.relations) {
      const key = relationKey(r);
      if (!sample.blocks[0]!.edges[key]) throw new RangeError(`the sample has no edges for relation ${key}; sample over the encoder's relations`);
    }
    return tf.tidy(() => {
      // Input: h^0 per type over blocks[0].srcNodes.
      let h = new Map<NodeType, tf.Tensor2D>();
      for (const t of c.nodeTypes) h.set(t.name, this.inputRepresentation(t, sample.blocks[0]!.srcNodes[t.name] ?? new Int32Array(0), features[t.name]));

      // Layers: block k reads srcNodes (= the previous output rows) and writes dstNodes.
      this.convs.forEach((conv, k) => {
        const block = sample.blocks[k]!;
        const xSrc = c.nodeTypes.map((t) => h.get(t.name)!);
        const xDst = c.nodeTypes.map((t, i) => {
          const numDst = block.dstNodes[t.name]?.length ?? 0;
          return tf.slice(xSrc[i]!, [0, 0], [numDst, -1]) as tf.Tensor2D;
        });
        const edgeIndex = c.relations.map((r) => {
          const { srcIndex, dstIndex } = block.edges[relationKey(r)]!;
          const flat = new Int32Array(2 * srcIndex.length);
          flat.set(srcIndex, 0);
          flat.set(dstIndex, srcIndex.length);
          return tf.tensor2d(flat, [2, srcIndex.length], 'int32');
        });
        const out = conv.apply([...xSrc, ...xDst, ...edgeIndex]) as tf.Tensor2D | tf.Tensor2D[];
        const list = Array.isArray(out) ? out : [out];
        h = new Map(c.nodeTypes.map((t, i) => [t.name, list[i]!]));
      });

      // Output rows are the unique seeds; hand them back in the order given.
      const result: NodeEmbeddings = {};
      for (const t of c.nodeTypes) {
        const local = sample.seedLocal[t.name] ?? new Int32Array(0);
        result[t.name] = tf.gather(h.get(t.name)!, tf.tensor1d(local, 'int32'));
      }
      return result;
    });
  }

  /** {@link SageEncoder.encode}, read back into plain arrays: `[numSeeds_t * outDim]` row-major per type. */
  async embed(sample: SampledSubgraph, features: Readonly<Partial<Record<NodeType, NodeFeatures>>>): Promise<Record<NodeType, Float32Array>> {
    const z = this.encode(sample, features);
    try {
      const out: Record<NodeType, Float32Array> = {};
      for (const [t, tensor] of Object.entries(z)) out[t] = (await tensor.data()) as Float32Array;
      return out;
    } finally {
      tf.dispose(z);
    }
  }

  /** `h^0: [ids.length, hiddenDim]` for nodes `ids` of one type. */
  private inputRepresentation(t: Required<SageEncoderNodeType>, ids: Int32Array, feats: NodeFeatures | undefined): tf.Tensor2D {
    const n = ids.length;
    let h: tf.Tensor2D = tf.zeros([n, this.config.hiddenDim]);
    const proj = this.projections.get(t.name);
    if (proj) {
      if (!feats) throw new RangeError(`features.${t.name} is missing (the encoder reads ${t.featureDim} features per ${t.name})`);
      if (feats.dim !== t.featureDim) throw new RangeError(`features.${t.name} has dim ${feats.dim}, the encoder was built for ${t.featureDim}`);
      const rows = feats.data.length / feats.dim;
      const x = new Float32Array(n * feats.dim);
      for (let i = 0; i < n; i++) {
        const g = ids[i]!;
        if (g >= rows) throw new RangeError(`features.${t.name} has ${rows} rows, node ${g} has none`);
        x.set(feats.data.subarray(g * feats.dim, (g + 1) * feats.dim), i * feats.dim);
      }
      h = proj.apply(tf.tensor2d(x, [n, feats.dim])) as tf.Tensor2D;
    }
    const emb = this.idEmbeddings.get(t.name);
    if (emb) {
      // Seen nodes (index < idVocab) add their learned row; unseen ones skip it (mask 0).
      const vocab = t.idVocab;
      const idx = new Int32Array(n);
      const seen = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        if (ids[i]! < vocab) {
          idx[i] = ids[i]!;
          seen[i] = 1;
        }
      }
      const e = emb.apply(tf.tensor1d(idx, 'int32')) as tf.Tensor2D;
      h = tf.add(h, scaleRows(e, tf.tensor1d(seen))) as tf.Tensor2D;
    }
    return h;
  }

  /**
   * Saves to `dir` (`model.json` + `weights.bin`, see artifact-io.ts) with Node's fs,
   * not TF.js's file handlers. `metadata` (manifest, data snapshot, metrics …) is stored
   * as `userDefinedMetadata`.
   */
  async save(dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
    const names = this.weightNames();
    const weights = this.getWeights().map((tensor, i) => ({ name: names[i]!, tensor }));
    await writeArtifact(dir, { format: SAGE_ENCODER_FORMAT, formatVersion: SAGE_ENCODER_FORMAT_VERSION, config: this.getConfig() }, weights, metadata);
  }

  /** Loads what {@link SageEncoder.save} wrote; weights are matched by name. */
  static async load(dir: string): Promise<{ encoder: SageEncoder; metadata: Record<string, unknown> }> {
    const art = await readArtifact<ResolvedSageEncoderConfig>(dir, SAGE_ENCODER_FORMAT, SAGE_ENCODER_FORMAT_VERSION);
    const encoder = new SageEncoder(art.config);
    try {
      const names = encoder.weightNames();
      const missing = names.filter((n) => !art.weights[n]);
      if (missing.length > 0 || names.length !== Object.keys(art.weights).length) {
        throw new Error(`${dir}: saved weights (${Object.keys(art.weights).join(', ')}) do not match the model's (${names.join(', ')})`);
      }
      encoder.setWeights(names.map((n) => art.weights[n]!));
    } catch (e) {
      encoder.dispose();
      throw e;
    } finally {
      tf.dispose(art.weights);
    }
    return { encoder, metadata: art.metadata };
  }

  /** Frees every weight. The encoder is unusable afterwards. */
  dispose(): void {
    for (const { layer } of this.layers) layer.dispose();
  }
}
