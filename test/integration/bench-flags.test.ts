import { startCli } from '../support/cli';

// Each benchmark parses its flags before it starts anything (a server, a world, a load):
// a misspelt flag must stop it at once with a coded error, not be ignored by a long run.
const CASES: [string, string[], RegExp][] = [
  ['seed', ['--user', '1000'], /unknown flag --user; known: --users/],
  ['refresh', ['--caps', '100,all'], /--caps must be positive integers/],
  ['train', ['--step', '3'], /unknown flag --step; known: --steps/],
  ['train', ['--lightgcn-batch', '1'], /--lightgcn-batch must be an integer ≥ 2; got "1"/],
  ['refresh', ['--fills', '0'], /--fills must be an integer ≥ 1; got "0"/],
  ['serve', ['--mutations', 'purchase,refund'], /--mutations: unknown refund; known: purchase/],
  ['tf-backends', ['--rounds', '0'], /--rounds must be an integer ≥ 1; got "0"/],
  ['serve', ['--rounds', '0'], /--rounds must be an integer ≥ 1; got "0"/],
];

describe('npm run bench', () => {
  it.each(CASES.map(([name, args, message]) => [`${name} ${args.join(' ')}`, name, args, message] as const))('%s: refused with BAD_USER_INPUT before the run starts', async (_, name, args, message) => {
    const r = await startCli('bench/run.ts', [name, ...args]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[BAD_USER_INPUT\]: /m);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  }, 60_000);
});
