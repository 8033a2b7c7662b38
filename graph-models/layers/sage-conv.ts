/**
 * Heterogeneous GraphSAGE convolution as a TF.js layer.
 *
 * GraphSAGE (Hamilton, Ying & Leskovec, NeurIPS 2017, Algorithm 1) with one weight per
 * relation, as PyG's `HeteroConv({r: SAGEConv})` / `to_hetero` and R-GCN (Schlichtkrull
 * et al., ESWC 2018) build it. For a receiving node v of type t:
 *
 *     h_v' = σ( W_self^t · h_v + Σ_{r ends at t} W_r · AGG_r({ h_u : u ∈ N_r(v) }) + b^t )
 *     h_v' ← h_v' / ‖h_v'‖₂                                  (if `normalize`)
 *
 * with AGG_r one of
 * - `mean`:      (1/|N_r(v)|) Σ_u h_u   (GraphSAGE-mean; W_r applied after the mean,
 *                which is the same by linearity and cheaper when E > numDst);
 * - `attention`: Σ_u α_vu · h_u with W_r folded in, i.e. the term is Σ_u α_vu W_r h_u,
 *                GAT (Veličković et al., ICLR 2018, Eqs. 1–4), one head per relation:
 *                e_vu = LeakyReLU(a_r,src · W_r h_u + a_r,dst · W_self^t h_v),
 *                α_vu = softmax_{u ∈ N_r(v)}(e_vu).
 *                The receiver's side of the score uses the self projection W_self^t h_v
 *                (source and receiver types may differ, as in PyG's bipartite GATConv
 *                with separate `lin_src` / `lin_dst`).
 * A node without neighbours along r gets 0 from that relation, so an isolated node is
 * still σ(W_self h_v + b): inductive for brand-new nodes.
 *
 * The steps are named as in PyG: message (`tf.gather`), aggregate
 * (`tf.unsortedSegmentSum`, mean or softmax-weighted), update (linear, bias, σ, L2).
 *
 * Inputs (one flat list, the order {@link SageConv.inputOrder} describes), for node
 * types T = `nodeTypes` and relations R = `relations`:
 * - `xSrc[t]: [numSrc_t, inDim_t]` float32, for each t ∈ T — sender rows;
 * - `xDst[t]: [numDst_t, inDimDst_t]` float32, for each t ∈ T — receiver rows (in a
 *   sampled block the first numDst_t rows of xSrc[t]);
 * - `edgeIndex[r]: [2, E_r]` int32, for each r ∈ R — row 0 indexes `xSrc[r.srcType]`,
 *   row 1 indexes `xDst[r.dstType]` (PyG's `edge_index`).
 * Output: one `[numDst_t, units]` tensor per t ∈ T, in `nodeTypes` order (TF.js returns
 * a single tensor rather than a list when T has one type).
 */
import * as tf from '@tensorflow/tfjs';
import { assertName, relationKey } from './graph-types';
import type { NodeType, RelationType } from './graph-types';
import { aggregateMean, aggregateSum, l2NormalizeRows, message, scaleRows, segmentSoftmax } from './message-passing';

/** `tf.layers.Layer`'s constructor arguments (name, trainable, …); TF.js does not export the type. */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Kwargs = Parameters<tf.layers.Layer['call']>[1];
type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** How neighbour representations are combined per relation. */
export type SageAggregator = 'mean' | 'attention';
/** Activations the layer applies itself (so its config stays a plain string). */
export type SageActivation = 'linear' | 'relu' | 'elu' | 'tanh' | 'sigmoid' | 'leakyRelu';
/** Kernel initialisers (TF.js's, with the layer's seed). Biases start at zero. */
export type SageInitializer = 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal';

export const SAGE_AGGREGATORS: readonly SageAggregator[] = ['mean', 'attention'];
export const SAGE_ACTIVATIONS: readonly SageActivation[] = ['linear', 'relu', 'elu', 'tanh', 'sigmoid', 'leakyRelu'];
export const SAGE_INITIALIZERS: readonly SageInitializer[] = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal'];

/** GraphSAGE-mean is the paper's default and the cheapest. */
export const DEFAULT_SAGE_AGGREGATOR: SageAggregator = 'mean';
/** Linear, so stacking code chooses σ per layer (ReLU inside, none on the output). */
export const DEFAULT_SAGE_ACTIVATION: SageActivation = 'linear';
/** Off: the encoder normalises where it wants (GraphSAGE normalises every layer). */
export const DEFAULT_SAGE_NORMALIZE = false;
export const DEFAULT_SAGE_USE_BIAS = true;
/** Glorot & Bengio (2010), as Keras' Dense and PyG's Linear default to. */
export const DEFAULT_SAGE_INITIALIZER: SageInitializer = 'glorotUniform';
/** GAT's LeakyReLU slope for attention scores (Veličković et al. 2018, §2.1). */
export const DEFAULT_ATTENTION_NEGATIVE_SLOPE = 0.2;
/** Slope of the `leakyRelu` activation (same as TF.js's `tf.leakyRelu` default). */
export const LEAKY_RELU_ALPHA = 0.2;

