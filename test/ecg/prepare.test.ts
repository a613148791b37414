import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STANDARD_12_LEADS } from '../../src-main/ecg/leads';
import {
  formatPreparedCounts,
  listWfdbRecords,
  mitdbLeadOrder,
  mitdbPatientId,
  prepareMitdb,
  preparedCountsCsv,
  prepareOriginDataset,
} from '../../src-main/ecg/prepare';
import { preprocessRecord } from '../../src-main/ecg/preprocess';
import { TASK_RULES } from '../../src-main/ecg/segments';
import { outflowPvcAxis, synthesizeRecord } from '../../src-main/ecg/synthetic';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { createRng } from '../../src-main/random';
import { writeCsvRecord, writeWfdbRecord } from './origin-fixtures';
import { BeatlensError } from '../../src-main/errors';
import { dataset } from '../helpers/data';

const sample = dataset('wfdb-sample-data', '100.atr');
const mitdb = dataset('mitdb', '234.atr');
const COUNTS_CSV = join(__dirname, '..', '..', 'docs', 'results', 'mitdb', 'segment-counts.csv');

/**
 * Reference implementation of the segment rule over R-peak samples and symbols: greedy
 * accumulation with midpoint boundaries, kept when only 'N' plus ≥1 'V' (PVC) or ≥1 'A' (APB).
 */
function referenceCounts(r: number[], sym: string[], nSamples: number, max: number) {
  const n = r.length;
  const lo = (i: number) =>
    i === 0 ? Math.max(0, r[0] - Math.round((r[1] - r[0]) / 2)) : Math.round((r[i - 1] + r[i]) / 2);
  const hi = (i: number) =>
    i === n - 1
      ? Math.min(nSamples, r[i] + Math.round((r[i] - r[i - 1]) / 2))
      : Math.round((r[i] + r[i + 1]) / 2);
  const groups: string[][] = [];
  let cur: string[] = [];
  let curStart = 0;
  for (let i = 0; i < n; i++) {
    if (hi(i) - lo(i) > max) {
      if (cur.length) groups.push(cur);
      cur = [];
      continue;
    }
    if (cur.length && hi(i) - curStart > max) {
      groups.push(cur);
      cur = [];
    }
    if (!cur.length) curStart = lo(i);
    cur.push(sym[i]);
  }
  if (cur.length) groups.push(cur);
  const only = (g: string[], x: string) =>
    g.includes(x) && g.includes('N') && g.every((s) => s === 'N' || s === x);
  const PVC = groups.filter((g) => only(g, 'V')).length;
  const APB = groups.filter((g) => !only(g, 'V') && only(g, 'A')).length;
  return { PVC, APB, discarded: groups.length - PVC - APB };
}

describe('mitdbLeadOrder', () => {
  it('puts MLII first wherever the file has it, then the first of V1/V2/V4/V5', () => {
    expect(mitdbLeadOrder(['MLII', 'V1'])).toEqual([0, 1]);
    expect(mitdbLeadOrder(['V5', 'MLII'])).toEqual([1, 0]); // record 114
    expect(mitdbLeadOrder(['MLII', 'V4'])).toEqual([0, 1]);
    expect(mitdbLeadOrder([' mlii ', 'V2'])).toEqual([0, 1]);
    expect(mitdbLeadOrder(['MLII', 'ECG2'])).toEqual([0]);
    expect(mitdbLeadOrder(['V5', 'V2'])).toBeNull(); // records 102, 104
  });
});

describe('the segment rule', () => {
  const seg = (symbols: string[]) =>
    symbols.map((symbol, i) => ({
      position: 100 + 300 * i,
      start: 300 * i,
      end: 300 * (i + 1),
      symbol,
      aami: (symbol === 'V' ? 'V' : symbol === 'A' ? 'S' : 'N') as 'N' | 'S' | 'V',
    }));
  const ctx = { record: {} as never, isNormal: (b: { symbol: string }) => b.symbol === 'N' };
  it.each([
    [['N', 'V', 'N'], 'PVC', 'PVC'],
    [['N', 'A'], 'APB', 'APB'],
    [['A', 'A', 'A'], null, null], // runs of APCs alone are not "normal + APB" (record 232)
    [['V', 'V'], null, null],
    [['N', 'V', 'A'], null, null],
    [['N', 'L', 'V'], null, null],
    [['N', 'N'], null, 'NORMAL'],
  ] as const)('%j → pvc-apb %s, normal-apb-pvc %s', (symbols, paper, three) => {
    expect(TASK_RULES['pvc-apb'].label(seg([...symbols]), ctx)).toBe(paper);
    expect(TASK_RULES['normal-apb-pvc'].label(seg([...symbols]), ctx)).toBe(three);
  });
});

