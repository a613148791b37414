/**
 * `beatlens evaluate-beats` on small WFDB records written here (and on MIT-BIH 119 when
 * ../shared/data/mitdb is present): the printed table, the JSON and CSV exports, and the
 * one-line errors for bad inputs.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCsv } from '../../src-main/csv';
import type { Beat, EcgRecord } from '../../src-main/ecg/types';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { runCli as cli } from '../helpers/cli';
import { dataset } from '../helpers/data';
import { writeWfdbRecord } from '../ecg/origin-fixtures';

const FS = 360;
const dir = mkdtempSync(join(tmpdir(), 'beatlens-beats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 7-minute one-lead record (flat signal) with a beat every second, every 5th a V. */
function writeRecord(folder: string, name: string): Beat[] {
  mkdirSync(folder, { recursive: true });
  const nSamples = 7 * 60 * FS;
  const record: EcgRecord = {
    id: name,
    patientId: name,
    fs: FS,
    nSamples,
    leadNames: ['MLII'],
    units: ['mV'],
    signals: [new Float32Array(nSamples)],
    source: 'test',
  };
  const beats: Beat[] = [];
  for (let s = FS; s < nSamples - FS; s += FS) {
    const v = beats.length % 5 === 4;
    beats.push({ sample: s, symbol: v ? 'V' : 'N', aami: v ? 'V' : 'N' });
  }
  writeWfdbRecord(folder, name, record, beats);
  return beats;
}

const writeBeatsCsv = (path: string, rows: (string | number)[][], header = ['sample', 'label']) =>
  writeFileSync(path, formatCsv(header, rows));

const refDir = join(dir, 'ref');
const reference = writeRecord(refDir, 'rec');
const start = 5 * 60 * FS;
const compared = reference.filter((b) => b.sample >= start);
const nV = compared.filter((b) => b.aami === 'V').length;

/**
 * The test output: the reference from 5:00 on, with the first compared V called N, the first
 * compared N beat missed and one extra beat half-way between two beats.
 */
function testRows(): (string | number)[][] {
  const firstV = compared.findIndex((b) => b.aami === 'V');
  const firstN = compared.findIndex((b) => b.aami === 'N');
  const rows: (string | number)[][] = compared
    .map((b, i): (string | number)[] => [b.sample, i === firstV ? 'N' : b.aami])
    .filter((_, i) => i !== firstN);
  rows.push([compared[3].sample + FS / 2, 'N']);
  return rows.reverse(); // unsorted on purpose
}

/** The values of the named row of the printed table, by column heading. */
function tableRow(stdout: string, first: string): Record<string, string> {
  const lines = stdout.split('\n');
  // Columns stand two or more spaces apart; headings such as 'Q Se' hold one.
  const heads = lines[0].trim().split(/\s{2,}/);
  const cells = lines
    .find((l) => l.split(/\s+/)[0] === first)!
    .trim()
    .split(/\s{2,}/);
  return Object.fromEntries(heads.map((h, i) => [h, cells[i]]));
}

