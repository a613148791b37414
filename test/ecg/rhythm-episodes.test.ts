/**
 * Rhythm episodes on synthetic RR series (regular sinus, sinus arrhythmia, AF-like irregular,
 * bigeminy, trigeminy, pauses, runs) and on MIT-BIH records read with the annotation reader:
 * 201 (AF in its rhythm annotations) and 100 (sinus only).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  AF_DEFAULTS,
  beatIrregularity,
  beatsInside,
  detectAf,
  ectopyCorrectedRr,
  ectopyEpisodes,
  fillUndecided,
  findPauses,
  hasRhythmVerdict,
  irregularBeats,
  PETRENAS,
  petrenasDecision,
  rateEpisodes,
} from '../../src-main/ecg/rhythm-episodes';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { BeatlensError } from '../../src-main/errors';
import { dataset } from '../helpers/data';

const FS = 250;

/** R-peak samples from RR intervals in seconds. */
function peaks(rrSeconds: readonly number[], first = 100): number[] {
  const out = [first];
  for (const rr of rrSeconds) out.push(out[out.length - 1] + Math.round(rr * FS));
  return out;
}

/** A deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const repeat = (n: number, f: (i: number) => number): number[] =>
  Array.from({ length: n }, (_, i) => f(i));

describe('detectAf on synthetic RR series', () => {
  it('calls nothing on regular sinus rhythm or sinus arrhythmia', () => {
    expect(detectAf(peaks(repeat(600, () => 0.8)), FS)).toEqual([]);
    // Respiratory sinus arrhythmia: ±10 % over a 4-s breath.
    const rsa = repeat(600, (i) => 0.8 * (1 + 0.1 * Math.sin((2 * Math.PI * i * 0.8) / 4)));
    expect(detectAf(peaks(rsa), FS)).toEqual([]);
  });

  it('calls one AF episode over an irregularly irregular stretch, with its edges near the truth', () => {
    const r = rng(1);
    const sinus1 = repeat(200, () => 0.8);
    const af = repeat(300, () => 0.4 + 0.6 * r()); // 0.4–1.0 s, uniform
    const sinus2 = repeat(200, () => 0.8);
    const s = peaks([...sinus1, ...af, ...sinus2]);
    const eps = detectAf(s, FS);
    expect(eps).toHaveLength(1);
    const e = eps[0];
    expect(e.rhythm).toBe('AF');
    // Within half a window (32 beats of 0.8 s) of the true edges.
    const halfWindowSeconds = (AF_DEFAULTS.windowBeats / 2) * 0.8;
    expect(Math.abs(e.startSample - s[200]) / FS).toBeLessThan(halfWindowSeconds);
    expect(Math.abs(e.endSample - s[500]) / FS).toBeLessThan(halfWindowSeconds);
    expect(e.meanRateBpm).toBeGreaterThan(75);
    expect(e.meanRateBpm).toBeLessThan(95);
    expect(e.maxRateBpm!).toBeGreaterThan(e.meanRateBpm!);
    expect(e.durationSeconds).toBeCloseTo(e.endSeconds - e.startSeconds, 9);
    const inside = irregularBeats(s, FS);
    expect(inside[350]).toBe(true);
    expect(inside[50]).toBe(false);
    expect(inside[650]).toBe(false);
  });

  it('does not call ventricular bigeminy or trigeminy AF, with or without labels', () => {
    const r = rng(2);
    const jitter = (): number => 0.02 * (r() - 0.5);
    const big = repeat(600, (i) => (i % 2 === 0 ? 0.5 : 1.1) + jitter());
    const tri = repeat(600, (i) => [0.8, 0.5, 1.1][i % 3] + jitter());
    expect(detectAf(peaks(big), FS)).toEqual([]);
    expect(detectAf(peaks(tri), FS)).toEqual([]);
    const bigLabels = Array.from({ length: 601 }, (_, i) => (i % 2 === 1 ? 'V' : 'N'));
    expect(detectAf(peaks(big), FS, {}, { labels: bigLabels })).toEqual([]);
  });

  it('drops episodes shorter than minEpisodeSeconds and gives no verdict on a short record', () => {
    const r = rng(3);
    const s = peaks([
      ...repeat(200, () => 0.8),
      ...repeat(30, () => 0.4 + 0.6 * r()),
      ...repeat(200, () => 0.8),
    ]);
    expect(detectAf(s, FS)).toEqual([]);
    const short = peaks(repeat(12, () => 0.4 + 0.6 * r()));
    expect(hasRhythmVerdict(short.length)).toBe(false);
    expect(detectAf(short, FS)).toEqual([]);
    expect(beatIrregularity(short, FS).every((v) => v === null)).toBe(true);
    expect(hasRhythmVerdict(AF_DEFAULTS.windowBeats + 1)).toBe(true);
  });

  it('fills undecided beats only between irregular ones of one sequence', () => {
    expect(fillUndecided([true, null, null, true, null, false])).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(fillUndecided([true, null, true], new Set([1]))).toEqual([true, false, true]);
    expect(fillUndecided([false, null, true])).toEqual([false, false, true]);
  });

  it('refuses unsorted peaks and mismatched labels in one line', () => {
    expect(() => detectAf([10, 5], FS)).toThrow(BeatlensError);
    expect(() => detectAf([1, 2, 3], FS, {}, { labels: ['N'] })).toThrow(/labels for 3 R peaks/);
    expect(() => detectAf([1, 2, 3], 0)).toThrow(/fs=0/);
  });
});

describe('the two detectors and ectopy correction', () => {
  it('ectopyCorrectedRr sets the intervals around each V/F run to their mean, edges kept', () => {
    // Beats 0..6; beat 2 is V (0.5 then 1.1 → 0.8, 0.8); beats 4-5 are a V run (3 intervals).
    const s = peaks([0.8, 0.5, 1.1, 0.4, 0.4, 1.6]);
    const lab = ['N', 'N', 'V', 'N', 'V', 'V', 'N'];
    const rr = ectopyCorrectedRr(s, FS, 0, 6, (k) => lab[k] === 'V');
    expect(rr.map((x) => +x.toFixed(3))).toEqual([0.8, 0.8, 0.8, 0.8, 0.8, 0.8]);
    // A run at the sequence's end has no beat after it: its intervals stay.
    const edge = ectopyCorrectedRr(s, FS, 0, 6, (k) => k === 6);
    expect(edge[5]).toBeCloseTo(1.6, 9);
  });

  it('petrenasDecision: high in irregular RR, near 0 in regular and bigeminal RR (its published numbers)', () => {
    expect(PETRENAS).toEqual({ N: 8, gamma: 0.03, alpha: 0.02, delta: 2e-4, eta: 0.725 });
    const r = rng(4);
    const af = petrenasDecision(repeat(300, () => 0.4 + 0.6 * r()));
    const regular = petrenasDecision(repeat(300, () => 0.8));
    const bigeminy = petrenasDecision(repeat(300, (i) => (i % 2 === 0 ? 0.5 : 1.1)));
    expect(Math.min(...af.slice(80, 220))).toBeGreaterThan(PETRENAS.eta);
    expect(Math.max(...regular)).toBeLessThan(0.01);
    expect(Math.max(...bigeminy)).toBeLessThan(PETRENAS.eta);
  });

  it('AF with frequent V beats stays AF (their intervals interpolated, not removed)', () => {
    const r = rng(5);
    const rr: number[] = [];
    const labels = ['N'];
    for (let i = 0; i < 400; i++) {
      if (i % 4 === 3) {
        // A PVC: short coupling then the next AF interval.
        rr.push(0.4);
        labels.push('V');
      } else {
        rr.push(0.5 + 0.6 * r());
        labels.push('N');
      }
    }
    const s = peaks(rr);
    const eps = detectAf(s, FS, {}, { labels });
    expect(eps).toHaveLength(1);
    expect(eps[0].durationSeconds).toBeGreaterThan(0.8 * ((s[400] - s[0]) / FS));
  });

  it('the combined verdict is irregular only where Petrėnas and Dash both are', () => {
    // Skewed beat-to-beat variability near both detectors' thresholds.
    const r = rng(6);
    const s = peaks(repeat(600, () => 0.6 + 0.25 * r() ** 3));
    const both = beatIrregularity(s, FS);
    const pet = beatIrregularity(s, FS, { method: 'petrenas' });
    const dash = beatIrregularity(s, FS, { method: 'dash' });
    expect(both.some((v) => v === true)).toBe(true);
    expect(dash.filter((v) => v === true).length).toBeGreaterThan(
      both.filter((v) => v === true).length,
    );
    both.forEach((v, i) => {
      if (v === true) expect([pet[i], dash[i]]).toEqual([true, true]);
      if (v === false) expect(pet[i] === false || dash[i] === false).toBe(true);
    });
  });
});

describe('pauses, rates and ectopic runs', () => {
  it('finds pauses at the threshold and not across a sequence break', () => {
    const s = peaks([0.8, 0.8, 3.0, 0.8, 2.0, 1.99, 0.8, 4.0]);
    const p = findPauses(s, FS, 2);
    expect(p.map((x) => x.durationSeconds)).toEqual([3, 2, 4]);
    expect(p[0].startSample).toBe(s[2]);
    expect(p[0].endSample).toBe(s[3]);
    expect(p[0].meanRateBpm).toBeNull();
    expect(findPauses(s, FS, 3, new Set([8])).map((x) => x.durationSeconds)).toEqual([3]);
  });

  it('finds bradycardia and tachycardia that last long enough', () => {
    const s = peaks([
      ...repeat(60, () => 0.8),
      ...repeat(40, () => 1.6),
      ...repeat(60, () => 0.8),
      ...repeat(100, () => 0.4),
    ]);
    const eps = rateEpisodes(s, FS);
    expect(eps.map((e) => e.rhythm)).toEqual(['bradycardia', 'tachycardia']);
    expect(eps[0].meanRateBpm).toBeCloseTo(37.5, 0);
    expect(eps[1].maxRateBpm).toBeCloseTo(150, 0);
  });

  it('finds VT and SVT runs of ≥ 3 beats faster than 100 bpm, bigeminy and trigeminy', () => {
    const labels = [...'NNNVVVNNSSSSNN', ...'NVNVNVNV', ...'NNVNNVNNV', 'N'];
    const s = peaks(repeat(labels.length - 1, () => 0.5));
    const eps = ectopyEpisodes(s, FS, labels);
    const kinds = eps.map((e) => `${e.rhythm}:${e.nBeats}`);
    expect(kinds).toEqual(['VT:3', 'SVT:4', 'bigeminy:8', 'trigeminy:9']);
    // Too slow for a run at 1.0 s per beat (60 bpm).
    const slow = ectopyEpisodes(peaks(repeat(labels.length - 1, () => 1.0)), FS, labels);
    expect(slow.filter((e) => e.rhythm === 'VT' || e.rhythm === 'SVT')).toEqual([]);
  });

  it('beatsInside marks the beats of an episode, edges included', () => {
    expect(beatsInside([10, 20, 30, 40], [{ startSample: 20, endSample: 30 }])).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
});

const mitdb = dataset('mitdb', '201.atr');

describe.skipIf(!mitdb.present)('detectAf on MIT-BIH (annotated R peaks and labels)', () => {
  const load = (r: string) => {
    const b = readBeats(join(mitdb.dir, `${r}.hea`));
    return { samples: b.map((x) => x.sample), labels: b.map((x) => x.aami) };
  };

  it('201: AF episodes covering most of its annotated AF (about a third of the record)', () => {
    const { samples, labels } = load('201');
    const eps = detectAf(samples, 360, {}, { labels });
    const afSeconds = eps.reduce((t, e) => t + e.durationSeconds, 0);
    expect(eps.length).toBeGreaterThan(0);
    expect(afSeconds).toBeGreaterThan(400);
    expect(afSeconds).toBeLessThan(900);
  });

  it('100 and 119 (ventricular bigeminy / trigeminy): no AF', () => {
    for (const r of ['100', '119']) {
      const { samples, labels } = load(r);
      expect(detectAf(samples, 360, {}, { labels })).toEqual([]);
    }
  });
});
