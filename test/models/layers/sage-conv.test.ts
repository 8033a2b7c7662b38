import * as tf from '@tensorflow/tfjs';
import { useCpuBackend } from './cpu-backend';
import { relationKey } from '../../../graph-models/layers/graph-types';
import { SageConv, escapeConfigName, unescapeConfigName } from '../../../graph-models/layers/sage-conv';
import type { SageConvArgs } from '../../../graph-models/layers/sage-conv';
import { FRIEND, PURCHASED, REV_PURCHASED } from './toy-graphs';

// The 4-node graph of toy-graphs.ts as layer inputs (full-graph, so xDst = xSrc):
// u0 —purchased→ i0, u0 → i1, u1 → i1; the reverse edges; u0 — friend — u1.
const X_USER = [[1, 2], [3, 4]];
const X_ITEM = [[10, 20], [30, 40]];
const EDGES: Record<string, number[][]> = {
  [relationKey(PURCHASED)]: [[0, 0, 1], [0, 1, 1]], // [src; dst]
  [relationKey(REV_PURCHASED)]: [[0, 1, 1], [0, 0, 1]],
  [relationKey(FRIEND)]: [[0, 1], [1, 0]],
};

function inputs(relations = [PURCHASED, REV_PURCHASED]): tf.Tensor[] {
  const xu = tf.tensor2d(X_USER);
  const xi = tf.tensor2d(X_ITEM);
  return [xu, xi, xu, xi, ...relations.map((r) => tf.tensor2d(EDGES[relationKey(r)]!, undefined, 'int32'))];
}

function conv(overrides: Partial<SageConvArgs> = {}): SageConv {
  return new SageConv({ nodeTypes: ['user', 'item'], relations: [PURCHASED, REV_PURCHASED], units: 2, seed: 1, ...overrides });
}

/** Known weights in getWeights order: self/user, bias/user, self/item, bias/item, rel/purchased, rel/rev_purchased. */
function knownWeights(): tf.Tensor[] {
  return [
    tf.eye(2), // W_self^user = I
    tf.tensor1d([1, 1]), // b^user
    tf.eye(2).mul(2), // W_self^item = 2I
    tf.tensor1d([0, 0]), // b^item
    tf.tensor2d([[0, 1], [1, 0]]), // W_purchased (user → item): swap
    tf.eye(2).mul(0.5), // W_rev_purchased (item → user): halve
  ];
}

const run = (layer: SageConv, xs: tf.Tensor[]): number[][][] =>
  tf.tidy(() => (layer.apply(xs) as tf.Tensor[]).map((t) => t.arraySync() as number[][]));

beforeAll(useCpuBackend);

