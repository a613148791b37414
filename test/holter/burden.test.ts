/**
 * The PVC-burden figures on hand-built beat sequences: every counter at its boundaries (isolated
 * vs couplet vs run, 2 vs 3 bigeminy cycles, a V that ends a cycle), heart-rate windows, pauses,
 * hours, wall-clock times, urgent findings, and a record with an excluded stretch.
 */
import { describe, expect, it } from 'vitest';
import type { AamiClass } from '../../src-main/ecg/types';
import { BeatlensError } from '../../src-main/errors';
import { computeBurden, elapsed, wallClock, type BurdenBeat } from '../../src-main/holter/burden';

const FS = 100;

/** Beats labelled by `labels` ('NNV…'), one every `rr` samples from sample `first`. */
function beats(labels: string, rr = FS, first = 50): BurdenBeat[] {
  return [...labels].map((l, i) => ({ sample: first + i * rr, label: l as AamiClass }));
}

/** A record just long enough for the beats (plus a second). */
function burden(b: BurdenBeat[], extra: Partial<Parameters<typeof computeBurden>[0]> = {}) {
  const nSamples = (b.length ? Math.max(...b.map((x) => x.sample)) : 0) + FS;
  return computeBurden({ beats: b, fs: FS, nSamples, ...extra });
}

describe('computeBurden: ventricular ectopy', () => {
  it('tells isolated beats, couplets and runs apart at their boundaries', () => {
    // V, VV, VVV, VVVVV between normal beats.
    const r = burden(beats('NNVNNVVNNVVVNNVVVVVNN'));
    expect(r.pvcCount).toBe(11);
    expect(r.ventricular.count).toBe(11);
    expect(r.ventricular.isolated).toBe(1);
    expect(r.ventricular.couplets).toBe(1);
    expect(r.ventricular.runs).toBe(2);
    expect(r.ventricular.runList.map((x) => x.beats)).toEqual([3, 5]);
    expect(r.ventricular.longestRun?.beats).toBe(5);
    expect(r.totalBeats).toBe(21);
    expect(r.burdenPercent).toBeCloseTo((100 * 11) / 21, 10);
  });

  it("gives a run's rate from its first to its last beat and picks the fastest", () => {
    // A slow run (1 s apart: 60 bpm) and a fast one (0.4 s apart: 150 bpm).
    const slow = beats('NNVVVNN', FS, 50);
    const fast = [...'VVVV'].map((l, i) => ({ sample: 800 + i * 40, label: l as AamiClass }));
    const tail = beats('NN', FS, 1000);
    const r = burden([...slow, ...fast, ...tail]);
    expect(r.ventricular.runs).toBe(2);
    expect(r.ventricular.runList[0].rateBpm).toBeCloseTo(60, 10);
    expect(r.ventricular.runList[1].rateBpm).toBeCloseTo(150, 10);
    expect(r.ventricular.fastestRun?.start.sample).toBe(800);
    expect(r.ventricular.longestRun?.beats).toBe(4);
    expect(r.ventricular.longestRun?.end.sample).toBe(800 + 3 * 40);
  });

  it('counts supraventricular beats, couplets and runs the same way', () => {
    const r = burden(beats('NSNNSSNNSSSSNV'));
    expect(r.supraventricular.count).toBe(7);
    expect(r.supraventricular.isolated).toBe(1);
    expect(r.supraventricular.couplets).toBe(1);
    expect(r.supraventricular.runs).toBe(1);
    expect(r.supraventricular.longestRun?.beats).toBe(4);
    expect(r.ventricular.count).toBe(1);
    expect(r.labelCounts).toEqual({ N: 6, S: 7, V: 1, F: 0, Q: 0 });
  });
});

describe('computeBurden: bigeminy and trigeminy', () => {
  it('needs three N-V cycles for a bigeminy episode', () => {
    expect(burden(beats('NNNVNVNN')).bigeminy.episodes).toBe(0); // 2 cycles
    const r = burden(beats('NNNVNVNVNN')); // 3 cycles
    expect(r.bigeminy.episodes).toBe(1);
    expect(r.bigeminy.list[0].cycles).toBe(3);
    expect(r.bigeminy.list[0].start.sample).toBe(50 + 2 * FS);
    expect(r.bigeminy.list[0].end.sample).toBe(50 + 7 * FS);
    // The V beats of the episode are isolated PVCs too.
    expect(r.ventricular.isolated).toBe(3);
  });

  it('does not count a cycle whose V is followed by another V (a couplet)', () => {
    // N V N V N V V: the third cycle's V starts a couplet, so only 2 clean cycles.
    const r = burden(beats('NNVNVNVVNN'));
    expect(r.bigeminy.episodes).toBe(0);
    expect(r.ventricular.couplets).toBe(1);
    // With a fourth clean cycle before the couplet it is an episode of 3.
    const r4 = burden(beats('NNVNVNVNVVNN'));
    expect(r4.bigeminy.episodes).toBe(1);
    expect(r4.bigeminy.list[0].cycles).toBe(3);
  });

  it('counts long episodes once, with all their cycles, and trigeminy on N-N-V', () => {
    const r = burden(beats(`NN${'NV'.repeat(6)}NNNN${'NV'.repeat(3)}N`));
    expect(r.bigeminy.episodes).toBe(2);
    expect(r.bigeminy.cycles).toBe(9);
    expect(r.trigeminy.episodes).toBe(0);
    const t = burden(beats(`N${'NNV'.repeat(2)}NNNN${'NNV'.repeat(4)}N`));
    expect(t.trigeminy.episodes).toBe(1);
    expect(t.trigeminy.list[0].cycles).toBe(4);
    expect(t.bigeminy.episodes).toBe(0);
  });
});

