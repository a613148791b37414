import { expect } from 'vitest';
import { BeatlensError } from '../../../src-main/errors';

/** Asserts that `fn` throws a one-line BeatlensError with `code` whose message matches. */
export function expectBeatlensError(fn: () => unknown, code: string, pattern: RegExp): void {
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a BeatlensError').toBeInstanceOf(BeatlensError);
  const e = thrown as BeatlensError;
  expect(e.message).toMatch(pattern);
  expect(e.code).toBe(code);
  expect(e.message).not.toContain('\n');
}

/** Async variant of expectBeatlensError. */
export async function expectBeatlensErrorAsync(
  fn: () => Promise<unknown>,
  code: string,
  pattern: RegExp,
): Promise<BeatlensError> {
  let thrown: unknown = null;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a BeatlensError').toBeInstanceOf(BeatlensError);
  const e = thrown as BeatlensError;
  expect(e.message).toMatch(pattern);
  expect(e.code).toBe(code);
  expect(e.message).not.toContain('\n');
  return e;
}
