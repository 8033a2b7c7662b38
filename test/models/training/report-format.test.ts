import { coldStartRecallText, formatTable, rowFromRanking } from '../../../graph-models/training/report-format';

describe('report formatting', () => {
  it('gives cold-start R@20 with four decimals, and says why there is none when no user qualifies', () => {
    expect(coldStartRecallText({ users: 12, recall: { 20: 0.123456 }, ndcg: { 20: 0.1 }, precision: {} })).toBe('0.1235');
    // Gowalla: no test user with ≤ 5 training items, so the mean is 0/0 = NaN.
    expect(coldStartRecallText({ users: 0, recall: { 20: NaN }, ndcg: { 20: NaN }, precision: {} })).toBe('n/a (no test user has ≤ 5 training items)');
  });

  it('prints an empty subset as dashes in the table, never NaN', () => {
    const table = formatTable([rowFromRanking('cold-start users', { users: 0, recall: { 10: NaN, 20: NaN }, ndcg: { 10: NaN, 20: NaN }, precision: {} })]);
    expect(table).toContain('| cold-start users | 0 | — | — | — | — |  |');
    expect(table).not.toContain('NaN');
  });
});
