import fc from 'fast-check';
import { intArg, intListArg, numArg, parseArgs } from '../../../src/cli/args';
import { timestampedVersion } from '../../../src/embeddings/artifact-store';
import { badInput } from '../../support/errors';

const SPEC = { dataset: 'value', lr: 'value', epochs: 'value', resume: 'boolean', caps: 'multi' } as const;

describe('parseArgs', () => {
  it('reads values, inline values, booleans and repeated flags', () => {
    const a = parseArgs(['--dataset', 'demo', '--lr=0.01', '--resume', '--caps', '10', '--caps', '20'], SPEC);
    expect(a.values).toEqual({ dataset: 'demo', lr: '0.01' });
    expect([...a.flags]).toEqual(['resume']);
    expect(a.multi).toEqual({ caps: ['10', '20'] });
  });

  it('gives back every value as written, whether passed as `--flag value` or `--flag=value`, "=" in values included', () => {
    const value = fc.string({ minLength: 1 }).filter((v) => !v.startsWith('--'));
    fc.assert(
      fc.property(fc.record({ dataset: value, lr: value, epochs: value }, { requiredKeys: [] }), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (values, inline) => {
        const argv = Object.entries(values).flatMap(([k, v], i) => (inline[i] ? [`--${k}=${v}`] : [`--${k}`, v]));
        expect(parseArgs(argv, SPEC).values).toEqual(values);
      }),
    );
  });

  it('names the flag that is unknown, lacks its value, gets a value it does not take, or is a stray argument', () => {
    expect(badInput(() => parseArgs(['--resume=false'], SPEC)).message).toBe('--resume takes no value; got "false"');
    expect(badInput(() => parseArgs(['--datset', 'demo'], SPEC)).message).toMatch(/unknown flag --datset; known: --dataset/);
    expect(badInput(() => parseArgs(['--dataset'], SPEC)).message).toBe('--dataset needs a value');
    expect(badInput(() => parseArgs(['--dataset', '--resume'], SPEC)).message).toBe('--dataset needs a value');
    expect(badInput(() => parseArgs(['--epochs='], SPEC)).message).toBe('--epochs needs a value');
    expect(badInput(() => parseArgs(['--epochs', ''], SPEC)).message).toBe('--epochs needs a value');
    expect(badInput(() => parseArgs(['demo'], SPEC)).message).toBe('unexpected argument "demo"');
  });
});

describe('intArg and numArg', () => {
  const args = parseArgs(['--epochs', '12', '--lr', '0.005'], SPEC);

  it('return the flag as a number, or the default when it is absent', () => {
    expect(intArg(args, 'epochs', 3)).toBe(12);
    expect(numArg(args, 'lr', 0.1)).toBe(0.005);
    expect(intArg(args, 'dataset', 7)).toBe(7);
    expect(numArg(args, 'dataset', 0.5)).toBe(0.5);
  });

  it('refuse what is not a number of the kind asked for, naming the flag and the value', () => {
    expect(badInput(() => intArg(parseArgs(['--epochs', '1.5'], SPEC), 'epochs', 3)).message).toBe('--epochs must be an integer ≥ 0; got "1.5"');
    expect(badInput(() => intArg(parseArgs(['--epochs', '1'], SPEC), 'epochs', 3, 2)).message).toBe('--epochs must be an integer ≥ 2; got "1"');
    expect(badInput(() => numArg(parseArgs(['--lr', 'fast'], SPEC), 'lr', 0.1)).message).toBe('--lr must be a non-negative number; got "fast"');
    expect(badInput(() => numArg(parseArgs(['--lr', '-1'], SPEC), 'lr', 0.1)).message).toBe('--lr must be a non-negative number; got "-1"');
    expect(badInput(() => numArg(parseArgs(['--lr', 'Infinity'], SPEC), 'lr', 0.1)).message).toBe('--lr must be a non-negative number; got "Infinity"');
  });

  it('take zero as non-negative, and refuse it where a positive number is asked for', () => {
    const zero = parseArgs(['--lr', '0'], SPEC);
    expect(numArg(zero, 'lr', 0.1)).toBe(0);
    expect(badInput(() => numArg(zero, 'lr', 0.1, { positive: true })).message).toBe('--lr must be a positive number; got "0"');
  });
});

describe('intListArg', () => {
  const spec = { ks: 'value' } as const;

  it('returns the listed integers, or the default when the flag is absent', () => {
    expect(intListArg(parseArgs(['--ks', '5,10,20'], spec), 'ks', [10])).toEqual([5, 10, 20]);
    expect(intListArg(parseArgs([], spec), 'ks', [10, 20])).toEqual([10, 20]);
  });

  it('refuses a list with anything but positive integers, naming the flag and the value', () => {
    for (const raw of ['10,x', '10,0', '1.5', '10,,20', '-3'])
      expect(badInput(() => intListArg(parseArgs(['--ks', raw], spec), 'ks', [10])).message).toBe(`--ks must be positive integers separated by commas; got ${JSON.stringify(raw)}`);
  });
});

describe('timestampedVersion', () => {
  it('names a run after its dataset and its UTC start to the second, in characters safe for a folder name', () => {
    expect(timestampedVersion('lastfm', new Date('2026-11-27T17:03:33.123Z'))).toBe('lastfm-2026-11-27T17-03-33');
  });
});