/** Arguments of {@link SageConv}. */
export interface SageConvArgs extends LayerArgs {
  /** Node types the layer reads and updates, in input and output order. */
  nodeTypes: NodeType[];
  /** Relations messages flow along, in input order; each names types of `nodeTypes`. */
  relations: RelationType[];
  /** Output width of every node type. */
  units: number;
  /** Neighbour aggregation per relation; default {@link DEFAULT_SAGE_AGGREGATOR}. */
  aggregator?: SageAggregator;
  /** σ applied after the sum; default {@link DEFAULT_SAGE_ACTIVATION}. */
  activation?: SageActivation;
  /** L2-normalise each output row (after σ); default {@link DEFAULT_SAGE_NORMALIZE}. */
  normalize?: boolean;
  /** Add a bias per node type; default {@link DEFAULT_SAGE_USE_BIAS}. */
  useBias?: boolean;
  /** Initialiser of the kernels and attention vectors; default {@link DEFAULT_SAGE_INITIALIZER}. */
  kernelInitializer?: SageInitializer;
  /** LeakyReLU slope of the attention scores; default {@link DEFAULT_ATTENTION_NEGATIVE_SLOPE}. */
  negativeSlope?: number;
  /** Seed of the initialisers (weight k uses seed + k); default unseeded (random). */
  seed?: number | null;
}

