import { describe, expect, it } from 'vitest';
import type { TestModule } from 'vitest/node';
import { summaryLine } from '../../scripts/vitest-summary-reporter';

/** A stand-in for vitest's TestModule: its state and its test cases' final states. */
function fakeModule(state: string, tests: string[]): TestModule {
  return {
    state: () => state,
    children: {
      *allTests() {
        for (const s of tests) yield { result: () => ({ state: s }) };
      },
    },
  } as unknown as TestModule;
}

describe('the plain closing line', () => {
  it('counts passed, failed and skipped test cases across modules', () => {
    const modules = [
      fakeModule('passed', ['passed', 'passed', 'skipped']),
      fakeModule('failed', ['passed', 'failed']),
      fakeModule('skipped', ['skipped', 'pending']),
    ];
    expect(summaryLine(modules, 0)).toBe('3 passed, 1 failed, 3 skipped');
  });

  it('counts a module that failed to load, and unhandled errors, as failures', () => {
    const modules = [fakeModule('passed', ['passed']), fakeModule('failed', [])];
    expect(summaryLine(modules, 2)).toBe('1 passed, 3 failed, 0 skipped');
    expect(summaryLine([], 0)).toBe('0 passed, 0 failed, 0 skipped');
  });
});
