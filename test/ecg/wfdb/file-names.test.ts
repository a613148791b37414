/**
 * A WFDB header may name its signal files, so it must not be able to name a file outside its
 * folder: every name with a path separator or '..' is refused in one line naming the header.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { unsafeFileNameReason } from '../../../src-main/ecg/file-names';
import { parseWfdbHeader } from '../../../src-main/ecg/wfdb/header';
import { readWfdbRecord } from '../../../src-main/ecg/wfdb/record';
import { writeHostileRecord } from '../../helpers/hostile-record';
import { tempDir } from '../../store/fixtures';
import { expectBeatlensError } from './expect-error';

const tmp = tempDir('beatlens-wfdb-names-');
afterAll(() => tmp.cleanup());

const HOSTILE = [
  '../secret.bin',
  '..\\secret.bin',
  '/etc/passwd',
  'sub/100.dat',
  'C:\\secret.bin',
  'C:secret.bin',
  '..',
  '.....//secret.bin',
  'a\u0000b.dat',
];

describe('unsafeFileNameReason', () => {
  it.each(HOSTILE)('refuses %j', (name) => {
    expect(unsafeFileNameReason(name)).toMatch(/^it (is|contains) /);
  });

  it.each(['100.dat', '3000003_0003.dat', 'rec-1.dat', '%2e%2e%2fsecret.bin', '~x'])(
    'accepts the plain name %j',
    (name) => {
      expect(unsafeFileNameReason(name)).toBeNull();
    },
  );
});

describe('WFDB headers naming signal files outside their folder', () => {
  it.each(HOSTILE.filter((n) => !n.includes('\u0000')))(
    'parseWfdbHeader refuses %j in one line naming the header and the line',
    (name) => {
      const bytes = new TextEncoder().encode(`evil 1 360\n${name} 80\n`);
      expectBeatlensError(
        () => parseWfdbHeader(bytes, '/data/rec/evil.hea'),
        'wfdb-unsafe-file-name',
        /^\/data\/rec\/evil\.hea: line 2: signal file name '.*' is refused because it /,
      );
    },
  );

  it("keeps '~' (a null signal, refused later as having no samples)", () => {
    const h = parseWfdbHeader(new TextEncoder().encode('r 1 360\n~ 16\n'), '/x/r.hea');
    expect(h.signals[0].fileName).toBe('~');
  });

  it('readWfdbRecord refuses the hostile header before it reads the file it names', () => {
    const { headerPath, secretPath } = writeHostileRecord(tmp.dir);
    expect(existsSync(secretPath)).toBe(true);
    expectBeatlensError(
      () => readWfdbRecord(headerPath),
      'wfdb-unsafe-file-name',
      /rec\/evil\.hea: line 2: signal file name '\.\.\/secret\.bin' is refused because it contains '\.\.'/,
    );
  });
});
