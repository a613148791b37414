import { describe, expect, it } from 'vitest';
import type { EcgRecord } from '../../src-main/ecg/types';
import { parsePresentations, presented } from '../../src-main/evaluate/presentations';

function record(nLeads: number): EcgRecord {
  const signals = Array.from({ length: nLeads }, (_, l) =>
    Float32Array.from({ length: 360 }, (_, i) => Math.sin(i / 10) * (l + 1)),
  );
  return {
    id: 'r',
    patientId: 'r',
    fs: 360,
    nSamples: 360,
    leadNames: ['MLII', 'V1'].slice(0, nLeads),
    units: ['mV', 'uV'].slice(0, nLeads),
    signals,
    source: 'test',
  } as EcgRecord;
}

describe('a record as another recorder would give it', () => {
  it('swaps the leads under names the model does not know, inverts, or keeps the second lead', () => {
    const r = record(2);
    const s = presented(r, 'swapped');
    expect(s.leadNames).toEqual(['ECG1', 'ECG2']);
    expect(s.units).toEqual(['uV', 'mV']);
    expect(s.signals[0]).toBe(r.signals[1]);
    expect(presented(r, 'inverted').signals[1][5]).toBeCloseTo(-r.signals[1][5]);
    const one = presented(r, 'one-lead');
    expect(one.leadNames).toEqual(['V1']);
    expect(one.signals).toEqual([r.signals[1]]);
  });

  it('resamples keeping the duration', () => {
    const s = presented(record(2), '128hz');
    expect(s.fs).toBe(128);
    expect(s.nSamples).toBe(128);
  });

  it('refuses a one-lead record where two are needed, and an unknown name, in one line', () => {
    expect(() => presented(record(1), 'swapped')).toThrow(/needs a record with two leads/);
    expect(parsePresentations('swapped, inverted')).toEqual(['swapped', 'inverted']);
    expect(parsePresentations('')).toEqual([]);
    expect(() => parsePresentations('swapped,upside-down')).toThrow(
      /unknown presentation 'upside-down'/,
    );
  });
});
