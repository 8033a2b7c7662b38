import * as tf from '@tensorflow/tfjs';
import { SageEncoder } from '../encoders/sage-encoder';
import type { PlainSageForward } from '../encoders/sage-plain-forward';
import { dotProductScorer } from '../evaluation/embedding-scorer';
import type { Csr } from '../evaluation/interactions';
import { evaluateRanking } from '../evaluation/ranking-metrics';
import type { HeteroCsrGraph } from '../layers/graph-types';
import { NeighborSampler } from '../layers/neighbor-sampler';
import { SeededRandom } from '../layers/seeded-random';
import { trainableState } from './trainable-state';
import type { Trainable } from './fit-loop';
import { ITEM_DIM, SAGE_RELATIONS, USER_DIM, type SageInputs } from './sage-graph';

export interface SageTrainOptions {
  hiddenDim: number;
  outDim: number;
  /** Neighbours sampled per hop, nearest hop first (GraphSAGE's S_1, S_2). */
  fanouts: number[];
  batchSize: number;
  lr: number;
  /** Softmax temperature τ of the in-batch objectives. */
  temperature: number;
  /** Weight of the user–user friendship objective beside user→item purchase. */
  friendWeight: number;
  /** Weight of the user→user gift objective (0 or absent: not trained). */
  giftWeight?: number;
  /** Training-period gifts as user indices (sender → recipient). */
  gifts?: { senders: Int32Array; recipients: Int32Array };
  seed: number;
  validK: number;
  checkpointDir: string | null;
  runOptions: Record<string, unknown>;
}

/** Seed of the inference sampler: embeddings written back are a pure function of the graph and the weights. */
export const INFERENCE_SAMPLE_SEED = 20_171_116;

const inferenceSamplers = new WeakMap<HeteroCsrGraph, Map<string, NeighborSampler>>();

/**
 * The inference sampler of a graph and fanouts, built once per graph object. Building one
 * validates the graph and transposes every relation (O(edges)); embedding users and then
 * items of one graph built it twice, and a refresh four times (with the hop walk in
 * neighbourhood-inputs.ts). Safe to share: every inference sample passes its own seed, so
 * the sampler's own stream is never read. Graphs are not mutated after they are built.
 * The sampler (its transposed relations: 4 bytes per edge and a few per node) lives as
 * long as its graph does.
 */
export function inferenceSampler(graph: HeteroCsrGraph, fanouts: readonly number[]): NeighborSampler {
  let byFanouts = inferenceSamplers.get(graph);
  if (!byFanouts) inferenceSamplers.set(graph, (byFanouts = new Map()));
  const key = fanouts.join(',');
  let sampler = byFanouts.get(key);
  if (!sampler) byFanouts.set(key, (sampler = new NeighborSampler(graph, { fanouts, seed: INFERENCE_SAMPLE_SEED })));
  return sampler;
}

/**
 * Embeds every node of a type (`[n * outDim]` row-major) over the given graph and
 * features, with a fixed sampling seed per batch of 1,024: the same graph and weights
 * always give the same embeddings. Serving's full encode and training's validation
 * share it. With `plain` (the refresh's few seeds) the forward pass runs in plain arrays
 * instead of TF.js: same sample, same numbers to float32 rounding.
 */
export function embedNodes(encoder: SageEncoder, inputs: SageInputs, type: 'user' | 'item', fanouts: number[], seeds?: Int32Array, plain?: PlainSageForward): Float32Array {
  const sampler = inferenceSampler(inputs.graph, fanouts);
  const all = seeds ?? Int32Array.from({ length: inputs.graph.numNodes[type]! }, (_, k) => k);
  const d = encoder.getConfig().outDim;
  const out = new Float32Array(all.length * d);
  for (let start = 0; start < all.length; start += 1024) {
    const chunk = all.subarray(start, Math.min(all.length, start + 1024));
    const sub = sampler.sample({ [type]: chunk }, { seed: INFERENCE_SAMPLE_SEED + start });
    if (plain) {
      out.set(plain.encode(sub, inputs.features, type), start * d);
      continue;
    }
    const z = tf.tidy(() => encoder.encode(sub, inputs.features)[type]!);
    out.set(z.dataSync() as Float32Array, start * d);
    z.dispose();
  }
  return out;
}

/**
 * The inductive encoder trained with multi-task link objectives (Hamilton et al. 2017;
 * the sampled-softmax form of Yi et al., RecSys 2019):
 *   purchase:   in-batch softmax over the batch's items, logits z_u·z_i/τ − log q_i, where
 *               q_i is item i's share of training purchases (logQ correction: popular items
 *               appear as in-batch negatives more often than uniform sampling would put them);
 *   friendship: in-batch softmax over the batch's friends, z_a·z_b/τ;
 *   gift:       in-batch softmax over the batch's gift recipients, z_sender·z_recipient/τ
 *               (who gifts whom: closer than friendship alone).
 * No id embeddings for users and items: every user and item embedding comes from features
 * and neighbours, so a brand-new one is embedded like any other (games and guilds, fixed
 * catalogues, keep learned ids).
 */
