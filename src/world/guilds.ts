/**
 * Guilds (servers) as the visible face of communities: each community has one or two
 * home guilds, and a few big public guilds span everyone. A user is in 1–3 guilds,
 * mostly their own community's.
 */
import { DAY_MS } from '../clock/clock';
import type { GuildRow, MembershipRow } from '../ingest/rows';
import { groupName } from './names';
import type { Population } from './population';
import type { Rng } from './prng';

export interface Guilds {
  rows: GuildRow[];
  memberships: MembershipRow[];
}

export interface GuildsInput {
  globalGuilds: number;
  startMs: number;
  cutoffMs: number;
}

export function generateGuilds(pop: Population, input: GuildsInput, rng: Rng): Guilds {
  const rows: GuildRow[] = [];
  const created: number[] = [];
  const addGuild = (): number => {
    const at = Math.floor(input.startMs + rng.uniform() * 10 * DAY_MS);
    rows.push({ id: `gu${rows.length}`, name: groupName(rng), createdAt: at });
    created.push(at);
    return rows.length - 1;
  };
  const communitySize = new Int32Array(pop.communityCount);
  for (let u = 0; u < pop.n; u++) communitySize[pop.community[u]]++;
  // Home guilds per community: big communities get a second one.
  const home: number[][] = [];
  for (let c = 0; c < pop.communityCount; c++) {
    const list = [addGuild()];
    if (communitySize[c] > 100 || rng.bernoulli(0.25)) list.push(addGuild());
    home.push(list);
  }
  const global: number[] = [];
  for (let i = 0; i < input.globalGuilds; i++) global.push(addGuild());

  const memberships: MembershipRow[] = [];
  const join = (u: number, guild: number, joined: number[]): void => {
    if (joined.includes(guild)) return;
    joined.push(guild);
    const from = Math.max(pop.createdAt[u], created[guild]);
    const since = Math.min(input.cutoffMs, Math.floor(from + rng.exponential(5 * DAY_MS)));
    memberships.push({ userId: pop.ids[u], guildId: rows[guild].id, since });
  };
  for (let u = 0; u < pop.n; u++) {
    const joined: number[] = [];
    const own = home[pop.community[u]];
    join(u, rng.choice(own), joined);
    if (rng.bernoulli(0.5)) {
      // A second guild: the other home guild, a neighbouring community's, or a public one.
      const r = rng.uniform();
      if (r < 0.4 && own.length > 1) join(u, rng.choice(own), joined);
      else if (r < 0.65) join(u, rng.choice(home[rng.int(home.length)]), joined);
      else join(u, rng.choice(global), joined);
    }
    if (rng.bernoulli(0.15)) join(u, rng.choice(global), joined);
  }
  return { rows, memberships };
}
