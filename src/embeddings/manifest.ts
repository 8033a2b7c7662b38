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
 * The serving encoder's hyperparameters that set how its embeddings are served, chosen on
 * validation by its training run: CART's query mix (q = ẑ_user + w·ẑ_cart,
 * graph-models/evaluation/next-purchase.ts) and the social lift of the personal lists
 * (score = cosine + β·ln(1 + friends who bought within the window),
 * graph-models/evaluation/social-blend.ts).
 */
export const CART_ITEM_WEIGHT_KEY = 'cartItemWeight';
export const SOCIAL_BETA_KEY = 'socialBeta';
export const SOCIAL_WINDOW_KEY = 'socialWindowDays';

export interface ServingMix {
  cartItemWeight: number;
  socialBeta: number;
  /** Friends' purchases of the last this many days count toward the lift; null: all of them. */
  socialWindowDays: number | null;
}

/** What was served before the selections existed: the equal mean of cart and user, no social lift. */
export const DEFAULT_SERVING_MIX: Readonly<ServingMix> = { cartItemWeight: 1, socialBeta: 0, socialWindowDays: null };

/** The serving mix of an artifact; DEFAULT_SERVING_MIX's values for one trained before a selection existed. */
export function servingMixOf(m: Manifest): ServingMix {
  const num = (key: string, fallback: number) => {
    const v = m.hyperparameters[key];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  const window = m.hyperparameters[SOCIAL_WINDOW_KEY];
  return {
    cartItemWeight: num(CART_ITEM_WEIGHT_KEY, DEFAULT_SERVING_MIX.cartItemWeight),
    socialBeta: num(SOCIAL_BETA_KEY, DEFAULT_SERVING_MIX.socialBeta),
    socialWindowDays: typeof window === 'number' && Number.isFinite(window) && window > 0 ? window : DEFAULT_SERVING_MIX.socialWindowDays,
  };
}
