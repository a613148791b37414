import { describe, expect, it } from 'vitest';
import {
  RHYTHM_CHANNELS,
  withRhythmChannels,
  writeRhythmChannels,
} from '../../src-main/ecg/rhythm-channels';
import { segmentRecord, segmentsToDataset } from '../../src-main/ecg/segments';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { inferRecord, type InferenceModel } from '../../src-main/infer/infer-record';
import { tf } from '../../src-main/model/tf';
import type { ModelConfig } from '../../src-main/model/types';

/** Beats at `positions` with boundaries halfway between them, the last ending at `end`. */
function beatsAt(positions: number[], end: number) {
  return positions.map((position, i) => ({
    position,
    start: i === 0 ? 0 : Math.round((positions[i - 1] + position) / 2),
    end: i === positions.length - 1 ? end : Math.round((position + positions[i + 1]) / 2),
  }));
}

describe('writeRhythmChannels', () => {
  it('holds an early beat and the pause after it over the beat; neighbours and edges 0', () => {
    // RR 200, 150, 250, 200: median 200; the third beat is early and followed by a pause.
    const beats = beatsAt([100, 300, 450, 700, 900], 1000);
    const n = 1200;
    const out = new Float32Array(RHYTHM_CHANNELS * n);
    writeRhythmChannels(beats, n, out);
    const before = (t: number) => out[t];
    const after = (t: number) => out[n + t];
    expect(before(100)).toBe(0); // no RR before the first beat
    expect(after(100)).toBeCloseTo(0, 6);
    expect(before(450)).toBeCloseTo(Math.log(150 / 200), 6);
    expect(after(450)).toBeCloseTo(Math.log(250 / 200), 6);
    // Constant over the beat, from halfway to the previous peak to halfway to the next.
    expect(before(beats[2].start)).toBe(before(450));
    expect(before(beats[2].end - 1)).toBe(before(450));
    // The beat after it comes late (RR 250): not early, and no pause after it (RR 200).
    expect(before(700)).toBe(0);
    expect(after(700)).toBe(0);
    // The beat before it is followed by a short RR (150): no pause.
    expect(after(300)).toBe(0);
    expect(after(900)).toBe(0); // no RR after the last beat
    // Padding past the last beat is 0; the early beat is the most negative.
    expect(Array.from(out.subarray(1000, n)).every((v) => v === 0)).toBe(true);
    const min = Math.min(...Array.from(out.subarray(0, n)));
    expect(min).toBe(before(450));
  });

  it('is all 0 for one beat, clipped for an absurd interval, and checks the buffer size', () => {
    const n = 500;
    const out = new Float32Array(RHYTHM_CHANNELS * n).fill(7);
    writeRhythmChannels(beatsAt([200], 400), n, out);
    expect(out.every((v) => v === 0)).toBe(true);
    writeRhythmChannels(beatsAt([10, 20, 30, 490], 500), n, out);
    expect(out[n + 30]).toBeCloseTo(1.5, 6); // log(460 / 10) clipped
    writeRhythmChannels(beatsAt([100, 110, 400, 700], 800), n, out);
    expect(out[110]).toBeCloseTo(-1.5, 6); // log(10 / 290) clipped
    expect(() => writeRhythmChannels(beatsAt([10, 20], 30), n, new Float32Array(n))).toThrow(
      /rhythm channels need 2 × 500 values/,
    );
  });
});

describe('writeRhythmChannels with the record around the segment', () => {
  it("gives the first beat its RR before and the last its RR after from the record's R peaks", () => {
    // Inside: RR 200, 200. The record's previous R peak is 120 before the first beat (it comes
    // early) and the next is 300 after the last (a pause follows it); median of 120, 200, 200, 300.
    const beats = beatsAt([100, 300, 500], 700);
    const n = 800;
    const out = new Float32Array(RHYTHM_CHANNELS * n);
    writeRhythmChannels(beats, n, out);
    expect(out[100]).toBe(0);
    expect(out[n + 500]).toBe(0);
    writeRhythmChannels(beats, n, out, { rrBefore: 120, rrAfter: 300 });
    expect(out[100]).toBeCloseTo(Math.log(120 / 200), 6);
    expect(out[n + 500]).toBeCloseTo(Math.log(300 / 200), 6);
    expect(out[300]).toBe(0);
    expect(out[n + 300]).toBe(0);
    // One beat between two record R peaks: its own signs, where v2 wrote nothing.
    writeRhythmChannels(beatsAt([200], 400), n, out, { rrBefore: 100, rrAfter: 300 });
    expect(out[200]).toBeCloseTo(Math.log(100 / 300), 6);
    expect(out[n + 200]).toBeCloseTo(0, 6);
    // A context that is not a positive interval counts as none.
    writeRhythmChannels(beats, n, out, { rrBefore: 0, rrAfter: Number.NaN });
    expect(out[100]).toBe(0);
    expect(out[n + 500]).toBe(0);
  });
});

