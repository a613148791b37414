/**
 * `beatlens scan` with the shipped model on records it was not made for: one lead, a rate below
 * 100 Hz, white noise; each says so in one line (no stack trace). On MIT-BIH records that are
 * fine (one of DS1, one of DS2; skipped without ../shared/data/mitdb) the quality line says they
 * look like the training data.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { dataRoot } from '../../src-main/paths';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'beatlens-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCsv(name: string, leadNames: string[], signals: Float32Array[]): string {
  const rows = [leadNames.join(',')];
  for (let t = 0; t < signals[0].length; t++) {
    rows.push(signals.map((s) => s[t].toFixed(4)).join(','));
  }
  const path = join(dir, name);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

const lines = (text: string, prefix: string): string[] =>
  text.split('\n').filter((l) => l.startsWith(prefix));

describe('beatlens scan', () => {
  it('scans a one-lead record on that lead, in one line each for leads and quality', async () => {
    const { record } = synthesizeRecord({ seed: 7, fs: 250, durationSeconds: 30 });
    const csv = writeCsv('one-lead.csv', ['ECG1'], [record.signals[0]]);
    const r = await runCli('scan', csv, '--fs', '250');
    expect(r.code).toBe(0);
    expect(lines(r.stdout, 'leads used:')).toEqual([
      'leads used: ECG1 in both inputs (the record has one lead)',
    ]);
    const [quality] = lines(r.stdout, 'quality:');
    expect(quality).toMatch(
      /^quality: 100\.0 % of beats analysable, 0\.0 % of time excluded, noise \w+; /,
    );
    expect(r.stderr).not.toMatch(/leads used/); // printed once, on stdout
  });

  it('refuses a record below 100 Hz in one line, without a stack trace', async () => {
    const { record } = synthesizeRecord({ seed: 7, fs: 360, durationSeconds: 10 });
    const csv = writeCsv('slow.csv', ['MLII', 'V1'], record.signals);
    const r = await runCli('scan', csv, '--fs', '50');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/sampled at 50 Hz; beatlens needs at least 100 Hz/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says a record of white noise is unlike the training data', async () => {
    let seed = 99;
    const noise = (): Float32Array =>
      Float32Array.from({ length: 360 * 60 }, () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648 - 0.5;
      });
    const csv = writeCsv('noise.csv', ['MLII', 'V1'], [noise(), noise()]);
    const r = await runCli('scan', csv, '--fs', '360');
    expect(r.code).toBe(0);
    const [quality] = lines(r.stdout, 'quality:');
    expect(quality).toMatch(/; unlike the training data: /);
  });

  const mitdb = join(dataRoot(), 'mitdb');
  it.skipIf(!existsSync(join(mitdb, '100.hea')))(
    'finds MIT-BIH 101 (DS1) and 100 (DS2) like the training data',
    async () => {
      for (const [rec, second] of [
        ['101', 'V1'],
        ['100', 'V5'],
      ]) {
        const r = await runCli('scan', join(mitdb, `${rec}.hea`), '--detect');
        expect(r.code).toBe(0);
        expect(lines(r.stdout, 'leads used:')).toEqual([
          `leads used: MLII as MLII, ${second} as V1`,
        ]);
        expect(r.stderr).not.toMatch(/quality:/);
        expect(lines(r.stdout, 'quality:')[0]).toMatch(/; looks like the training data$/);
      }
    },
    30_000,
  );
});
