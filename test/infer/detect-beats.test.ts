import { describe, expect, it } from 'vitest';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { detectQrs } from '../../src-main/ecg/qrs';
import {
  chooseDetectionLeads,
  DETECT_CHUNK_SECONDS,
  detectBeats,
  EDGE_SECONDS,
  MIN_CHOICE_SECONDS,
} from '../../src-main/infer/infer-record';
import { createRng } from '../../src-main/random';

describe('detectBeats on a record longer than one detector chunk', () => {
  const seconds = 2.5 * DETECT_CHUNK_SECONDS;
  const { record, beats } = synthesizeRecord({ seed: 5, durationSeconds: seconds, pvcRate: 0.05 });
  const lead = record.signals[0];

  it('finds the beats the whole-record detector finds, once each, across the hour edges', () => {
    const chunked = detectBeats(lead, [], record.fs);
    const whole = detectQrs(lead, record.fs);
    expect(chunked.length).toBeGreaterThan(0.9 * beats.length);
    expect(Math.abs(chunked.length - whole.length)).toBeLessThanOrEqual(3);
    const set = new Set(whole);
    const same = chunked.filter((s) => set.has(s)).length;
    expect(same / whole.length).toBeGreaterThan(0.999);
    for (let i = 1; i < chunked.length; i++) {
      expect(chunked[i] - chunked[i - 1]).toBeGreaterThan(0.2 * record.fs);
    }
    // What the whole-record detector finds at the hour edges, the chunked one finds too.
    for (const k of [1, 2]) {
      const edge = k * DETECT_CHUNK_SECONDS * record.fs;
      const near = whole.filter((s) => Math.abs(s - edge) < 5 * record.fs);
      expect(near.length).toBeGreaterThan(5);
      expect(chunked.filter((s) => Math.abs(s - edge) < 5 * record.fs)).toEqual(near);
    }
  });

  it('zeroes excluded stretches, in whichever hour they fall', () => {
    const start = Math.round((DETECT_CHUNK_SECONDS - 30) * record.fs);
    const end = Math.round((DETECT_CHUNK_SECONDS + 30) * record.fs);
    const got = detectBeats(lead, [{ start, end, reason: 'flat', lead: 'MLII' }], record.fs);
    expect(got.filter((s) => s >= start + record.fs && s < end - record.fs)).toEqual([]);
    expect(
      got.filter((s) => s >= end + record.fs && s < end + 20 * record.fs).length,
    ).toBeGreaterThan(5);
  });
});

describe('detectBeats at the record edges', () => {
  it('drops what the detector finds within EDGE_SECONDS of either end, and nothing else', () => {
    // A record cut 60 ms after an R peak at its end and 60 ms before one at its start (LUDB's
    // 10-s records end on such a partial beat, 26 ms from the end).
    const { record, beats } = synthesizeRecord({ seed: 7, durationSeconds: 14, pvcRate: 0 });
    const fs = record.fs;
    const first = beats.find((b) => b.sample > 1 * fs)!.sample;
    const last = [...beats].reverse().find((b) => b.sample < 13 * fs)!.sample;
    const cut = record.signals[0].subarray(
      first - Math.round(0.06 * fs),
      last + Math.round(0.06 * fs),
    );
    const whole = detectQrs(cut, fs);
    const edge = EDGE_SECONDS * fs;
    const inEdges = whole.filter((s) => s < edge || s >= cut.length - edge);
    expect(inEdges.length).toBeGreaterThan(0);
    expect(detectBeats(cut, [], fs)).toEqual(whole.filter((s) => !inEdges.includes(s)));
  });
});

describe('chooseDetectionLeads', () => {
  const { record } = synthesizeRecord({ seed: 9, durationSeconds: 90, pvcRate: 0.02 });
  const fs = record.fs;
  const good = record.signals[0];
  const rng = createRng(4);
  // A lead whose QRS is all but gone under noise (a poor V1).
  const poor = good.map((v) => 0.002 * v + 0.05 * rng.normal());

  it('keeps a good first lead, and passes a poor first lead over for a good second one', () => {
    expect(chooseDetectionLeads([good, poor], [], fs)).toEqual([0]);
    const picked = chooseDetectionLeads([poor, good], [], fs);
    expect(picked).not.toEqual([0]);
    expect(picked).toContain(1);
    expect(chooseDetectionLeads([good], [], fs)).toEqual([0]);
  });

  it('keeps the first lead of a record shorter than MIN_CHOICE_SECONDS', () => {
    const n = Math.round((MIN_CHOICE_SECONDS - 1) * fs);
    expect(chooseDetectionLeads([poor.subarray(0, n), good.subarray(0, n)], [], fs)).toEqual([0]);
  });
});
