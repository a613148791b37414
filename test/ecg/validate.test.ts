import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../src-main/ecg/validate';
import type { EcgRecord } from '../../src-main/ecg/types';
import { BeatlensError } from '../../src-main/errors';

function record(over: Partial<EcgRecord> = {}): EcgRecord {
  const nSamples = over.nSamples ?? 3000;
  return {
    id: '100',
    patientId: '100',
    fs: 360,
    nSamples,
    leadNames: ['MLII', 'V5'],
    units: ['mV', 'mV'],
    signals: [0, 1].map((l) =>
      Float32Array.from({ length: nSamples }, (_, i) => Math.sin(i / (10 + l))),
    ),
    source: 'test',
    ...over,
  };
}

/** The error thrown by fn (fails the test when nothing is thrown). */
function errorOf(fn: () => void): BeatlensError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BeatlensError);
    return e as BeatlensError;
  }
  throw new Error('expected a BeatlensError');
}

describe('validateRecord', () => {
  it('accepts a well-formed record', () => {
    expect(() => validateRecord(record(), { fs: 360, nLeads: 2, minSamples: 2000 })).not.toThrow();
  });

  it('names the record and both rates on fs mismatch', () => {
    const e = errorOf(() => validateRecord(record({ fs: 250 }), { fs: 360 }));
    expect(e.code).toBe('fs-mismatch');
    expect(e.message).toMatch(/^record 100: fs=250 Hz but the model was trained at 360 Hz/);
    expect(e.message).not.toMatch(/\n/);
  });

  it('reports a wrong lead count', () => {
    const e = errorOf(() => validateRecord(record(), { nLeads: 12 }));
    expect(e.code).toBe('lead-count-mismatch');
    expect(e.message).toBe('record 100: has 2 leads but the model expects 12');
  });

  it('reports NaN and Infinity with lead and sample', () => {
    const r = record();
    r.signals[1][1234] = Number.NaN;
    const e = errorOf(() => validateRecord(r));
    expect(e.code).toBe('record-nonfinite');
    expect(e.message).toMatch(/record 100: lead 1 \(V5\) has NaN at sample 1234/);
    const r2 = record();
    r2.signals[0][5] = Number.POSITIVE_INFINITY;
    expect(errorOf(() => validateRecord(r2)).message).toMatch(
      /lead 0 \(MLII\) has Infinity at sample 5/,
    );
  });

  it('reports a flat lead', () => {
    const r = record();
    r.signals[1] = new Float32Array(r.nSamples).fill(0.5);
    const e = errorOf(() => validateRecord(r));
    expect(e.code).toBe('record-flat-lead');
    expect(e.message).toMatch(/record 100: lead 1 \(V5\) is flat \(std=0\.00e\+0 mV/);
  });

  it('reports a record shorter than one segment', () => {
    const e = errorOf(() => validateRecord(record({ nSamples: 1000 }), { minSamples: 2000 }));
    expect(e.code).toBe('record-too-short');
    expect(e.message).toMatch(
      /record 100: 1000 samples \(2\.78 s\) is shorter than one segment of 2000 samples/,
    );
  });

  it('reports signals whose length disagrees with nSamples', () => {
    const r = record();
    r.signals[0] = r.signals[0].subarray(0, 10);
    expect(errorOf(() => validateRecord(r)).code).toBe('record-shape');
  });
});
