/**
 * Beat templates: beats of two morphologies (and one odd beat) are separated, clusters come
 * largest first with the odd one marked, the result does not depend on the order of `samples`,
 * and inputs are not mutated.
 */
import { describe, expect, it } from 'vitest';
import { clusterBeats } from '../../src-main/ecg/templates';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';

const fs = 360;

/** A signal with narrow upright beats, wide inverted beats, and one biphasic beat. */
function pulses(): { signal: Float32Array; narrow: number[]; wide: number[]; odd: number } {
  const n = 60 * fs;
  const signal = new Float32Array(n);
  const narrow: number[] = [];
  const wide: number[] = [];
  const add = (at: number, shape: (t: number) => number, halfWidth: number) => {
    for (let t = -halfWidth; t <= halfWidth; t++) signal[at + t] += shape(t / halfWidth);
  };
  let k = 0;
  for (let at = fs; at < n - fs; at += Math.round(0.8 * fs), k++) {
    if (k === 20) continue;
    if (k % 6 === 5) {
      wide.push(at);
      add(at, (x) => -1.2 * Math.exp(-8 * x * x), 40);
    } else {
      narrow.push(at);
      add(at, (x) => Math.exp(-20 * x * x), 12);
    }
  }
  const odd = Math.round(0.8 * fs) * 20 + fs;
  add(odd, (x) => Math.sin(Math.PI * x) * Math.exp(-2 * x * x), 30);
  // A little noise, deterministic.
  for (let i = 0; i < n; i++) signal[i] += 0.02 * Math.sin(i * 0.37) * Math.cos(i * 0.011);
  return { signal, narrow, wide, odd };
}

describe('clusterBeats', () => {
  it('separates morphologies, sorts clusters by size and marks the odd one', () => {
    const { signal, narrow, wide, odd } = pulses();
    const samples = [...narrow, ...wide, odd];
    const copy = Float32Array.from(signal);
    const { clusters, halfWindow } = clusterBeats(signal, fs, samples);
    expect(halfWindow).toBe(Math.round(0.3 * fs));
    expect(clusters.map((c) => c.members.length)).toEqual([narrow.length, wide.length, 1]);
    expect(clusters[0].members.map((i) => samples[i])).toEqual(narrow);
    expect(clusters[1].members.map((i) => samples[i])).toEqual(wide);
    expect(clusters[2].members.map((i) => samples[i])).toEqual([odd]);
    expect(clusters.map((c) => c.odd)).toEqual([false, wide.length < 0.05 * samples.length, true]);
    // The mean of the narrow beats peaks at R, the wide ones' mean dips there.
    const peak = (m: Float32Array) => m.indexOf(Math.max(...m));
    expect(peak(clusters[0].mean)).toBe(halfWindow);
    expect(clusters[1].mean[halfWindow]).toBeLessThan(0);
    expect(clusters[0].meanCorrelation).toBeGreaterThan(0.99);
    expect(clusters[0].traces.length).toBe(30);
    expect(signal).toEqual(copy);
  });

  it('does not depend on the order of the samples; a high threshold splits more', () => {
    const { signal, narrow, wide, odd } = pulses();
    const sorted = [...narrow, ...wide, odd];
    const shuffled = [odd, ...[...wide].reverse(), ...[...narrow].reverse()];
    const groups = (samples: number[]) =>
      clusterBeats(signal, fs, samples).clusters.map((c) =>
        c.members.map((i) => samples[i]).sort((x, y) => x - y),
      );
    expect(groups(shuffled)).toEqual(groups(sorted));
    const strict = clusterBeats(signal, fs, [...narrow], { threshold: 0.99999, maxClusters: 3 });
    expect(strict.clusters.length).toBeGreaterThan(1);
    expect(strict.clusters.length).toBeLessThanOrEqual(4);
    expect(strict.clusters.reduce((n, c) => n + c.members.length, 0)).toBe(narrow.length);
  });

  it('finds the synthetic record’s PVCs apart from its normal beats', () => {
    const { record, beats } = synthesizeRecord({ seed: 3, durationSeconds: 120, pvcRate: 0.1 });
    const samples = beats.map((b) => b.sample);
    const { clusters } = clusterBeats(record.signals[0], record.fs, samples);
    const big = clusters[0].members.map((i) => beats[i].aami);
    const nShare = big.filter((l) => l === 'N').length / big.length;
    expect(nShare).toBeGreaterThan(0.95);
    // Most PVCs are outside the largest (normal) cluster.
    const pvcs = beats.filter((b) => b.aami === 'V').length;
    expect(pvcs).toBeGreaterThan(3);
    expect(big.filter((l) => l === 'V').length).toBeLessThan(pvcs / 2);
  });
});
