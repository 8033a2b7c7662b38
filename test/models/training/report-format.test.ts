import { coldStartRecallText, formatScale, formatTable, formatTrajectory, rowFromRanking } from '../../../graph-models/training/report-format';

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

  it('prints the validation trajectory with a marker where the learning rate changed, and none for a run at one rate', () => {
    const h = (epoch: number, metric: number | null, lrScale?: number) => ({ epoch, loss: 0, metric, ms: 1, ...(lrScale !== undefined ? { lrScale } : {}) });
    expect(formatTrajectory([h(1, null), h(2, 0.1), h(3, null), h(4, 0.12345)])).toBe('2: 0.1000, 4: 0.1235');
    // Resumed with decay at epoch 5 (rate still ×1), decayed after epoch 6's evaluation, then again after 8.
    const decayed = [h(4, 0.2), h(5, null, 1), h(6, 0.19, 1), h(7, null, 0.2), h(8, 0.21, 0.2), h(9, null, 0.2 * 0.2), h(10, 0.22, 0.2 * 0.2)];
    expect(formatTrajectory(decayed)).toBe('4: 0.2000, 6: 0.1900, (lr ×0.2 from epoch 7) 8: 0.2100, (lr ×0.04 from epoch 9) 10: 0.2200');
    expect([formatScale(0.2 * 0.2 * 0.2), formatScale(1), formatScale(0.5)]).toEqual(['0.008', '1', '0.5']);
  });
});
