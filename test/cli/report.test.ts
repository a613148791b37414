/**
 * `beatlens report`: the done-when check on MIT-BIH 119 with the shipped model (the PVC
 * count within 10 % of the reference V beats read from 119.atr, the burden equal to count /
 * beats, the three files), the PDF skipped in one line without Chromium, and bad input refused
 * in one line with nothing written.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { findChromium } from '../../src-main/holter/pdf';
import type { HolterReport } from '../../src-main/holter/report';
import { runCli } from '../helpers/cli';
import { dataset } from '../helpers/data';

const mitdb = dataset('mitdb', '119.hea');
const tmp = mkdtempSync(join(tmpdir(), 'beatlens-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const readReport = (dir: string): HolterReport =>
  JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as HolterReport;

describe.skipIf(!mitdb.present)(`beatlens report on MIT-BIH 119 (${mitdb.skipReason})`, () => {
  it(
    'writes report.json, report.html and report.pdf; PVCs within 10 % of 119.atr, burden = count / beats',
    { timeout: 300_000 },
    async () => {
      const out = join(tmp, '119');
      const r = await runCli(
        'report',
        join(mitdb.dir, '119.hea'),
        '--detect',
        '--out',
        out,
        '--reviewer',
        'Dr Test',
      );
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      const reference = readBeats(join(mitdb.dir, '119'), 'atr').filter((b) => b.aami === 'V');
      expect(reference.length).toBeGreaterThan(0);
      const report = readReport(out);
      expect(report.recordId).toBe('119');
      expect(report.beatSource).toBe('detector');
      expect(report.burdenPercent).toBeCloseTo((100 * report.pvcCount) / report.totalBeats, 10);
      const off = Math.abs(report.pvcCount - reference.length) / reference.length;
      expect(
        off,
        `pvcCount ${report.pvcCount} vs ${reference.length} V beats in 119.atr`,
      ).toBeLessThanOrEqual(0.1);
      expect(report.reviewer).toBe('Dr Test');
      expect(report.model.name).toMatch(/beatlens MIT-BIH DS1/);
      expect(report.strips.map((s) => s.kind)).toContain('first-pvc');
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toContain(`data-figure="pvc-count">${report.pvcCount}<`);
      expect(r.stdout).toContain(`PVCs ${report.pvcCount}`);
      expect(r.stdout).toContain(`SVEBs ${report.supraventricular.count}`);
      if (findChromium().path) {
        expect(readFileSync(join(out, 'report.pdf')).subarray(0, 5).toString('latin1')).toBe(
          '%PDF-',
        );
      }
      // No temporary file is left beside the report.
      expect(readdirSync(out).sort()).toEqual(
        findChromium().path
          ? ['report.html', 'report.json', 'report.pdf']
          : ['report.html', 'report.json'],
      );
      // Progress went to stderr.
      expect(r.stderr).toMatch(/report: 119: \d+\/\d+ segments/);
    },
  );
});

describe('beatlens report without Chromium, and bad input', () => {
  const csv = join(tmp, 'synthetic.csv');
  const { record } = synthesizeRecord({ seed: 3, durationSeconds: 40, pvcRate: 0.2 });
  const rows = ['MLII,V1'];
  for (let i = 0; i < record.nSamples; i++) {
    rows.push(`${record.signals[0][i].toFixed(4)},${record.signals[1][i].toFixed(4)}`);
  }
  writeFileSync(csv, rows.join('\n'));

  it(
    'writes html and json and says in one line why the pdf was skipped',
    { timeout: 120_000 },
    async () => {
      const out = join(tmp, 'no-chromium');
      const before = process.env.BEATLENS_CHROMIUM;
      process.env.BEATLENS_CHROMIUM = join(tmp, 'no-such-chromium');
      try {
        const r = await runCli('report', csv, '--fs', String(record.fs), '--out', out);
        expect(r.code).toBe(0);
        expect(r.stderr).toMatch(
          /^warning: report\.pdf skipped: BEATLENS_CHROMIUM=.*no-such-chromium does not exist$/m,
        );
        expect(readdirSync(out).sort()).toEqual(['report.html', 'report.json']);
        const report = readReport(out);
        expect(report.totalBeats).toBeGreaterThan(0);
        expect(report.burdenPercent).toBeCloseTo((100 * report.pvcCount) / report.totalBeats, 10);
      } finally {
        if (before === undefined) delete process.env.BEATLENS_CHROMIUM;
        else process.env.BEATLENS_CHROMIUM = before;
      }
    },
  );

  it('refuses a bad reviewer name and a missing record in one line, writing nothing', async () => {
    const out = join(tmp, 'refused');
    const bad = await runCli('report', csv, '--fs', '360', '--out', out, '--reviewer', 'a\nb');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/the reviewer's name must be one line/);
    const missing = await runCli('report', join(tmp, 'nope.hea'), '--out', out);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});
