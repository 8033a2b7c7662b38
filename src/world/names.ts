/**
 * Display names for users, guilds, squads, games and items: pronounceable, deterministic
 * from the stream, with no meaning the models could latch onto.
 */
import type { Rng } from './prng';

const ADJECTIVES = [
  'Crimson', 'Silent', 'Neon', 'Frost', 'Shadow', 'Golden', 'Iron', 'Lunar', 'Solar', 'Wild', 'Rapid', 'Cosmic',
  'Emerald', 'Arcane', 'Velvet', 'Static', 'Hollow', 'Bright', 'Storm', 'Pixel', 'Quantum', 'Rogue', 'Amber', 'Obsidian',
];
const NOUNS = [
  'Fox', 'Raven', 'Comet', 'Wolf', 'Golem', 'Viper', 'Falcon', 'Knight', 'Nomad', 'Specter', 'Titan', 'Otter',
  'Phoenix', 'Drake', 'Lynx', 'Mantis', 'Wisp', 'Badger', 'Cobra', 'Yeti', 'Kraken', 'Panda', 'Sparrow', 'Beetle',
];
const SYLLABLES = ['ka', 'ri', 'zen', 'tor', 'va', 'lo', 'mir', 'dra', 'xo', 'qui', 'sa', 'nel', 'or', 'thu', 'bel', 'cy'];
const GAME_SUFFIXES = ['Legends', 'Arena', 'Online', 'Tactics', 'Rising', 'Frontier', 'Chronicles', 'Rush', 'Forge', 'Odyssey'];
const GROUP_NOUNS = ['Raiders', 'Collective', 'Lounge', 'Syndicate', 'Guild', 'Hideout', 'Crew', 'Order', 'Den', 'Club'];

export function userName(rng: Rng): string {
  return `${rng.choice(ADJECTIVES)}${rng.choice(NOUNS)}${rng.int(1000)}`;
}

export function groupName(rng: Rng): string {
  return `${rng.choice(ADJECTIVES)} ${rng.choice(GROUP_NOUNS)}`;
}

export function gameName(rng: Rng): string {
  const n = 2 + rng.int(2);
  let w = '';
  for (let i = 0; i < n; i++) w += rng.choice(SYLLABLES);
  return `${w.charAt(0).toUpperCase()}${w.slice(1)} ${rng.choice(GAME_SUFFIXES)}`;
}

export function studioName(rng: Rng): string {
  return `${rng.choice(ADJECTIVES)} ${rng.choice(NOUNS)} Studios`;
}

/** e.g. "Frost Phoenix Skin". */
export function itemName(rng: Rng, kind: string): string {
  return `${rng.choice(ADJECTIVES)} ${rng.choice(NOUNS)} ${kind}`;
}
