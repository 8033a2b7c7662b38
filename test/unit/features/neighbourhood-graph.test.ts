import { neighbourhoodGraph } from '../../../src/features/neighbourhood-graph';
import type { HeteroGraph } from '../../../src/features/hetero-graph';
import type { NeighbourList } from '../../../src/graph/queries/subgraph';

const list = (ownerType: NeighbourList['ownerType'], owner: string, relation: NeighbourList['relation'], ids: string[], degree = ids.length): NeighbourList => ({ owner, ownerType, relation, ids, degree, ownerDue: 0 });

function neighbours(g: HeteroGraph, rel: string, src: string): string[] {
  const r = g.relations[rel]!;
  const s = g.nodes[r.src].index.get(src)!;
  return Array.from(r.targets.subarray(r.offsets[s]!, r.offsets[s + 1]!), (d) => g.nodes[r.dst].ids[d]!);
}

describe('neighbourhoodGraph', () => {
  const catalogue = { game: ['g2', 'g1'], guild: ['c1'] };

  it('numbers games and guilds over the whole catalogue, sorted as the full export numbers them', () => {
    const g = neighbourhoodGraph({ dataset: 'd', catalogue, seedLists: [list('user', 'u1', 'played', ['g2'])], hopLists: [] });
    expect(g.nodes.game.ids).toEqual(['g1', 'g2']);
    expect(g.nodes.guild.ids).toEqual(['c1']);
    expect(neighbours(g, 'played', 'u1')).toEqual(['g2']);
  });

  it('stores a friendship listed by both ends once per direction', () => {
    const g = neighbourhoodGraph({ dataset: 'd', catalogue, seedLists: [list('user', 'u1', 'friend', ['u2'])], hopLists: [list('user', 'u2', 'friend', ['u3']), list('user', 'u3', 'friend', ['u2'])] });
    expect(neighbours(g, 'friend', 'u2')).toEqual(['u1', 'u3']);
    expect(neighbours(g, 'friend', 'u3')).toEqual(['u2']);
  });

  it("takes an edge touching a seed only from the seed's own list, so a capped seed list stays as fetched", () => {
    // u1 bought i1 and i2 but its list was capped to [i1]; i2 (a hop-1 node reached
    // another way) lists u1 among its buyers. The seed's list must not grow.
    const g = neighbourhoodGraph({
      dataset: 'd',
      catalogue,
      seedLists: [list('user', 'u1', 'purchased', ['i1'], 2), list('user', 'u1', 'wishlisted', ['i2'])],
      hopLists: [list('item', 'i2', 'purchased', ['u1', 'u9'])],
    });
    expect(neighbours(g, 'purchased', 'u1')).toEqual(['i1']);
    expect(neighbours(g, 'purchased', 'u9')).toEqual(['i2']);
  });
});