describe('beatlens evaluate-beats', () => {
  const csv = join(dir, 'rec.csv');
  writeBeatsCsv(csv, testRows());
  const atr = join(refDir, 'rec.atr');

  it('prints the bxb line of one record, its gross and average lines', async () => {
    const r = await cli('evaluate-beats', csv, atr);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const row = tableRow(r.stdout, 'rec');
    const nN = compared.length - nV;
    // One N missed of nN, one extra beat; one of nV Vs called N; no SVEBs.
    expect(row).toMatchObject({
      "Nn'": String(nN - 1),
      Vv: String(nV - 1),
      "Vn'": '1',
      No: '1',
      "On'": '1',
      'V FPR': '0.000',
    });
    expect(row['Q Se']).toBe((100 * ((compared.length - 1) / compared.length)).toFixed(2));
    expect(row['Q +P']).toBe(row['Q Se']); // one missed, one extra
    expect(row['V Se']).toBe((100 * ((nV - 1) / nV)).toFixed(2));
    expect(r.stdout).toMatch(/^Gross\s+/m);
    expect(r.stdout).toMatch(/^Average\s+/m);
    expect(tableRow(r.stdout, 'Gross')['V Se']).toBe(row['V Se']);
    expect(tableRow(r.stdout, 'rec')['S Se']).toBe('-');
  });

  it('takes the reference with --ref too, and --from 0 compares the learning period', async () => {
    const a = await cli('evaluate-beats', csv, atr);
    const b = await cli('evaluate-beats', csv, '--ref', atr);
    expect(b.stdout).toBe(a.stdout);
    const all = await cli('evaluate-beats', csv, atr, '--from', '0');
    // The beats before 5:00 are missing from the CSV: with --from 0 they count as missed.
    expect(Number(tableRow(all.stdout, 'rec').No)).toBe(
      1 + reference.filter((x) => x.sample < start && x.aami === 'N').length,
    );
  });

  it('writes JSON and CSV exports', async () => {
    const json = join(dir, 'out', 'bxb.json');
    const out = join(dir, 'out', 'bxb.csv');
    const r = await cli('evaluate-beats', csv, atr, '--json', json, '--csv', out);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8'));
    expect(j.fromMinutes).toBe(5);
    expect(j.records[0].counts.V).toMatchObject({ V: nV - 1, N: 1 });
    expect(j.gross.statistics.vebSensitivity.value).toBeCloseTo((nV - 1) / nV, 12);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^record,in_summary,qrsSensitivity,.*,Nn,Ns,Nv,Nf,Nq,No,Sn,/);
    expect(lines.map((l) => l.split(',')[0])).toEqual(['record', 'rec', 'gross', 'average']);
  });

  it('compares a folder of <record>.csv with --dir and --ref-dir, leaving paced records out', async () => {
    const out = join(dir, 'outdir');
    const refs = join(dir, 'refs');
    mkdirSync(out, { recursive: true });
    for (const name of ['101', '217']) {
      const b = writeRecord(refs, name);
      writeBeatsCsv(
        join(out, `${name}.csv`),
        b.map((x) => [x.sample, x.symbol]),
      );
    }
    const r = await cli('evaluate-beats', '--dir', out, '--ref-dir', refs);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^101\s+100\.00/m);
    expect(r.stdout).toMatch(/^217\*\s+100\.00/m);
    expect(r.stdout).toContain('Gross and average over 1 record; * left out of both: 217');
    const only = await cli('evaluate-beats', '--dir', out, '--ref-dir', refs, '--records', '217');
    expect(only.stdout).not.toMatch(/^101/m);
    const none = await cli('evaluate-beats', '--dir', out, '--ref-dir', refs, '--exclude', 'none');
    expect(none.stdout).toContain('Gross and average over 2 records');
  });

  it('accepts MIT beat symbols as labels and ignores other columns', async () => {
    const path = join(dir, 'symbols.csv');
    writeBeatsCsv(
      path,
      compared.map((b) => [b.sample, b.aami === 'V' ? 'V' : 'L', 'x, "quoted"']),
      ['sample', 'label', 'note'],
    );
    const r = await cli('evaluate-beats', path, atr);
    expect(r.code).toBe(0);
    expect(tableRow(r.stdout, 'rec')['Q Se']).toBe('100.00');
  });

  describe('refuses bad input in one line naming the file', () => {
    const bad = async (content: string | null, ...args: string[]) => {
      const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.csv`);
      if (content !== null) writeFileSync(path, content);
      const r = await cli('evaluate-beats', path, ...args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      return { path, stderr: r.stderr };
    };

    it('a missing CSV', async () => {
      const { path, stderr } = await bad(null, atr);
      expect(stderr).toBe(`beatlens: ${path}: beats CSV not found\n`);
    });

    it('no sample or label column', async () => {
      const { path, stderr } = await bad('time,label\n360,N\n', atr);
      expect(stderr).toContain(`${path}: no 'sample' column in the header (columns: time, label)`);
      expect((await bad('sample,class\n360,N\n', atr)).stderr).toContain("no 'label' column");
    });

    it('a non-integer sample, an unknown label', async () => {
      const { path, stderr } = await bad('sample,label\n360,N\n720.5,N\n', atr);
      expect(stderr).toContain(`${path}:3: sample '720.5' is not a non-negative integer`);
      const z = await bad('sample,label\n360,Z\n', atr);
      expect(z.stderr).toContain(
        `${z.path}:2: label 'Z' is not an AAMI class (N, S, V, F, Q) or an MIT beat symbol`,
      );
    });

    it('a different fs, or samples past the end of the record', async () => {
      const fs = await bad('sample,label,fs\n360,N,250\n', atr);
      expect(fs.stderr).toContain(`${fs.path}:2: fs 250 Hz but rec.hea says 360 Hz`);
      const late = await bad('sample,label\n999999,N\n', atr);
      expect(late.stderr).toContain('past the end of the record (151200 samples at 360 Hz');
    });

    it('a missing annotation file or header', async () => {
      const missing = join(dir, 'nowhere', '119.atr');
      expect((await bad('sample,label\n', missing)).stderr).toContain(
        `${join(dir, 'nowhere', '119.hea')}: header file not found`,
      );
      const lone = join(dir, 'lone');
      mkdirSync(lone, { recursive: true });
      copyFileSync(join(refDir, 'rec.hea'), join(lone, 'rec.hea'));
      expect((await bad('sample,label\n', join(lone, 'rec.atr'))).stderr).toContain(
        `${join(lone, 'rec.atr')}: annotation file not found`,
      );
    });

    it('arguments that do not pair up', async () => {
      expect((await bad('sample,label\n', atr, csv)).stderr).toContain(
        'give each beats CSV followed by its reference annotation file (got 3 files)',
      );
      expect((await bad('sample,label\n', '--from', 'soon', atr)).stderr).toContain(
        "--from 'soon' is not a number of minutes ≥ 0",
      );
      const swapped = await cli('evaluate-beats', atr, csv);
      expect(swapped.stderr).toBe(
        `beatlens: ${csv}: a CSV where a reference annotation file (e.g. 119.atr) should follow ${atr}\n`,
      );
      const r = await cli('evaluate-beats', '--dir', dir);
      expect(r.stderr).toBe(
        'beatlens: --dir needs --ref-dir, the folder of the reference records\n',
      );
    });
  });
});

const mitdb = dataset('mitdb', '119.atr');

describe.skipIf(!mitdb.present)(`evaluate-beats on MIT-BIH 119 (${mitdb.skipReason})`, () => {
  it('gives 100 % for the reference annotations written as a beats CSV', async () => {
    const csv = join(dir, '119.csv');
    const b = readBeats(join(mitdb.dir, '119'), 'atr');
    writeBeatsCsv(
      csv,
      b.map((x) => [x.sample, x.aami]),
    );
    const r = await cli('evaluate-beats', csv, join(mitdb.dir, '119.atr'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^119\s+100\.00\s+100\.00\s+100\.00\s+100\.00\s+0\.000\s+-\s+-\s/m);
  });
});