function checkOneOf<T extends string>(what: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new RangeError(`${what} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Escapes a node type or relation name for a layer config: `_` → `-`, a capital `X` →
 * `.x`. TF.js's LayersModel JSON passes every string value through `toSnakeCase` on save
 * and `toCamelCase` on load, which turns `rev_purchased` into `revPurchased`; escaped
 * names (lower case, no `_`) come back unchanged. Valid names never hold `-` or `.`, so
 * the escaping is a bijection.
 */
export function escapeConfigName(name: string): string {
  return name.replace(/[A-Z_]/g, (c) => (c === '_' ? '-' : `.${c.toLowerCase()}`));
}

/** Inverse of {@link escapeConfigName}. */
export function unescapeConfigName(escaped: string): string {
  return escaped.replace(/-|\.[a-z]/g, (m) => (m === '-' ? '_' : m[1]!.toUpperCase()));
}

/** Applies one of {@link SAGE_ACTIVATIONS}. */
export function applyActivation(x: tf.Tensor2D, activation: SageActivation): tf.Tensor2D {
  switch (activation) {
    case 'linear': return x;
    case 'relu': return tf.relu(x);
    case 'elu': return tf.elu(x);
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'leakyRelu': return tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    default: {
      const never: never = activation;
      throw new RangeError(`unknown activation ${String(never)}`);
    }
  }
}

function makeInitializer(kind: SageInitializer, seed: number | undefined): Initializer {
  const args = seed === undefined ? {} : { seed };
  switch (kind) {
    case 'glorotUniform': return tf.initializers.glorotUniform(args);
    case 'glorotNormal': return tf.initializers.glorotNormal(args);
    case 'heUniform': return tf.initializers.heUniform(args);
    case 'heNormal': return tf.initializers.heNormal(args);
    default: {
      const never: never = kind;
      throw new RangeError(`unknown initializer ${String(never)}`);
    }
  }
}

/** Weights of one relation. */
interface RelationWeights {
  /** `[inDim_src, units]`. */
  kernel: tf.LayerVariable;
  /** `[units, 1]`, attention only. */
  attSrc?: tf.LayerVariable;
  /** `[units, 1]`, attention only. */
  attDst?: tf.LayerVariable;
}

/**
 * Heterogeneous SAGE convolution (see the file comment for the formula and inputs).
 *
 * Weights, in `getWeights()` order: for each node type t, `self_kernel/t: [inDimDst_t,
 * units]` then (with `useBias`) `bias/t: [units]`; then for each relation r,
 * `rel_kernel/<key>: [inDim_{r.srcType}, units]` then (attention) `att_src/<key>` and
 * `att_dst/<key>`, both `[units, 1]`. `<key>` is `relationKey(r)`.
 */
export class SageConv extends tf.layers.Layer {
  static className = 'SageConv';

  readonly nodeTypes: readonly NodeType[];
  readonly relations: readonly RelationType[];
  readonly units: number;
  readonly aggregator: SageAggregator;
  readonly activation: SageActivation;
  readonly normalize: boolean;
  readonly useBias: boolean;
  readonly kernelInitializer: SageInitializer;
  readonly negativeSlope: number;
  readonly seed: number | undefined;

  private selfKernels = new Map<NodeType, tf.LayerVariable>();
  private biases = new Map<NodeType, tf.LayerVariable>();
  private relationWeights = new Map<string, RelationWeights>();

  constructor(args: SageConvArgs) {
    super(args);
    if (args.nodeTypes.length === 0) throw new RangeError('nodeTypes must name at least one type, got []');
    for (const t of args.nodeTypes) assertName('node type', t);
    if (new Set(args.nodeTypes).size !== args.nodeTypes.length) throw new RangeError(`nodeTypes must be unique, got ${args.nodeTypes.join(', ')}`);
    const keys = new Set<string>();
    for (const r of args.relations) {
      assertName('relation name', r.relation);
      const key = relationKey(r);
      if (!args.nodeTypes.includes(r.srcType) || !args.nodeTypes.includes(r.dstType)) {
        throw new RangeError(`relation ${key} names a type outside nodeTypes (${args.nodeTypes.join(', ')})`);
      }
      if (keys.has(key)) throw new RangeError(`relation ${key} is listed twice`);
      keys.add(key);
    }
    if (!Number.isInteger(args.units) || args.units < 1) throw new RangeError(`units must be a positive integer, got ${String(args.units)}`);
    this.nodeTypes = [...args.nodeTypes];
    this.relations = args.relations.map((r) => ({ srcType: r.srcType, relation: r.relation, dstType: r.dstType }));
    this.units = args.units;
    this.aggregator = checkOneOf('aggregator', args.aggregator ?? DEFAULT_SAGE_AGGREGATOR, SAGE_AGGREGATORS);
    this.activation = checkOneOf('activation', args.activation ?? DEFAULT_SAGE_ACTIVATION, SAGE_ACTIVATIONS);
    this.normalize = args.normalize ?? DEFAULT_SAGE_NORMALIZE;
    this.useBias = args.useBias ?? DEFAULT_SAGE_USE_BIAS;
    this.kernelInitializer = checkOneOf('kernelInitializer', args.kernelInitializer ?? DEFAULT_SAGE_INITIALIZER, SAGE_INITIALIZERS);
    this.negativeSlope = args.negativeSlope ?? DEFAULT_ATTENTION_NEGATIVE_SLOPE;
    this.seed = args.seed ?? undefined;
  }

  /** What each position of the input list holds, e.g. `xSrc/user`, `xDst/item`, `edgeIndex/<key>`. */
  inputOrder(): string[] {
    return [
      ...this.nodeTypes.map((t) => `xSrc/${t}`),
      ...this.nodeTypes.map((t) => `xDst/${t}`),
      ...this.relations.map((r) => `edgeIndex/${relationKey(r)}`),
    ];
  }

  private checkShapes(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const expected = 2 * this.nodeTypes.length + this.relations.length;
    // TF.js passes one Shape for a single input and Shape[] for a list (an empty list stays one).
    const shapes = (Array.isArray(inputShape[0]) || inputShape.length === 0 ? inputShape : [inputShape]) as tf.Shape[];
    if (shapes.length !== expected) {
      throw new RangeError(`${this.name} expects ${expected} inputs (${this.inputOrder().join(', ')}), got ${shapes.length}`);
    }
    shapes.forEach((s, i) => {
      const want = i < 2 * this.nodeTypes.length ? 'a [rows, features] matrix' : 'a [2, numEdges] edge index';
      if (s.length !== 2 || (i >= 2 * this.nodeTypes.length && s[0] !== 2 && s[0] !== null)) {
        throw new RangeError(`${this.name} input ${this.inputOrder()[i]} must be ${want}, got shape [${s.join(', ')}]`);
      }
    });
    return shapes;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shapes = this.checkShapes(inputShape);
    const T = this.nodeTypes.length;
    const dim = (i: number): number => {
      const d = shapes[i]![1];
      if (d === null || d === undefined) throw new RangeError(`${this.name} input ${this.inputOrder()[i]} needs a known feature width`);
      return d;
    };
    let k = 0;
    const init = (): Initializer => makeInitializer(this.kernelInitializer, this.seed === undefined ? undefined : this.seed + k++);
    this.nodeTypes.forEach((t, i) => {
      this.selfKernels.set(t, this.addWeight(`self_kernel/${t}`, [dim(T + i), this.units], 'float32', init()));
      if (this.useBias) this.biases.set(t, this.addWeight(`bias/${t}`, [this.units], 'float32', tf.initializers.zeros()));
    });
    for (const r of this.relations) {
      const key = relationKey(r);
      const w: RelationWeights = {
        kernel: this.addWeight(`rel_kernel/${key}`, [dim(this.nodeTypes.indexOf(r.srcType)), this.units], 'float32', init()),
      };
      if (this.aggregator === 'attention') {
        w.attSrc = this.addWeight(`att_src/${key}`, [this.units, 1], 'float32', init());
        w.attDst = this.addWeight(`att_dst/${key}`, [this.units, 1], 'float32', init());
      }
      this.relationWeights.set(key, w);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const shapes = this.checkShapes(inputShape);
    const T = this.nodeTypes.length;
    return this.nodeTypes.map((_, i) => [shapes[T + i]![0] ?? null, this.units]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      this.checkShapes(list.map((x) => x.shape));
      const T = this.nodeTypes.length;
      const xSrc = new Map(this.nodeTypes.map((t, i) => [t, list[i] as tf.Tensor2D]));
      const xDst = new Map(this.nodeTypes.map((t, i) => [t, list[T + i] as tf.Tensor2D]));

      // update, part 1: the self term W_self^t · h_v of every receiver.
      const selfProj = new Map(this.nodeTypes.map((t) => [t, tf.matMul(xDst.get(t)!, this.selfKernels.get(t)!.read() as tf.Tensor2D) as tf.Tensor2D]));
      const acc = new Map(selfProj);

      this.relations.forEach((r, k) => {
        const edgeIndex = list[2 * T + k]!;
        if (edgeIndex.dtype !== 'int32') throw new TypeError(`${this.name} input edgeIndex/${relationKey(r)} must be int32, got ${edgeIndex.dtype}`);
        const [srcIndex, dstIndex] = tf.unstack(edgeIndex) as [tf.Tensor1D, tf.Tensor1D];
        const numDst = xDst.get(r.dstType)!.shape[0];
        const w = this.relationWeights.get(relationKey(r))!;
        const kernel = w.kernel.read() as tf.Tensor2D;
        let term: tf.Tensor2D;
        if (this.aggregator === 'mean') {
          // message → aggregate (mean) → W_r.
          term = tf.matMul(aggregateMean(message(xSrc.get(r.srcType)!, srcIndex), dstIndex, numDst), kernel) as tf.Tensor2D;
        } else {
          // GAT: z_u = W_r h_u; e_vu = LeakyReLU(a_src·z_u + a_dst·W_self h_v); α = softmax_v.
          const z = tf.matMul(xSrc.get(r.srcType)!, kernel) as tf.Tensor2D;
          const scoreSrc = tf.matMul(z, w.attSrc!.read() as tf.Tensor2D).reshape([-1]) as tf.Tensor1D;
          const scoreDst = tf.matMul(selfProj.get(r.dstType)!, w.attDst!.read() as tf.Tensor2D).reshape([-1]) as tf.Tensor1D;
          const scores = tf.leakyRelu(tf.add(tf.gather(scoreSrc, srcIndex), tf.gather(scoreDst, dstIndex)), this.negativeSlope) as tf.Tensor1D;
          const alpha = segmentSoftmax(scores, dstIndex, numDst);
          term = aggregateSum(scaleRows(message(z, srcIndex), alpha), dstIndex, numDst);
        }
        acc.set(r.dstType, tf.add(acc.get(r.dstType)!, term) as tf.Tensor2D);
      });

      // update, part 2: bias, σ, optional L2.
      return this.nodeTypes.map((t) => {
        let h = acc.get(t)!;
        if (this.useBias) h = tf.add(h, this.biases.get(t)!.read()) as tf.Tensor2D;
        h = applyActivation(h, this.activation);
        return this.normalize ? l2NormalizeRows(h) : h;
      });
    });
  }

  /**
   * The constructor arguments, with node type and relation names escaped by
   * {@link escapeConfigName} (see there why). `fromConfig` undoes the escaping.
   */
  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      nodeTypes: this.nodeTypes.map(escapeConfigName),
      relations: this.relations.map((r) => ({
        srcType: escapeConfigName(r.srcType),
        relation: escapeConfigName(r.relation),
        dstType: escapeConfigName(r.dstType),
      })),
      units: this.units,
      aggregator: this.aggregator,
      activation: this.activation,
      normalize: this.normalize,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      negativeSlope: this.negativeSlope,
      seed: this.seed ?? null,
    };
    return { ...super.getConfig(), ...config };
  }

  /** Rebuilds a layer from {@link SageConv.getConfig} (also after a LayersModel JSON round trip). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const relations = (config['relations'] as tf.serialization.ConfigDict[]).map((r) => ({
      srcType: unescapeConfigName(r['srcType'] as string),
      relation: unescapeConfigName(r['relation'] as string),
      dstType: unescapeConfigName(r['dstType'] as string),
    }));
    const nodeTypes = (config['nodeTypes'] as string[]).map(unescapeConfigName);
    return new cls({ ...config, nodeTypes, relations });
  }
}

tf.serialization.registerClass(SageConv);
