/**
 * The squad-detection job: read a dataset's friend graph, find friend groups, replace the
 * dataset's DETECTED squads. An orchestration step, so (unlike label-propagation.ts) it
 * imports the graph layer; the algorithm itself stays pure.
 */
import type { Clock } from '../clock/clock';
import { BadInputError, NotFoundError } from '../errors/errors';
import type { GraphClient } from '../graph/graph-client';
import { readFriendGraph } from '../graph/queries/friend-graph';
import { replaceDetectedSquads, type DetectedSquad } from '../graph/queries/squad-writes';
import { DATASETS } from '../graph/queries/stats';
import type { Logger } from '../logging/logger';
import { propagateLabels, squadsFromCommunities } from './label-propagation';

export interface DetectSquadsOptions {
  graph: Pick<GraphClient, 'query' | 'write'>;
  dataset: string;
  /** `createdAt` of the new squads and `since` of their links. */
  clock: Clock;
  logger: Logger;
  /** Any safe integer; same dataset contents + same seed = same squads. Default 0. */
  seed?: number;
  /** Import run stamped on the new squads; default null (detected outside any import). */
  importRun?: string | null;
  /** Weigh friendships by interaction days (see readFriendGraph). Default true. */
  weights?: boolean;
  /** Squad size bounds; defaults 3 and 12 (label-propagation.ts). */
  minSize?: number;
  maxSize?: number;
}

export interface DetectSquadsResult {
  /** Squads written. */
  squads: number;
  /** Users in some squad (squads are disjoint, so also the number of IN_SQUAD links). */
  members: number;
  /** Communities label propagation found, before splitting and trimming. */
  communities: number;
  /** Squad size -> how many squads have it. */
  sizes: Record<number, number>;
  users: number;
  friendships: number;
  /** DETECTED squads the run replaced. */
  replaced: number;
  /** Wall time of the whole job (read, detect, write). */
  ms: number;
}

export const DEFAULT_DETECT_SEED = 0;

/**
 * Replaces `dataset`'s DETECTED squads with the friend groups found in its current
 * friendships (EXPLICIT squads are left alone). Squad ids are `ds0, ds1, …` in order of
 * each squad's smallest member (user ids sorted), so a re-run on unchanged data with the
 * same seed writes the same squads under the same ids. Throws NOT_FOUND for an unknown
 * dataset and BAD_USER_INPUT for one that is still loading.
 */
export async function detectSquads(o: DetectSquadsOptions): Promise<DetectSquadsResult> {
  const t0 = performance.now();
  const seed = o.seed ?? DEFAULT_DETECT_SEED;
  const datasets = await o.graph.query(DATASETS.cypher);
  const meta = datasets.find((d) => d.id === o.dataset);
  if (!meta) throw new NotFoundError('dataset', o.dataset);
  if (meta.status !== 'READY') {
    throw new BadInputError(`dataset "${o.dataset}" is ${String(meta.status)}; detect squads once its load has finished`, { dataset: o.dataset, status: meta.status });
  }

  const fg = await readFriendGraph(o.graph, { dataset: o.dataset, weights: o.weights ?? true });
  const t1 = performance.now();
  o.logger.info(`read friend graph of "${o.dataset}"`, { users: fg.ids.length, friendships: fg.edges, ms: Math.round(t1 - t0) });

  const lp = propagateLabels(fg, { seed });
  const found = squadsFromCommunities(fg, lp.labels, {
    seed,
    ...(o.minSize !== undefined ? { minSize: o.minSize } : {}),
    ...(o.maxSize !== undefined ? { maxSize: o.maxSize } : {}),
  });
  const t2 = performance.now();
  o.logger.info('detected squads', { communities: lp.communities, iterations: lp.iterations, converged: lp.converged, squads: found.length, ms: Math.round(t2 - t1) });

  const squads: DetectedSquad[] = found.map((members, n) => ({
    id: `ds${n}`,
    name: `Detected squad ${n}`,
    memberIds: Array.from(members, (i) => fg.ids[i]!),
  }));
  const written = await replaceDetectedSquads(o.graph, { dataset: o.dataset, squads, now: o.clock.now(), importRun: o.importRun ?? null });
  const t3 = performance.now();
  o.logger.info('wrote detected squads', { replaced: written.deleted, created: written.created, links: written.links, ms: Math.round(t3 - t2) });

  const sizes: Record<number, number> = {};
  let members = 0;
  for (const s of found) {
    sizes[s.length] = (sizes[s.length] ?? 0) + 1;
    members += s.length;
  }
  return {
    squads: found.length,
    members,
    communities: lp.communities,
    sizes,
    users: fg.ids.length,
    friendships: fg.edges,
    replaced: written.deleted,
    ms: t3 - t0,
  };
}
