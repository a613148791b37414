/** The record quality: fractions, statistics, bounds check and the one line, on hand-made input. */
import { describe, expect, it } from 'vitest';
import type { ExcludedStretch } from '../../src-main/infer/infer-record';
import {
  coveredFraction,
  measureBeat,
  outOfBounds,
  parseQualityBounds,
  recordQuality,
  recordStats,
  type QualityBounds,
  type RecordStats,
} from '../../src-main/infer/record-quality';

const BOUNDS: QualityBounds = {
  measuredOn: 'test',
  margin: 0.25,
  medianCorrelation: [0.5, 1],
  ectopicFraction: [0, 0.4],
  medianRrSeconds: [0.4, 1.3],
  rrIrregularity: [0, 0.5],
  qrsAmplitude: [
    [2, 12],
    [0.2, 10],
  ],
  noise: [
    [0.001, 0.015],
    [0.001, 0.05],
  ],
  between: [
    [0.02, 0.2],
    [0.02, 0.4],
  ],
  polarity: [
    [-1, 1],
    [-1, 1],
  ],
  typicalNoise: [0.004, 0.012],
  typicalBetween: [0.06, 0.12],
};

const FINE: RecordStats = {
  medianCorrelation: 0.97,
  ectopicFraction: 0.02,
  medianRrSeconds: 0.8,
  rrIrregularity: 0.03,
  qrsAmplitude: [6, 5],
  noise: [0.004, 0.01],
  between: [0.05, 0.1],
  polarity: [0.7, -0.5],
};

const stretch = (
  start: number,
  end: number,
  reason: ExcludedStretch['reason'],
): ExcludedStretch => ({
  start,
  end,
  reason,
  lead: 'MLII',
});

describe('coveredFraction', () => {
  it('counts overlapping stretches once, by reason or in all, clamped to the record', () => {
    const xs = [
      stretch(0, 100, 'flat'),
      stretch(50, 150, 'non-finite'),
      stretch(900, 1200, 'flat'),
    ];
    expect(coveredFraction(xs, 1000)).toBeCloseTo(0.25, 10);
    expect(coveredFraction(xs, 1000, 'flat')).toBeCloseTo(0.2, 10);
    expect(coveredFraction(xs, 1000, 'non-finite')).toBeCloseTo(0.1, 10);
    expect(coveredFraction([], 1000)).toBe(0);
  });
});

describe('recordQuality', () => {
  it('prints the one line of a clean record', () => {
    const q = recordQuality({
      nSamples: 100000,
      nBeats: 1000,
      nBeatsAnalysed: 987,
      excluded: [stretch(0, 800, 'non-finite'), stretch(5000, 5400, 'flat')],
      stats: FINE,
      leads: ['MLII', 'V1'],
      bounds: BOUNDS,
    });
    expect(q.outOfDistribution).toBe(false);
    expect(q.line).toBe(
      'quality: 98.7 % of beats analysable, 1.2 % of time excluded (lead-off 0.8 %, flat 0.4 %), noise low; looks like the training data',
    );
  });

  it('says why a record is unlike the training data, naming the lead', () => {
    const stats = {
      ...FINE,
      noise: [0.2, 0.01],
      between: [0.05, 0.5],
      medianCorrelation: 0.2,
      medianRrSeconds: 2,
    };
    const q = recordQuality({
      nSamples: 1000,
      nBeats: 50,
      nBeatsAnalysed: 50,
      excluded: [],
      stats,
      leads: ['ECG1', 'ECG2'],
      bounds: BOUNDS,
    });
    expect(q.outOfDistribution).toBe(true);
    expect(q.noiseLevel).toBe('high');
    expect(q.line).toMatch(
      /^quality: 100\.0 % of beats analysable, 0\.0 % of time excluded, noise high; unlike the training data: /,
    );
    expect(q.reasons).toEqual([
      'beats differ from the dominant beat (median QRS correlation 0.20, training 0.50–1.0)',
      'heart rate 30 bpm (training 46–150 bpm)',
      'noise on ECG1 0.20 of the QRS (training at most 0.015)',
      'signal between QRS complexes on ECG2 0.50 of the QRS (training at most 0.40)',
    ]);
    expect(q.line.includes('\n')).toBe(false);
  });

  it('does not compare a record with too few beats, or a model without bounds', () => {
    const base = { nSamples: 1000, excluded: [], stats: FINE, leads: ['MLII', 'V1'] };
    const few = recordQuality({ ...base, nBeats: 5, nBeatsAnalysed: 5, bounds: BOUNDS });
    expect(few.outOfDistribution).toBeNull();
    expect(few.line).toMatch(/not compared with the training data: too few beats \(5\)/);
    const none = recordQuality({
      ...base,
      nBeats: 0,
      nBeatsAnalysed: 0,
      excluded: [stretch(0, 1000, 'flat')],
    });
    expect(none.line).toBe(
      'quality: no beats found to analyse, 100.0 % of time excluded (flat 100.0 %), noise low; not compared with the training data: too few beats (0) to compare with the training data',
    );
    const unbounded = recordQuality({ ...base, nBeats: 50, nBeatsAnalysed: 50 });
    expect(unbounded.line).toMatch(
      /not compared with the training data: the model has no training bounds/,
    );
  });

  it('flags the ectopic fraction, irregular RR, QRS size and polarity outside their bounds', () => {
    const b = { ...BOUNDS, polarity: [[0, 1] as [number, number], BOUNDS.polarity[1]] };
    const s = {
      ...FINE,
      ectopicFraction: 0.9,
      rrIrregularity: 0.8,
      qrsAmplitude: [1, 5],
      polarity: [-0.8, -0.5],
    };
    const r = outOfBounds(s, b, ['II', 'V1']);
    expect(r).toHaveLength(4);
    expect(r[0]).toBe('90.0 % of beats labelled V or S (training at most 40.0 %)');
    expect(r[1]).toMatch(/^RR intervals irregular/);
    expect(r[2]).toMatch(/^QRS on II small/);
    expect(r[3]).toMatch(/^QRS polarity on II -0.80/);
  });
});