describe('prepareMitdb on all 48 MIT-BIH records', () => {
  it.skipIf(!mitdb.present)(
    'gives the committed per-record counts, which an independent re-count confirms',
    () => {
      const db = prepareMitdb(mitdb.dir);
      const committed = readFileSync(COUNTS_CSV, 'utf8');
      expect(preparedCountsCsv(db)).toBe(committed);
      expect(db.perRecord).toHaveLength(48);
      expect(db.totals.nPvcSegments).toBe(2631);
      expect(db.totals.nApbSegments).toBe(349);
      for (const r of db.perRecord) {
        if (r.skipped) {
          expect(['102', '104']).toContain(r.recordId);
          continue;
        }
        expect(r.leads[0]).toBe('MLII');
        const beats = readBeats(join(mitdb.dir, r.recordId));
        const ref = referenceCounts(
          beats.map((b) => b.sample),
          beats.map((b) => b.symbol),
          650000,
          2000,
        );
        expect({ id: r.recordId, PVC: r.nPvcSegments, APB: r.nApbSegments }).toEqual({
          id: r.recordId,
          PVC: ref.PVC,
          APB: ref.APB,
        });
      }
      // Record 114 stores V5 first: its model input is MLII then V5.
      expect(db.perRecord.find((r) => r.recordId === '114')!.leads).toEqual(['MLII', 'V5']);
      const seg114 = db.segments.find((s) => s.recordId === '114')!;
      const raw = readWfdbRecord(join(mitdb.dir, '114'));
      expect(raw.leadNames).toEqual(['V5', 'MLII']);
      const mlii = preprocessRecord({
        ...raw,
        signals: [raw.signals[1]],
        leadNames: ['MLII'],
        units: ['mV'],
      });
      expect(Array.from(seg114.data.subarray(0, 50))).toEqual(
        Array.from(mlii.signals[0].subarray(seg114.offset, seg114.offset + 50)),
      );
    },
    60_000,
  );
});

describe('mitdbPatientId', () => {
  it('maps 201 and 202 to one patient and keeps other records apart', () => {
    expect(mitdbPatientId('201')).toBe(mitdbPatientId('202'));
    expect(mitdbPatientId('100')).toBe('100');
    expect(mitdbPatientId('203')).not.toBe(mitdbPatientId('201'));
  });
});

describe('listWfdbRecords', () => {
  it('reads a RECORDS file, else lists annotated headers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'beatlens-prep-'));
    for (const f of ['101.hea', '101.atr', '100.hea', '100.atr', '999.hea'])
      writeFileSync(join(dir, f), '');
    expect(listWfdbRecords(dir)).toEqual(['100', '101']);
    writeFileSync(join(dir, 'RECORDS'), '101\n\n100\n');
    expect(listWfdbRecords(dir)).toEqual(['101', '100']);
  });

  it('names a file given as the folder, in one line', () => {
    expect(() => listWfdbRecords(COUNTS_CSV)).toThrow(/segment-counts\.csv: not a folder/);
  });

  it('names a missing folder', () => {
    expect(() => listWfdbRecords('/nonexistent/mitdb')).toThrow(
      /\/nonexistent\/mitdb: folder not found/,
    );
  });
});

describe('prepareMitdb on MIT-BIH record 100', () => {
  it.skipIf(!sample.present)('builds PVC/APB segments consistent with the annotations', () => {
    const t0 = performance.now();
    const db = prepareMitdb(sample.dir, { records: ['100'] });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`record 100 prepared in ${seconds.toFixed(2)} s\n${formatPreparedCounts(db)}`);
    const [r] = db.perRecord;
    const beats = readBeats(join(sample.dir, '100'));
    expect(r.nBeats).toBe(beats.length);
    expect(r.nBeats).toBe(2273);
    expect(r.nPvcSegments + r.nApbSegments + r.nDiscarded).toBe(r.nCandidates);
    expect(db.segments).toHaveLength(r.nPvcSegments + r.nApbSegments);
    // Reference: the paper's rule re-derived from the annotation list alone.
    const ref = referenceCounts(
      beats.map((b) => b.sample),
      beats.map((b) => b.symbol),
      650000,
      2000,
    );
    expect({ PVC: r.nPvcSegments, APB: r.nApbSegments, discarded: r.nDiscarded }).toEqual(ref);
    for (const s of db.segments) {
      expect(s.recordId).toBe('100');
      expect(s.nSamples).toBe(2000);
      expect(s.length).toBeLessThanOrEqual(2000);
      const abnormal = s.label === 'PVC' ? 'V' : 'A';
      expect(s.beats.every((b) => b.symbol === 'N' || b.symbol === abnormal)).toBe(true);
      // The annotation at the segment's first beat is the record's beat at offset + position.
      expect(beats.some((b) => b.sample === s.offset + s.beats[0].position)).toBe(true);
      // Reader, filter and segmenter agree: each annotated R peak is the largest |lead 0|
      // value of the filtered segment within ±50 ms.
      for (const b of s.beats) {
        let best = b.position;
        const lo = Math.max(0, b.position - 18);
        const hi = Math.min(s.length, b.position + 18);
        for (let k = lo; k < hi; k++) if (Math.abs(s.data[k]) > Math.abs(s.data[best])) best = k;
        expect(Math.abs(best - b.position)).toBeLessThanOrEqual(2);
      }
    }
    expect(db.totals.nPvcSegments).toBe(r.nPvcSegments);
  });

  it.skipIf(!sample.present)('refuses a record without annotations with a one-line error', () => {
    expect(() => prepareMitdb(sample.dir, { records: ['100_3chan'] })).toThrow(BeatlensError);
    expect(() => prepareMitdb(sample.dir, { records: ['100_3chan'] })).toThrow(
      /100_3chan\.atr: annotation file not found/,
    );
  });
});