export function sageTrainable(inputs: SageInputs, train: Csr, valid: Csr, o: SageTrainOptions) {
  const { numNodes } = inputs.graph;
  const encoder = new SageEncoder({
    nodeTypes: [
      { name: 'user', featureDim: USER_DIM },
      { name: 'item', featureDim: ITEM_DIM },
      { name: 'game', featureDim: 1, idVocab: numNodes.game! },
      { name: 'guild', featureDim: 1, idVocab: numNodes.guild! },
    ],
    relations: SAGE_RELATIONS,
    hiddenDim: o.hiddenDim,
    outDim: o.outDim,
    numLayers: o.fanouts.length,
    seed: o.seed,
  });
  const sampler = new NeighborSampler(inputs.graph, { fanouts: o.fanouts, seed: o.seed });
  const optimizer = tf.train.adam(o.lr);
  const pairsU: number[] = [];
  const pairsI: number[] = [];
  for (let u = 0; u < train.numUsers; u++) for (let e = train.offsets[u]!; e < train.offsets[u + 1]!; e++) {
    pairsU.push(u);
    pairsI.push(train.items[e]!);
  }
  const counts = new Float64Array(train.numItems);
  for (const i of pairsI) counts[i]!++;
  const logQ = Float32Array.from(counts, (c) => Math.log((c + 1) / (pairsI.length + train.numItems)));
  const friends = inputs.graph.relations.find((r) => r.relation === 'friend')!;
  const friendSrc = new Int32Array(friends.targets.length);
  for (let s = 0; s + 1 < friends.offsets.length; s++) friendSrc.fill(s, friends.offsets[s]!, friends.offsets[s + 1]!);
  const B = o.batchSize;
  const F = friends.targets.length ? Math.floor(B / 2) : 0;
  const gifts = o.gifts && o.giftWeight ? o.gifts : null;
  const G = gifts && gifts.senders.length > 1 ? Math.min(Math.floor(B / 4), gifts.senders.length) : 0;
  let rng = new SeededRandom(o.seed);
  let rngEpoch = 0;

  const embedAll = (type: 'user' | 'item'): Float32Array => embedNodes(encoder, inputs, type, o.fanouts);

  const trainable: Trainable = {
    stepsPerEpoch: Math.max(1, Math.ceil(pairsU.length / B)),
    examplesPerStep: B + F + G,
    step(epoch) {
      if (epoch !== rngEpoch) {
        rng = new SeededRandom(o.seed + epoch * 7919);
        rngEpoch = epoch;
      }
      const pick = Array.from({ length: B }, () => rng.nextInt(pairsU.length));
      const users = Int32Array.from(pick, (k) => pairsU[k]!);
      const items = Int32Array.from(pick, (k) => pairsI[k]!);
      const fe = Array.from({ length: F }, () => rng.nextInt(friends.targets.length));
      const ge = Array.from({ length: G }, () => rng.nextInt(gifts ? gifts.senders.length : 1));
      const seedsUser = new Int32Array(B + 2 * F + 2 * G);
      seedsUser.set(users);
      fe.forEach((e, k) => {
        seedsUser[B + k] = friendSrc[e]!;
        seedsUser[B + F + k] = friends.targets[e]!;
      });
      ge.forEach((e, k) => {
        seedsUser[B + 2 * F + k] = gifts!.senders[e]!;
        seedsUser[B + 2 * F + G + k] = gifts!.recipients[e]!;
      });
      const sub = sampler.sample({ user: seedsUser, item: items }, { seed: o.seed * 1_000_003 + epoch * 100_003 + rng.nextInt(1 << 30) });
      const lq = tf.tensor1d(Float32Array.from(items, (i) => logQ[i]!));
      const cost = optimizer.minimize(() => {
        const z = encoder.encode(sub, inputs.features);
        const zu = z.user!.slice([0, 0], [B, -1]);
        const logits = tf.sub(tf.div(tf.matMul(zu, z.item!, false, true), o.temperature), lq.reshape([1, B]));
        let loss = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.range(0, B, 1, 'int32'), B), logits) as tf.Scalar;
        if (F > 0) {
          const za = z.user!.slice([B, 0], [F, -1]);
          const zb = z.user!.slice([B + F, 0], [F, -1]);
          const fl = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.range(0, F, 1, 'int32'), F), tf.div(tf.matMul(za, zb, false, true), o.temperature));
          loss = tf.add(loss, tf.mul(fl, o.friendWeight)) as tf.Scalar;
        }
        if (G > 0) {
          const zs = z.user!.slice([B + 2 * F, 0], [G, -1]);
          const zr = z.user!.slice([B + 2 * F + G, 0], [G, -1]);
          const gl = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.range(0, G, 1, 'int32'), G), tf.div(tf.matMul(zs, zr, false, true), o.temperature));
          loss = tf.add(loss, tf.mul(gl, o.giftWeight!)) as tf.Scalar;
        }
        return loss;
      }, true, encoder.trainableVariables());
      lq.dispose();
      const v = cost!.dataSync()[0]!;
      cost!.dispose();
      return v;
    },
    validate() {
      const scorer = dotProductScorer(embedAll('user'), embedAll('item'), o.outDim);
      return evaluateRanking({ train, test: valid, scorer, ks: [o.validK] }).recall[o.validK]!;
    },
    ...trainableState(encoder, optimizer, o),
  };
  return {
    trainable,
    encoder,
    embedAll,
    dispose: () => {
      optimizer.dispose();
      encoder.dispose();
    },
  };
}