describe('parseQualityBounds', () => {
  it('takes well-formed bounds and refuses anything else', () => {
    expect(parseQualityBounds(JSON.parse(JSON.stringify(BOUNDS)))).toEqual(BOUNDS);
    expect(parseQualityBounds(undefined)).toBeUndefined();
    expect(parseQualityBounds({ ...BOUNDS, noise: [[0, 'x']] })).toBeUndefined();
    expect(parseQualityBounds({ ...BOUNDS, medianCorrelation: [0.5] })).toBeUndefined();
  });
});

describe('recordStats and measureBeat', () => {
  it('measures QRS amplitude, noise between QRS complexes and the dominant beat polarity', () => {
    const fs = 100;
    const n = 200;
    // One lead of an NWC input (1 channel): a spike of height 4 at sample 50, a sawtooth of
    // ±0.1 from sample 70 on (second difference ±0.4 every sample).
    const x = new Float32Array(n);
    x[50] = 4;
    for (let t = 70; t < n; t++) x[t] = t % 2 ? 0.1 : -0.1;
    const amp = new Float32Array(1);
    const noise = new Float32Array(1);
    const between = new Float32Array(1);
    measureBeat(x, 0, 50, 0, n, n, 1, 1, fs, amp, noise, between);
    expect(amp[0]).toBeCloseTo(4, 6);
    // Samples 1…199 outside ±10 of 50; the sawtooth's second differences are ±0.4.
    expect(noise[0]).toBeGreaterThan(0.3);
    expect(noise[0]).toBeLessThan(0.4);
    expect(between[0]).toBeGreaterThan(0.07); // ±0.1 over 129 of 178 samples
    expect(between[0]).toBeLessThan(0.1);
    const beats = [0.8, 0.8, 1.2, 0.8].map((rr) => ({ label: 'N', correlation: 0.9, rrPrev: rr }));
    beats[2].label = 'V';
    const template = new Float32Array(21);
    template[10] = -2; // all downward
    const s = recordStats(
      beats,
      [4, 4, 4, 4],
      [0.4, 0.4, 0.4, 0.4],
      [0.2, 0.2, 0.2, 0.2],
      1,
      template,
    );
    expect(s.medianRrSeconds).toBeCloseTo(0.8, 10);
    expect(s.rrIrregularity).toBeCloseTo(0.4 / 0.8, 10);
    expect(s.ectopicFraction).toBe(0.25);
    expect(s.noise[0]).toBeCloseTo(0.1, 6);
    expect(s.between[0]).toBeCloseTo(0.05, 6);
    expect(s.polarity[0]).toBe(-1);
  });
});
