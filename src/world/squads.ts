/**
 * Explicit squads: small friend groups (3–8) that users created themselves. Each grows
 * greedily from a founder among their closest friends, adding the friend linked to the
 * most current members, and requiring links to at least half of them: so members are
 * mostly, not always, mutual friends. DETECTED squads are left to the detection job.
 */
import { DAY_MS } from '../clock/clock';
import type { SquadMemberRow, SquadRow } from '../ingest/rows';
import { groupName } from './names';
import type { Population } from './population';
import type { Rng } from './prng';
import { edgeBetween, type SocialGraph } from './social-graph';

export interface Squads {
  rows: SquadRow[];
  members: SquadMemberRow[];
  /** Per user, indices of their squads. */
  userSquads: number[][];
  /** Per squad, member user indices (founder first). */
  squadMembers: number[][];
}

/** Candidates are drawn from the founder's closest friends only (bounded work for hubs). */
const POOL = 30;

export function generateSquads(
  deps: { pop: Population; graph: SocialGraph; closeness: Float64Array },
  input: { squads: number; cutoffMs: number },
  rng: Rng,
): Squads {
  const { pop, graph, closeness } = deps;
  const rows: SquadRow[] = [];
  const members: SquadMemberRow[] = [];
  const userSquads: number[][] = Array.from({ length: pop.n }, () => []);
  const squadMembers: number[][] = [];
  const friendly = (a: number, b: number): number => {
    const e = edgeBetween(graph, a, b);
    return e >= 0 && graph.blocked[e] === 0 ? e : -1;
  };

  for (let attempt = 0; attempt < input.squads * 2 && rows.length < input.squads; attempt++) {
    const founder = rng.int(pop.n);
    if (userSquads[founder].length >= 2) continue;
    const pool: Array<[number, number]> = [];
    for (let k = graph.offsets[founder]; k < graph.offsets[founder + 1]; k++) {
      const e = graph.nbrEdge[k];
      if (graph.blocked[e] === 0 && closeness[e] > 0) pool.push([graph.nbr[k], closeness[e]]);
    }
    if (pool.length < 2) continue;
    pool.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    pool.length = Math.min(pool.length, POOL);
    const target = Math.min(8, 3 + rng.poisson(1.5));
    const group = [founder];
    while (group.length < target) {
      let best = -1;
      let bestScore = -Infinity;
      for (const [v, c] of pool) {
        if (group.includes(v) || userSquads[v].length >= 3) continue;
        let linked = 0;
        for (const w of group) if (friendly(v, w) >= 0) linked++;
        if (linked < Math.max(1, Math.ceil(group.length / 2))) continue;
        const score = linked + 0.2 * c + 0.3 * rng.uniform();
        if (score > bestScore) {
          bestScore = score;
          best = v;
        }
      }
      if (best < 0) break;
      group.push(best);
    }
    if (group.length < 3) continue;

    // Created after every member joined the platform and befriended the founder.
    let latest = 0;
    for (const v of group) {
      latest = Math.max(latest, pop.createdAt[v]);
      const e = friendly(founder, v);
      if (e >= 0) latest = Math.max(latest, graph.since[e]);
    }
    const wait = rng.exponential(10 * DAY_MS);
    const createdAt = Math.floor(latest + wait <= input.cutoffMs ? latest + wait : latest + rng.uniform() * (input.cutoffMs - latest));
    const s = rows.length;
    rows.push({ id: `s${s}`, name: groupName(rng), kind: 'EXPLICIT', createdAt });
    squadMembers.push(group);
    for (const v of group) {
      userSquads[v].push(s);
      const late = v !== founder && rng.bernoulli(0.3);
      const since = late ? Math.floor(createdAt + rng.uniform() * 0.5 * (input.cutoffMs - createdAt)) : createdAt;
      members.push({ squadId: `s${s}`, userId: pop.ids[v], since });
    }
  }
  return { rows, members, userSquads, squadMembers };
}
