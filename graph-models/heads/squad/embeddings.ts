/**
 * Embeddings as of t for the squad head's features: the serving SAGE encoder applied to
 * the graph as of t (edges after t dropped, node features as of t), exactly as serving's
 * full encode does (src/embeddings/encoder-runtime.ts), so no event after t reaches a
 * cosine. The encoder is inductive: the same artifact embeds any world of the same schema.
 */
import { graphAsOf, type HeteroGraph } from '../../../src/features/hetero-graph';
import type { SageEncoder } from '../../encoders/sage-encoder';
import { sageInputs } from '../../training/sage-graph';
import { embedNodes } from '../../training/sage-trainable';
import type { Embeddings } from './run';

export function sageEmbedder(encoder: SageEncoder, g: HeteroGraph, fanouts: number[]): (t: number) => Embeddings {
  return (t) => {
    const inputs = sageInputs(graphAsOf(g, t), t);
    return { users: embedNodes(encoder, inputs, 'user', fanouts), items: embedNodes(encoder, inputs, 'item', fanouts), dim: encoder.getConfig().outDim };
  };
}