describe('SageConv (heterogeneous GraphSAGE layer)', () => {
  it('gives [numDst_t, units] per node type on the 4-node graph, also with an empty type and no edges', () => {
    for (const aggregator of ['mean', 'attention'] as const) {
      const layer = conv({ aggregator, units: 3, relations: [PURCHASED, REV_PURCHASED, FRIEND] });
      const out = layer.apply(inputs([PURCHASED, REV_PURCHASED, FRIEND])) as tf.Tensor[];
      expect(out.map((t) => t.shape)).toEqual([[2, 3], [2, 3]]);
      expect(layer.computeOutputShape([[2, 2], [2, 2], [2, 2], [2, 2], [2, 3], [2, 3], [2, 2]])).toEqual([[2, 3], [2, 3]]);
      // No item receivers and no edges at all.
      const empty = layer.apply([
        tf.tensor2d(X_USER), tf.zeros([0, 2]), tf.tensor2d(X_USER), tf.zeros([0, 2]),
        tf.zeros([2, 0], 'int32'), tf.zeros([2, 0], 'int32'), tf.zeros([2, 0], 'int32'),
      ]) as tf.Tensor[];
      expect(empty.map((t) => t.shape)).toEqual([[2, 3], [0, 3]]);
      tf.dispose([...out, ...empty]);
      layer.dispose();
    }
  });

  it('computes one mean-aggregation step by hand', () => {
    const layer = conv();
    layer.apply(inputs()); // build
    layer.setWeights(knownWeights());
    // u0: self [1,2] + ½·mean([10,20],[30,40]) = [1,2]+[10,15] = [11,17], + b [1,1] → [12,18]
    // u1: self [3,4] + ½·[30,40] = [18,24] + 1 → [19,25]
    // i0: 2·[10,20] + swap([1,2]) = [20,40]+[2,1] → [22,41]
    // i1: 2·[30,40] + swap(mean([1,2],[3,4])) = [60,80]+[3,2] → [63,82]
    const [user, item] = run(layer, inputs());
    expect(user).toEqual([[12, 18], [19, 25]]);
    expect(item).toEqual([[22, 41], [63, 82]]);

    // The same step with ReLU and L2 normalisation of the output rows.
    const normed = conv({ activation: 'relu', normalize: true });
    normed.apply(inputs());
    normed.setWeights(knownWeights());
    const [nUser] = run(normed, inputs());
    const n0 = Math.hypot(12, 18);
    expect(nUser![0]![0]).toBeCloseTo(12 / n0, 6);
    expect(nUser![0]![1]).toBeCloseTo(18 / n0, 6);
    layer.dispose();
    normed.dispose();
  });

  it('gives a node without neighbours σ(W_self h + b) only', () => {
    const layer = conv({ activation: 'relu' });
    layer.apply(inputs());
    layer.setWeights(knownWeights());
    const noEdges = [tf.tensor2d(X_USER), tf.tensor2d(X_ITEM), tf.tensor2d(X_USER), tf.tensor2d(X_ITEM), tf.zeros([2, 0], 'int32'), tf.zeros([2, 0], 'int32')];
    const [user, item] = run(layer, noEdges);
    expect(user).toEqual([[2, 3], [4, 5]]);
    expect(item).toEqual([[20, 40], [60, 80]]);
    layer.dispose();
  });

  it('computes GAT attention per relation (α = 1 for a single neighbour, softmax otherwise)', () => {
    const layer = conv({ aggregator: 'attention', useBias: false });
    layer.apply(inputs());
    // Weights: self/user, self/item, rel/purchased, att_src, att_dst, rel/rev, att_src, att_dst.
    const attSrc = [[0.1], [-0.2]];
    const attDst = [[0.05], [0.3]];
    layer.setWeights([
      tf.eye(2), tf.eye(2).mul(2),
      tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d(attSrc), tf.tensor2d(attDst),
      tf.eye(2).mul(0.5), tf.tensor2d(attSrc), tf.tensor2d(attDst),
    ]);
    const [user, item] = run(layer, inputs());
    // Reference in plain numbers. z = W_r x_src; e = LeakyReLU_0.2(a_src·z_u + a_dst·(W_self x_v)).
    const dot = (a: number[], b: number[][]): number => a[0]! * b[0]![0]! + a[1]! * b[1]![0]!;
    const leaky = (x: number): number => (x > 0 ? x : 0.2 * x);
    const attend = (self: number[], zs: number[][]): number[] => {
      const e = zs.map((z) => leaky(dot(z, attSrc) + dot(self, attDst)));
      const m = Math.max(...e);
      const w = e.map((x) => Math.exp(x - m));
      const sum = w.reduce((a, b) => a + b, 0);
      return [0, 1].map((k) => self[k]! + zs.reduce((acc, z, j) => acc + (w[j]! / sum) * z[k]!, 0));
    };
    const half = (x: number[]): number[] => x.map((v) => v / 2);
    const swap = (x: number[]): number[] => [x[1]!, x[0]!];
    const expectClose = (got: number[][], want: number[][]): void =>
      got.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(want[i]![k]!, 4)));
    expectClose(user!, [attend([1, 2], [half([10, 20]), half([30, 40])]), attend([3, 4], [half([30, 40])])]);
    expectClose(item!, [attend([20, 40], [swap([1, 2])]), attend([60, 80], [swap([1, 2]), swap([3, 4])])]);
    // u1 has one neighbour: its term is exactly W_r h_i1.
    expect(user![1]).toEqual([3 + 15, 4 + 20]);
    layer.dispose();
  });

  it('has gradients that match finite differences (attention path)', () => {
    const layer = conv({ aggregator: 'attention', activation: 'tanh', seed: 5 });
    const xs = inputs().map((x) => (x.dtype === 'float32' ? x.div(20) : x));
    layer.apply(xs);
    // A loss linear in the outputs with fixed, uneven coefficients, so every weight matters.
    const coeff = [tf.tensor2d([[1, -2], [0.5, 3]]), tf.tensor2d([[-1, 1.5], [2, -0.5]])];
    const loss = (): tf.Scalar => tf.tidy(() => tf.addN((layer.apply(xs) as tf.Tensor[]).map((t, i) => t.mul(coeff[i]!).sum())) as tf.Scalar);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(loss, vars);
    const h = 1e-2;
    let largest = 0;
    for (const v of vars) {
      const g = grads[v.name]!.dataSync();
      const base = v.dataSync().slice();
      for (let idx = 0; idx < base.length; idx++) {
        const at = (delta: number): number => {
          const copy = base.slice();
          copy[idx]! += delta;
          v.assign(tf.tensor(copy, v.shape));
          return tf.tidy(() => loss().dataSync()[0]!);
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(base, v.shape));
        expect(Math.abs(g[idx]! - numeric)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
        largest = Math.max(largest, Math.abs(g[idx]!));
      }
      // a_src gets a gradient (α is not constant). a_dst may not: the receiver's term is
      // shared by all its edges and cancels in the softmax except across LeakyReLU's kink
      // (GAT's "static attention", Brody et al., ICLR 2022).
      if (v.name.includes('att_src')) expect(Math.max(...Array.from(g, Math.abs))).toBeGreaterThan(1e-3);
    }
    expect(largest).toBeGreaterThan(0.1);
    tf.dispose([grads, coeff]);
    layer.dispose();
  });

  it('round-trips getConfig → fromConfig with identical outputs, and is registered', () => {
    for (const aggregator of ['mean', 'attention'] as const) {
      const layer = conv({ aggregator, activation: 'relu', normalize: true, relations: [PURCHASED, REV_PURCHASED, FRIEND] });
      const xs = inputs([PURCHASED, REV_PURCHASED, FRIEND]);
      const before = run(layer, xs);
      const config = layer.getConfig();
      expect(JSON.parse(JSON.stringify(config))).toEqual(config);
      const registered = tf.serialization.SerializationMap.getMap().classNameMap['SageConv']!;
      const copy = registered[1](registered[0], config) as SageConv;
      expect(copy).toBeInstanceOf(SageConv);
      expect(copy.relations).toEqual([PURCHASED, REV_PURCHASED, FRIEND]);
      copy.apply(xs);
      copy.setWeights(layer.getWeights());
      expect(run(copy, xs)).toEqual(before);
      layer.dispose();
      copy.dispose();
    }
  });

  it('survives a LayersModel JSON save/load (snake_case relation names included)', async () => {
    const layer = conv({ aggregator: 'attention' });
    const symbolic = [tf.input({ shape: [2] }), tf.input({ shape: [2] }), tf.input({ shape: [2] }), tf.input({ shape: [2] }),
      tf.input({ batchShape: [2, null], dtype: 'int32' }), tf.input({ batchShape: [2, null], dtype: 'int32' })];
    const model = tf.model({ inputs: symbolic, outputs: layer.apply(symbolic) as tf.SymbolicTensor[] });
    const xs = inputs();
    const before = tf.tidy(() => (model.predict(xs) as tf.Tensor[]).map((t) => t.arraySync()));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(tf.tidy(() => (loaded.predict(xs) as tf.Tensor[]).map((t) => t.arraySync()))).toEqual(before);
    model.dispose();
    loaded.dispose();
  });

  it('escapes names so that TF.js case conversion leaves them intact', () => {
    for (const name of ['user', 'rev_purchased', 'memberOf', 'a_b_c', 'guild2_x', 'X']) {
      expect(unescapeConfigName(escapeConfigName(name))).toBe(name);
      expect(escapeConfigName(name)).toMatch(/^[a-z0-9.-]+$/);
    }
  });

  it('leaks no tensors per call once built', () => {
    const layer = conv({ aggregator: 'attention', normalize: true });
    const xs = inputs();
    tf.dispose(layer.apply(xs) as tf.Tensor[]);
    const before = tf.memory().numTensors;
    tf.dispose(layer.apply(xs) as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
    layer.dispose();
  });

  it('rejects inputs that do not fit, naming what it expected', () => {
    const layer = conv();
    expect(() => layer.apply(inputs().slice(0, 5))).toThrow(/expects 6 inputs \(xSrc\/user, xSrc\/item, xDst\/user, xDst\/item, edgeIndex\/user__purchased__item, edgeIndex\/item__rev_purchased__user\), got 5/);
    expect(() => conv({ relations: [{ srcType: 'user', relation: 'member_of', dstType: 'guild' }] })).toThrow(/guild/);
    expect(() => conv({ units: 0 })).toThrow(/units/);
  });
});