describe('rhythm channels in training and in inference', () => {
  const FS = 180;
  const N_SAMPLES = 1000;
  const { record, beats } = synthesizeRecord({ seed: 3, fs: FS, durationSeconds: 60 });
  // Every accumulated segment kept, whatever its beats (the channel depends on timing only).
  const task = { name: 'all', classes: ['X'], label: () => 'X' };
  const segments = segmentRecord(record, beats, { maxSamples: N_SAMPLES, task }).segments;
  const ds = withRhythmChannels(segmentsToDataset(segments, ['X']));

  it("carries each segment's RR to the record's neighbouring R peaks", () => {
    const sorted = [...beats].sort((a, b) => a.sample - b.sample);
    segments.forEach((s, i) => {
      const first = sorted.findIndex((b) => b.sample === s.offset + s.beats[0].position);
      const last = first + s.beats.length - 1;
      expect(s.rrBefore).toBe(
        first > 0 ? sorted[first].sample - sorted[first - 1].sample : undefined,
      );
      expect(s.rrAfter).toBe(
        last < sorted.length - 1 ? sorted[last + 1].sample - sorted[last].sample : undefined,
      );
      expect(ds.meta[i].rrBefore).toBe(s.rrBefore);
    });
    expect(segments[0].rrBefore).toBeUndefined();
    expect(segments[1].rrBefore).toBeGreaterThan(0);
  });

  it('appends two channels after the leads and keeps the leads as they were', () => {
    const plain = segmentsToDataset(segments, ['X']);
    expect(ds.nLeads).toBe(plain.nLeads + RHYTHM_CHANNELS);
    expect(ds.rhythmChannels).toBe(RHYTHM_CHANNELS);
    const per = ds.nLeads * N_SAMPLES;
    const perPlain = plain.nLeads * N_SAMPLES;
    expect(ds.x.subarray(per, per + perPlain)).toEqual(plain.x.subarray(perPlain, 2 * perPlain));
    expect(() => withRhythmChannels(ds)).toThrow(/has rhythm channels already/);
  });

  it('inferRecord feeds the model the very channels its training segments had', async () => {
    const seen: Float32Array[] = [];
    const config = {
      fs: FS,
      nLeads: 4,
      rhythmChannels: 2,
      nSamples: N_SAMPLES,
      classes: ['NORMAL', 'PVC'],
      method: 'mil',
    } as unknown as ModelConfig;
    const model = {
      config,
      forward: (x: tf.Tensor3D) => {
        seen.push(x.dataSync() as Float32Array);
        const batch = x.shape[0];
        return {
          logits: tf.log(tf.fill([batch, 2], 0.5)) as tf.Tensor2D,
          attention: tf.ones([batch, N_SAMPLES]) as tf.Tensor2D,
        };
      },
    } as unknown as InferenceModel;
    const r = await inferRecord(model, record, { beats });
    const input = seen.flatMap((batch) => {
      const n = batch.length / (N_SAMPLES * 4);
      return Array.from({ length: n }, (_, j) =>
        batch.subarray(j * N_SAMPLES * 4, (j + 1) * N_SAMPLES * 4),
      );
    });
    expect(r.segments.map((s) => s.offset)).toEqual(segments.map((s) => s.offset));
    let compared = 0;
    input.forEach((seg, i) => {
      for (let c = 0; c < RHYTHM_CHANNELS; c++) {
        for (let t = 0; t < N_SAMPLES; t++) {
          const trained = ds.x[(i * ds.nLeads + 2 + c) * N_SAMPLES + t];
          expect(seg[t * 4 + 2 + c]).toBeCloseTo(trained, 6);
          compared += trained !== 0 ? 1 : 0;
        }
      }
    });
    expect(compared).toBeGreaterThan(N_SAMPLES); // the channels are not all zero
  });
});
