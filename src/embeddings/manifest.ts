import { z } from 'zod';

/**
 * The manifest every trained artifact carries (graph-models/artifacts/<model>/<version>/
 * manifest.json). Serving reads it to know what it is loading: the embedding dimension
 * and similarity (which must match the Neo4j vector index), the feature schema (which
 * must match src/features), and the data it was trained on.
 */
export const manifestSchema = z.object({
  model: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/),
  version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  /** Monotonic ordering of versions (epoch ms of training end): embeddings of an older seq never overwrite a newer one. */
  seq: z.number().int().nonnegative(),
  kind: z.enum(['sage-encoder', 'lightgcn', 'head']),
  dimension: z.number().int().positive(),
  similarity: z.enum(['cosine', 'euclidean']),
  featureSchema: z.object({ version: z.number().int(), user: z.array(z.string()), item: z.array(z.string()) }),
  dataset: z.string(),
  /** sha256 of the training data as exported (see dataSnapshotHash). */
  dataSnapshot: z.string(),
  metrics: z.record(z.string(), z.unknown()),
  backend: z.string(),
  trainingMs: z.number().nonnegative(),
  seed: z.number().int(),
  createdAt: z.string(),
  commit: z.string().nullable(),
  command: z.string(),
  /** sha256 over the weight files: what the report's figures were computed with. */
  artifactHash: z.string(),
  hyperparameters: z.record(z.string(), z.unknown()),
});

export type Manifest = z.infer<typeof manifestSchema>;

export function parseManifest(raw: unknown, where: string): Manifest {
  const r = manifestSchema.safeParse(raw);
  if (!r.success) throw new Error(`invalid manifest ${where}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/**
 * The serving encoder's hyperparameter holding CART's query mix (q = ẑ_user + w·ẑ_cart),
 * chosen on validation by the training run (graph-models/evaluation/next-purchase.ts).
 */
export const CART_ITEM_WEIGHT_KEY = 'cartItemWeight';

/** CART's item weight for embeddings of this artifact: 1 (the equal mean) for one trained before the selection existed. */
export function cartItemWeightOf(m: Manifest): number {
  const w = m.hyperparameters[CART_ITEM_WEIGHT_KEY];
  return typeof w === 'number' && Number.isFinite(w) && w >= 0 ? w : 1;
}
