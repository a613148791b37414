import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatPreparedCounts,
  listWfdbRecords,
  mitdbPatientId,
  prepareMitdb,
} from '../../src-main/ecg/prepare';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { BeatlensError } from '../../src-main/errors';
import { dataset } from '../helpers/data';

const sample = dataset('wfdb-sample-data', '100.atr');

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
  const only = (g: string[], x: string) => g.includes(x) && g.every((s) => s === 'N' || s === x);
  const PVC = groups.filter((g) => only(g, 'V')).length;
  const APB = groups.filter((g) => !only(g, 'V') && only(g, 'A')).length;
  return { PVC, APB, discarded: groups.length - PVC - APB };
}

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
