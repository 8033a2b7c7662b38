import { BadInputError } from '../errors/errors';

/**
 * Public ids carry their dataset: `<dataset>:<localId>`, e.g. `demo:u42`, `lastfm:i17`.
 * Local ids are unique per dataset and label; the dataset prefix keeps the demo world and
 * every imported dataset apart in one graph.
 */
export interface ScopedId {
  dataset: string;
  id: string;
}

const DATASET = /^[a-z][a-z0-9_-]{0,31}$/;

export function parseScopedId(raw: string, what = 'id'): ScopedId {
  const i = raw.indexOf(':');
  const dataset = i > 0 ? raw.slice(0, i) : '';
  const id = i > 0 ? raw.slice(i + 1) : '';
  if (!DATASET.test(dataset) || id.length === 0 || id.length > 128) {
    throw new BadInputError(`${what} must look like "<dataset>:<localId>" (e.g. "demo:u42"); got ${JSON.stringify(raw)}`, { [what]: raw });
  }
  return { dataset, id };
}

export function formatScopedId(dataset: string, id: string): string {
  return `${dataset}:${id}`;
}

export function isValidDataset(name: string): boolean {
  return DATASET.test(name);
}