describe('computeBurden: heart rate, pauses and hours', () => {
  it('takes min, mean and max heart rate over 8-beat windows, timed at the window middle', () => {
    // 20 beats 1 s apart (60 bpm), then 20 beats 0.5 s apart (120 bpm).
    const slow = beats('N'.repeat(20), FS, 50);
    const fast = [...'N'.repeat(20)].map((_, i) => ({
      sample: 50 + 19 * FS + (i + 1) * 50,
      label: 'N' as AamiClass,
    }));
    const r = burden([...slow, ...fast]);
    expect(r.heartRate.windowBeats).toBe(8);
    expect(r.heartRate.minimum?.bpm).toBeCloseTo(60, 10);
    expect(r.heartRate.maximum?.bpm).toBeCloseTo(120, 10);
    // The first window of beats 0..7 is centred on 50 + 3.5 s.
    expect(r.heartRate.minimum?.sample).toBe(50 + 350);
    expect(r.heartRate.minimum?.seconds).toBeCloseTo(4, 10);
    // Mean: 39 intervals over 19 s + 10 s.
    expect(r.heartRate.meanBpm).toBeCloseTo((60 * 39) / 29, 10);
  });

  it('has no heart-rate window with fewer beats than the window', () => {
    const r = burden(beats('NNNNNNN'));
    expect(r.heartRate.minimum).toBeNull();
    expect(r.heartRate.maximum).toBeNull();
    expect(r.heartRate.meanBpm).toBeCloseTo(60, 10);
    expect(
      burden(beats('NNNNNNN'), { options: { hrWindowBeats: 3 } }).heartRate.minimum?.bpm,
    ).toBeCloseTo(60, 10);
  });

  it('counts RR intervals of 2 s or more as pauses, and not 1.99 s', () => {
    const b: BurdenBeat[] = [
      { sample: 0, label: 'N' },
      { sample: 199, label: 'N' }, // 1.99 s
      { sample: 399, label: 'N' }, // 2.00 s
      { sample: 700, label: 'N' }, // 3.01 s
      { sample: 800, label: 'N' },
    ];
    const r = burden(b);
    expect(r.pauses.count).toBe(2);
    expect(r.pauses.list.map((p) => p.seconds)).toEqual([2, 3.01]);
    expect(r.pauses.longest?.start.sample).toBe(399);
    expect(r.pauses.longest?.end.sample).toBe(700);
  });

  it('tables beats, PVCs and the mean heart rate hour by hour', () => {
    // Hour 0: 10 beats 1 s apart (2 V); hour 1: 5 beats 0.5 s apart (1 V); 2.5 h of record.
    const h0 = beats('NNVNNNNVNN', FS, 1000);
    const h1 = [...'NVNNN'].map((l, i) => ({
      sample: 3600 * FS + 500 + i * 50,
      label: l as AamiClass,
    }));
    const r = computeBurden({ beats: [...h0, ...h1], fs: FS, nSamples: 2.5 * 3600 * FS });
    expect(r.hourly).toHaveLength(3);
    expect(r.hourly.map((h) => [h.beats, h.pvcs])).toEqual([
      [10, 2],
      [5, 1],
      [0, 0],
    ]);
    expect(r.hourly[0].hrMeanBpm).toBeCloseTo(60, 10);
    // Hour 1's first beat ends the interval from hour 0's last beat (a pause of about an hour).
    expect(r.hourly[1].hrMeanBpm).toBeCloseTo((60 * 5 * FS) / (3600 * FS + 500 - 1900 + 200), 10);
    expect(r.hourly[2].hrMeanBpm).toBeNull();
    expect(r.hourly[2].analysedSeconds).toBe(1800);
    expect(r.hourly[1].start.seconds).toBe(3600);
  });
});

