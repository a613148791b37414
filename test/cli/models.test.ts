/** `beatlens models list|export`: both shipped models, by their names, then the library. */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli as cli } from '../helpers/cli';
import { defaultModelDir } from '../../src-main/infer/models';
import { tempDir } from '../store/fixtures';

const tmp = tempDir('beatlens-cli-models-');
beforeAll(() => vi.stubEnv('BEATLENS_HOME', join(tmp.dir, 'home')));
afterAll(() => {
  vi.unstubAllEnvs();
  tmp.cleanup();
});

describe('beatlens models', () => {
  it('lists the shipped default, then the shipped localiser, then the library', async () => {
    cpSync(defaultModelDir(), join(tmp.dir, 'home', 'models', 'mine'), { recursive: true });
    const r = await cli('models', 'list');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const rows = r.stdout.trim().split('\n');
    expect(rows.map((row) => row.split('\t')[0])).toEqual([
      'default (shipped)',
      'localiser (shipped)',
      'mine',
    ]);
    // The ECG leads and the rhythm channels apart (the manifest's nLeads counts both).
    expect(rows[0]).toMatch(/\tclassifier\tAPB\/NORMAL\/PVC\t2 leads @ 180 Hz\t/);
    expect(rows[1]).toMatch(
      /^localiser \(shipped\)\tmil\tAPB\/NORMAL\/PVC\t2 leads \+ 2 rhythm channels @ 180 Hz\t/,
    );
  });

  it('exports the localiser by its shipped name', async () => {
    const out = join(tmp.dir, 'exported');
    const r = await cli('models', 'export', 'localiser', '--out', out);
    expect(r.code).toBe(0);
    const shipped = join(defaultModelDir(), '..', 'localiser');
    expect(readFileSync(join(out, 'weights.bin'))).toEqual(
      readFileSync(join(shipped, 'weights.bin')),
    );
  });
});
