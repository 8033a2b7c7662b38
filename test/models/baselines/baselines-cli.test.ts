import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCli } from '../../support/cli';

// `npm run baselines`: the shell entry of graph-models/baselines. A misspelt flag or a bad
// value is refused before the split is read; a valid run prints the table.
describe('npm run baselines', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'giftgraph-baselines-'));
    // Six users over eight items: every user has train items and one test item.
    const train = ['0 0 1 2', '1 1 2 3', '2 2 3 4', '3 3 4 5', '4 4 5 6', '5 5 6 7'];
    const test = ['0 3', '1 4', '2 5', '3 6', '4 7', '5 0'];
    fs.writeFileSync(path.join(dir, 'train.txt'), train.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'test.txt'), test.join('\n') + '\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => startCli('src/cli/baselines.ts', args, { ...process.env }).done;
  const files = () => ['--train', path.join(dir, 'train.txt'), '--test', path.join(dir, 'test.txt')];

  it.each([
    [['--format', 'lines', '--no-knm'], /unknown flag --no-knm; known: .*--no-knn/],
    [['--format', 'tsv'], /--format must be csv or lines; got "tsv"/],
    [['--format', 'lines', '--ks', '10,x'], /--ks must be positive integers/],
    [['--format', 'lines', '--optimizer', 'rmsprop'], /--optimizer must be one of adam, lazy-adam, adagrad, sgd; got "rmsprop"/],
    [['--format', 'lines', '--lr', '0'], /--lr must be a positive number; got "0"/],
  ])('%j is refused with BAD_USER_INPUT and a message, not a stack trace', async (args, message) => {
    const r = await run([...files(), ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[BAD_USER_INPUT\]: /m);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('prints Recall and NDCG of the baselines at the asked cutoffs on a valid split', async () => {
    const r = await run([...files(), '--format', 'lines', '--ks', '2', '--no-bpr']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/most-popular/i);
    expect(r.stdout).toMatch(/R@2/);
  }, 60_000);
});