describe('computeBurden: a record with an excluded stretch', () => {
  // 30 s at 100 Hz; samples 1000..1600 are lead-off. Beats every second from 0.5 s: V at 850 and
  // 950 before the stretch, six beats inside it (1050..1550), V at 1650 after it.
  const labels = `${'N'.repeat(8)}VV${'N'.repeat(6)}V${'N'.repeat(13)}`;
  const all = beats(labels, FS, 50);
  const excluded = [{ start: 1000, end: 1600 }];
  const r = computeBurden({ beats: all, fs: FS, nSamples: 3000, excluded });

  it('leaves the stretch out of the analysed time and its beats out of the count', () => {
    expect(all).toHaveLength(30);
    expect(r.analysedSeconds).toBe(24);
    expect(r.analysablePercent).toBeCloseTo(80, 10);
    expect(r.beatsInExcluded).toBe(6);
    expect(r.totalBeats).toBe(24);
    expect(r.excluded).toEqual([
      {
        start: { sample: 1000, seconds: 10, clock: null },
        end: { sample: 1600, seconds: 16, clock: null },
        seconds: 6,
      },
    ]);
    expect(r.hourly[0].analysedSeconds).toBe(24);
  });

  it('does not join a run, a pause or a heart-rate window across it', () => {
    expect(r.pvcCount).toBe(3);
    expect(r.ventricular.couplets).toBe(1);
    expect(r.ventricular.isolated).toBe(1);
    expect(r.ventricular.runs).toBe(0);
    expect(r.burdenPercent).toBeCloseTo((100 * 3) / 24, 10);
    // 950 → 1650 is a 7 s gap, but it spans the stretch: no pause.
    expect(r.pauses.count).toBe(0);
    // Every window sees beats 1 s apart: a window across the gap would be slower.
    expect(r.heartRate.minimum?.bpm).toBeCloseTo(60, 10);
    expect(r.heartRate.meanBpm).toBeCloseTo(60, 10);
    // The same beats with nothing excluded between them: one run of 3 and a 7 s pause.
    const outside = all.filter((b) => b.sample < 1000 || b.sample >= 1600);
    const joined = computeBurden({ beats: outside, fs: FS, nSamples: 3000 });
    expect(joined.ventricular.runs).toBe(1);
    expect(joined.pauses.count).toBe(1);
    expect(joined.heartRate.minimum!.bpm).toBeLessThan(50);
  });

  it('merges overlapping stretches and clips them to the record', () => {
    const m = computeBurden({
      beats: [],
      fs: FS,
      nSamples: 3000,
      excluded: [
        { start: 2500, end: 4000 },
        { start: 100, end: 300 },
        { start: 200, end: 400 },
      ],
    });
    expect(m.excluded.map((x) => [x.start.sample, x.end.sample])).toEqual([
      [100, 400],
      [2500, 3000],
    ]);
    expect(m.analysedSeconds).toBe(22);
    expect(m.burdenPercent).toBeNull();
  });
});

describe('computeBurden: urgent findings, times and input checks', () => {
  it('flags a burden above 10 % but not one of exactly 10 %', () => {
    const ten = burden(beats('NNNNVNNNNV' + 'N'.repeat(10)));
    expect(ten.burdenPercent).toBe(10);
    expect(ten.urgent).toEqual([]);
    const more = burden(beats('NNNNVNNNNVNNNV' + 'N'.repeat(6)));
    expect(more.urgent.map((u) => u.code)).toEqual(['pvc-burden']);
    expect(more.urgent[0].message).toContain('15.0 %');
  });

  it('flags a ventricular run of 3 beats, not a couplet, and says when it is sustained', () => {
    const pad = 'N'.repeat(60);
    expect(burden(beats(`${pad}VV${pad}`)).urgent).toEqual([]);
    const three = burden(beats(`${pad}VVV${pad}`));
    expect(three.urgent.map((u) => u.code)).toEqual(['vt-run']);
    expect(three.urgent[0].message).toMatch(/the longest 3 beats at 60 bpm at 0:01:00$/);
    const long = burden(beats(`${pad}${'V'.repeat(31)}${pad}`));
    expect(long.urgent.find((u) => u.code === 'vt-run')?.message).toMatch(/sustained/);
  });

  it('gives wall-clock times from the start time, across midnight and the date', () => {
    const r = burden(beats('NNNVVV'), {
      startTime: { secondsOfDay: 23 * 3600 + 59 * 60 + 57, date: '2001-12-31' },
    });
    // The run starts at 50 + 3 s = 3.5 s: 23:59:57 + 3.5 s.
    expect(r.ventricular.runList[0].start.clock).toBe('2002-01-01 00:00:00');
    expect(wallClock({ secondsOfDay: 3600, date: null }, 90061)).toBe('02:01:01');
    expect(elapsed(3725.9)).toBe('1:02:05');
    expect(burden(beats('NNNVVV')).ventricular.runList[0].start.clock).toBeNull();
  });

  it('refuses beats outside the record and unknown labels, in one line', () => {
    expect(() =>
      computeBurden({ beats: [{ sample: 100, label: 'N' }], fs: FS, nSamples: 100 }),
    ).toThrow(/beat 0: sample 100 is not in the record's 0\.\.99/);
    expect(() =>
      computeBurden({ beats: [{ sample: 1, label: 'X' as AamiClass }], fs: FS, nSamples: 100 }),
    ).toThrow(BeatlensError);
    expect(() => computeBurden({ beats: [], fs: 0, nSamples: 100 })).toThrow(/fs=0/);
  });

  it('sorts its input without changing it', () => {
    const b = beats('NVNNV').reverse();
    const copy = structuredClone(b);
    const r = burden(b);
    expect(b).toEqual(copy);
    expect(r.ventricular.isolated).toBe(2);
  });
});
