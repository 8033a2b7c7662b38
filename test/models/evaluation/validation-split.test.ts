import { csrFromPairs, nnz, row } from '../../../graph-models/evaluation/interactions';
import { splitValidation } from '../../../graph-models/evaluation/validation-split';

const i32 = (xs: number[]) => Int32Array.from(xs);

describe('splitValidation', () => {
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 50; u++) for (let i = 0; i < 20; i++) if ((u * 7 + i * 3) % 5 !== 0) (users.push(u), items.push(i));
  const train = csrFromPairs(50, 20, i32(users), i32(items));

  it('holds out round(fraction · nnz) pairs, disjoint from the rest, together exactly the input', () => {
    const { train: fit, validation } = splitValidation(train, 0.1, 3);
    expect(nnz(validation)).toBe(Math.round(0.1 * nnz(train)));
    expect(nnz(fit) + nnz(validation)).toBe(nnz(train));
    for (let u = 0; u < 50; u++) {
      const merged = [...row(fit, u), ...row(validation, u)].sort((a, b) => a - b);
      expect(merged).toEqual(Array.from(row(train, u)));
    }
  });

  it('is a pure function of (train, fraction, seed)', () => {
    expect(splitValidation(train, 0.2, 9)).toEqual(splitValidation(train, 0.2, 9));
    expect(splitValidation(train, 0.2, 9).validation.items).not.toEqual(splitValidation(train, 0.2, 10).validation.items);
    expect(() => splitValidation(train, 1, 0)).toThrow('(0, 1), got 1');
  });
});
