import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROW,
  sweepCvArgs,
  sweepDirs,
  sweepLabel,
  sweepRow,
  sweepRunDir,
} from '../../scripts/kernel-sweep-mitdb';
import { NORMAL_PER_RECORD } from '../../src-main/experiments/mitdb-results';

const root = resolve(import.meta.dirname, '..', '..');

describe('the kernel sweep of one MIT-BIH row', () => {
  it('trains the joint L2 row with the commands the committed sweep recorded', () => {
    const summary = JSON.parse(
      readFileSync(join(root, 'docs', 'results', 'mitdb', 'kernel-sweep', 'summary.json'), 'utf8'),
    ) as { rows: Array<{ kernelSamples: number; command: string }> };
    const row = sweepRow(DEFAULT_ROW);
    expect(summary.rows.length).toBeGreaterThan(0);
    for (const { kernelSamples: k, command } of summary.rows) {
      const recorded = command.split(' ');
      const runs = dirname(recorded[recorded.indexOf('--out') + 1]);
      expect(['beatlens', ...sweepCvArgs(row, runs, k)].join(' ')).toBe(command);
    }
  });

  it('keeps the joint L2 row at the roots and puts any other row in its own folders', () => {
    const joint = sweepRow('inter-patient/joint-l2');
    expect(sweepDirs(joint, '/r', '/o')).toEqual({ runs: '/r', out: '/o' });
    expect(sweepRunDir(joint, '/r', 25)).toBe(join('/r', 'k25', 'joint-l2-inter-patient'));
    expect(sweepLabel(joint)).toBe('joint L2');

    const mil = sweepRow('inter-patient/mil-none-normal-rr');
    const dirs = sweepDirs(mil, '/r', '/o');
    expect(dirs).toEqual({
      runs: join('/r', 'mil-none-normal-rr'),
      out: join('/o', 'mil-none-normal-rr'),
    });
    expect(sweepRunDir(mil, dirs.runs, 50)).toBe(
      join('/r', 'mil-none-normal-rr', 'k50', 'mil-l2-rr-inter-patient'),
    );
    expect(sweepLabel(mil)).toBe('MIL + normal class + rhythm');
    const args = sweepCvArgs(mil, dirs.runs, 50);
    expect(args.join(' ')).toBe(
      'cv mitdb --method mil --pooling l2 --protocol inter-patient --kernel 50 --preset paper-fast' +
        ` --resample 180 --seed 1 --task normal-apb-pvc --max-normal-per-record ${NORMAL_PER_RECORD} --rhythm` +
        ` --workers 0 --no-store --backend wasm --out ${join('/r', 'mil-none-normal-rr', 'k50')}`,
    );
  });

  it('refuses a row that is not a DS1 → DS2 row of the tables', () => {
    expect(() => sweepRow('stratified/joint-l2')).toThrow(/inter-patient row/);
    expect(() => sweepRow('inter-patient/joint-max')).toThrow(/inter-patient row/);
  });
});