describe('prepareOriginDataset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'beatlens-origin-'));
  const labelsDir = mkdtempSync(join(tmpdir(), 'beatlens-origin-labels-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(labelsDir, { recursive: true, force: true });
  });
  const twelve = (seed: number, fs: number, seconds: number, origin: 'LVOT' | 'RVOT') =>
    synthesizeRecord({
      seed,
      fs,
      durationSeconds: seconds,
      leadSystem: 'standard-12',
      pvcAxis: outflowPvcAxis(origin, createRng(seed)),
      pvcRate: 0.2,
    });
  // lv1: CSV at 250 Hz, 12 s; rv1 / rv1shuffled: the same 10 s CSV with columns in two orders;
  // ann1: WFDB at 500 Hz with beat annotations; two: a 2-lead CSV; short: 3 s.
  const lv1 = twelve(1, 250, 12, 'LVOT');
  writeCsvRecord(join(dir, 'lv1.csv'), lv1.record);
  const rv1 = twelve(2, 250, 10, 'RVOT');
  writeCsvRecord(join(dir, 'rv1.csv'), rv1.record);
  writeCsvRecord(join(dir, 'rv1shuffled.csv'), rv1.record, [11, 3, 0, 7, 1, 9, 2, 4, 10, 5, 6, 8]);
  const ann1 = twelve(3, 500, 30, 'RVOT');
  writeWfdbRecord(dir, 'ann1', ann1.record, ann1.beats);
  writeCsvRecord(join(dir, 'two.csv'), lv1.record, [0, 1]);
  writeCsvRecord(join(dir, 'short.csv'), twelve(4, 250, 3, 'LVOT').record);
  const labels = (name: string, text: string) => {
    const path = join(labelsDir, name);
    writeFileSync(path, text);
    return path;
  };
  const good = labels(
    'labels.csv',
    'record,label,patient\nlv1,LVOT,P1\nrv1,RVOT,P2\nrv1shuffled,RVOT,P2\n\nann1,RVOT\n',
  );

  it('builds 5000-sample 500 Hz segments labelled by origin from CSV and WFDB records', () => {
    const p = prepareOriginDataset(dir, good, { csvFs: 250 });
    expect(p.classes).toEqual(['LVOT', 'RVOT']);
    expect(p.unlabelled.sort()).toEqual(['short', 'two']);
    const by = Object.fromEntries(p.perRecord.map((r) => [r.recordId, r]));
    // 12 s at 250 Hz → 6000 samples at 500 Hz: one full window; the 1000-sample rest is dropped.
    expect(by.lv1).toMatchObject({ fsIn: 250, mode: 'windows', nSegments: 1, patientId: 'P1' });
    expect(by.ann1).toMatchObject({ fsIn: 500, mode: 'beats', patientId: 'ann1' });
    expect(by.ann1.nBeats).toBe(ann1.beats.length);
    for (const s of p.segments) {
      expect([s.nLeads, s.nSamples, s.fs, s.data.length]).toEqual([12, 5000, 500, 60000]);
      expect(s.label).toBe(by[s.recordId].label);
      expect(s.patientId).toBe(by[s.recordId].patientId);
    }
    // Annotated record: the paper's rule (normal beats + ≥ 1 PVC), beats at their true samples.
    const annSegs = p.segments.filter((s) => s.recordId === 'ann1');
    expect(annSegs.length).toBe(by.ann1.nSegments);
    expect(annSegs.length).toBeGreaterThan(0);
    for (const s of annSegs) {
      expect(s.beats.some((b) => b.symbol === 'V')).toBe(true);
      for (const b of s.beats) {
        expect(
          ann1.beats.some((x) => x.sample === s.offset + b.position && x.symbol === b.symbol),
        ).toBe(true);
      }
    }
    expect(p.counts.RVOT).toBe(2 + annSegs.length);
    // Columns in another order give the same segment: leads are put in standard order by name.
    const [a] = p.segments.filter((s) => s.recordId === 'rv1');
    const [b] = p.segments.filter((s) => s.recordId === 'rv1shuffled');
    expect(b.data).toEqual(a.data);
    expect(p.records.find((r) => r.record.id === 'rv1shuffled')!.record.leadNames).toEqual([
      ...STANDARD_12_LEADS,
    ]);
  });

  it('fails with one line naming the file, row or record', () => {
    const run = (labelsPath: string) => () => prepareOriginDataset(dir, labelsPath, { csvFs: 250 });
    const oneLine = (fn: () => unknown, re: RegExp) => {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BeatlensError);
      const msg = (err as Error).message;
      expect(msg.split('\n')).toHaveLength(1);
      expect(msg).toMatch(re);
    };
    oneLine(run(join(dir, 'nope.csv')), /nope\.csv: labels file not found/);
    oneLine(run(labels('empty.csv', '# nothing\n')), /empty\.csv: no label rows/);
    oneLine(run(labels('short-row.csv', 'lv1,LVOT\nrv1\n')), /short-row\.csv:2: 'rv1': expected/);
    oneLine(
      run(labels('dup.csv', 'lv1,LVOT\nlv1,RVOT\n')),
      /dup\.csv:2: record lv1 is labelled again \(first on line 1\)/,
    );
    oneLine(
      run(labels('bad-label.csv', 'lv1,left ventricle\n')),
      /bad-label\.csv:1: label 'left ventricle'/,
    );
    oneLine(
      run(labels('no-label-col.csv', 'record,origin\nlv1,LVOT\n')),
      /no-label-col\.csv:1: header has no 'label' column/,
    );
    oneLine(
      run(labels('unknown.csv', 'lv1,LVOT\nrv9,RVOT\n')),
      /unknown\.csv:2: record rv9 has no file in .* \(looked for rv9\.hea, rv9\.csv, rv9\.edf\)/,
    );
    oneLine(
      run(labels('two.csv.labels', 'two,LVOT\n')),
      /two\.csv: record two has 2 leads \(I, II\); the pvc-origin task needs the 12 standard leads/,
    );
    oneLine(
      run(labels('short.labels', 'short,LVOT\n')),
      /short\.csv: record short is 3\.00 s long; the pvc-origin task needs at least 5 s/,
    );
    oneLine(
      () => prepareOriginDataset(dir, good),
      /lv1\.csv: a CSV file does not record its sampling frequency/,
    );
    oneLine(
      () => prepareOriginDataset(join(dir, 'missing-dir'), good),
      /missing-dir: folder not found/,
    );
  });

  it('accepts a header in any column order', () => {
    const p = prepareOriginDataset(
      dir,
      labels('reordered.csv', 'patient,label,record\nX9,RVOT,rv1\n'),
      { csvFs: 250 },
    );
    expect(p.perRecord).toMatchObject([{ recordId: 'rv1', label: 'RVOT', patientId: 'X9' }]);
  });

  const ptb = dataset('wfdb-sample-data', 's0010_re.hea');
  it.skipIf(!ptb.present)(
    'takes the 12 standard leads of PTB record s0010_re (15 leads, 1000 Hz) and resamples them',
    () => {
      const path = labels('ptb.csv', 'record,label\ns0010_re,LVOT\n');
      const p = prepareOriginDataset(ptb.dir, path);
      expect(p.perRecord).toMatchObject([
        { recordId: 's0010_re', fsIn: 1000, nLeadsIn: 15, leads: 'standard', mode: 'windows' },
      ]);
      // 38400 samples at 1000 Hz → 19200 at 500 Hz: three full windows and a 4200-sample rest.
      expect(p.segments.map((s) => [s.offset, s.length])).toEqual([
        [0, 5000],
        [5000, 5000],
        [10000, 5000],
        [15000, 4200],
      ]);
      // Lead V1 of the segments is the file's 7th signal ('v1'), processed on its own.
      const raw = readWfdbRecord(join(ptb.dir, 's0010_re'));
      expect(raw.leadNames[6]).toBe('v1');
      const v1 = preprocessRecord(
        { ...raw, signals: [raw.signals[6]], leadNames: ['v1'], units: ['mV'] },
        { fs: 500 },
      );
      const seg = p.segments[1];
      expect(seg.data.subarray(6 * 5000, 7 * 5000)).toEqual(v1.signals[0].subarray(5000, 10000));
      // Zero padding after the 4200 real samples of the last window.
      expect(p.segments[3].data[6 * 5000 + 4200]).toBe(0);
    },
  );
});
