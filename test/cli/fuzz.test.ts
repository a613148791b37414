/**
 * Bad input on the command line: random paths (hostile ones included) and option values for the
 * commands that read user files. Every failure is one line naming the problem (a BeatlensError,
 * not an internal error), exit code 1, no stack trace, and no store written.
 */
import fc from 'fast-check';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as cli } from '../helpers/cli';
import { writeHostileRecord } from '../helpers/hostile-record';
import { tempDir } from '../store/fixtures';

const tmp = tempDir('beatlens-cli-fuzz-');
afterAll(() => tmp.cleanup());

const { headerPath } = writeHostileRecord(join(tmp.dir, 'hostile'));
mkdirSync(join(tmp.dir, 'empty'));
writeFileSync(join(tmp.dir, 'bad.csv'), 'I,II\n1,x\n\n2\n');
writeFileSync(join(tmp.dir, 'bad.edf'), '0       garbage');
writeFileSync(join(tmp.dir, 'bad.hea'), 'bad 2 360 10\nbad.dat 212\n');

const path = fc.oneof(
  fc.constantFrom(
    headerPath,
    join(tmp.dir, 'hostile', 'rec', 'evil'),
    join(tmp.dir, 'empty'),
    join(tmp.dir, 'bad.csv'),
    join(tmp.dir, 'bad.edf'),
    join(tmp.dir, 'bad.hea'),
    join(tmp.dir, 'nope.hea'),
    '/etc/passwd',
    '../../../../etc/passwd',
    '',
  ),
  fc.stringMatching(/^[a-z0-9._-]{1,12}$/).map((s) => join(tmp.dir, 'missing', s)),
);
const optionValue = fc.oneof(
  fc.constantFrom('', '-1', '0', 'NaN', '1e999', 'fast', '360', '../x'),
  fc.string({ maxLength: 8 }),
);

describe('CLI bad-input sweep', () => {
  it('answers every bad import in one line and writes no store', { timeout: 120_000 }, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(path, { minLength: 1, maxLength: 3 }),
        fc.option(fc.tuple(fc.constantFrom('--fs', '--patient'), optionValue), { nil: undefined }),
        async (paths, option) => {
          const store = join(tmp.dir, `store-${++n}.sqlite`);
          const r = await cli('import', ...paths, ...(option ?? []), '--store', store);
          expect(r.code, r.stdout).toBe(1);
          expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
          expect(r.stderr).toMatch(/^beatlens: /);
          expect(r.stderr).not.toMatch(/internal error|\bat \S+ \(|\.[cm]?[jt]s:\d+:\d+/);
          expect(existsSync(store)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it(
    'answers bad paths and options of the other file-reading commands in one line',
    { timeout: 120_000 },
    async () => {
      const store = join(tmp.dir, 'other.sqlite');
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            ['predict', '--model'],
            ['export'],
            ['detect-qrs'],
            ['evaluate-localisation'],
            ['records', '--store'],
            ['nosuchcommand'],
          ),
          path,
          async (command, p) => {
            const r = await cli(
              ...command,
              p,
              ...(command[0] === 'records' ? [] : ['--store', store]),
            );
            if (r.code === 0) return; // e.g. `records` on a new, empty store
            expect(r.code).toBe(1);
            expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
            expect(r.stderr).not.toMatch(/internal error|\bat \S+ \(|\.[cm]?[jt]s:\d+:\d+/);
          },
        ),
        { numRuns: 60 },
      );
    },
  );
});
