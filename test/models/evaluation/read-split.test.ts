import { parsePairs, symmetricGraph } from '../../../graph-models/evaluation/read-split';

const i32 = (xs: number[]) => Int32Array.from(xs);

describe('read-split parsing', () => {
  it('reads csv with a header and LightGCN lines, users alone on a line included', () => {
    expect(parsePairs('user,item\n0,3\n2,1\n\n', 'csv')).toEqual({ users: i32([0, 2]), items: i32([3, 1]), maxUser: 2, maxItem: 3 });
    expect(parsePairs('0 5 6\n1\n3 2\t7\n', 'lines')).toEqual({ users: i32([0, 0, 3, 3]), items: i32([5, 6, 2, 7]), maxUser: 3, maxItem: 7 });
  });

  it('names file and line of the first bad field', () => {
    expect(() => parsePairs('0,1\n', 'csv', 'f.csv')).toThrow('f.csv:1: csv needs a header');
    expect(() => parsePairs('user,item\n0,x\n', 'csv', 'f.csv')).toThrow('f.csv:2: expected a non-negative integer id, got "x"');
    expect(() => parsePairs('0 1\n\n1 2\n', 'lines', 'g')).toThrow('g:2: blank line');
    expect(() => parsePairs('0,1 2\n', 'lines', 'g')).toThrow('g:1');
  });

  it('symmetricGraph stores both directions once and drops self-loops', () => {
    const g = symmetricGraph(3, i32([0, 1, 2, 2]), i32([1, 0, 2, 0]));
    expect(Array.from(g.offsets)).toEqual([0, 2, 3, 4]);
    expect(Array.from(g.items)).toEqual([1, 2, 0, 0]);
  });
});

