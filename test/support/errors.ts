import { ErrorCode } from '../../src/errors/codes';
import { BadInputError } from '../../src/errors/errors';

/** Runs `fn`, expects it to throw a BadInputError coded BAD_USER_INPUT, and returns it (for its message). */
export function badInput(fn: () => unknown): BadInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BadInputError);
    expect((e as BadInputError).code).toBe(ErrorCode.BAD_USER_INPUT);
    return e as BadInputError;
  }
  throw new Error('expected a BadInputError');
}
