/**
 * Rhythm input channels: the beat timing a reader uses to call an APB (an early beat of normal
 * shape), given to a model as two extra input channels beside the ECG leads. Both come from the
 * R peaks only (annotated or detected), never from beat labels:
 *
 * - `early`: log(RR from the previous R peak / the segment's median RR) where that is negative
 *   (the beat comes early), else 0; held over the beat (from halfway to the previous peak to
 *   halfway to the next);
 * - `pause`: log(RR to the next R peak / the segment's median RR) where that is positive (a pause
 *   follows the beat), else 0.
 *
 * Only the signs of an ectopic beat itself are kept: the beat after a PVC (late, after the
 * compensatory pause) and the beat before it (followed by a short RR) read 0 in both channels.
 * With the signed ratios (the first version, measured in docs/localisation.md) the MIL map lit the
 * beat after each PVC as abnormal too.
 *
 * Measured the same way in training (`withRhythmChannels` on a dataset) and in inference
 * (inferRecord on its beat-aligned segments). The segment's first beat takes its RR before from
 * the record's previous R peak and the last beat its RR after from the next one (`RhythmContext`,
 * the segment's `rrBefore` / `rrAfter`); the median is over those and the RRs inside. Without a
 * context (a record's edge, an excluded stretch, a segment stored without its record) the first
 * beat has no RR before (0) and the last none after (0). Padding is 0. Values are clipped to
 * ±1.5 (a ratio of 4.5), so one missed beat cannot dominate the input.
 *
 * Version 3. Version 2 (commit c1ff550) measured inside the segment only, so a PVC that opened a
 * segment carried no sign of coming early: its MIL map scored it low, the most common cause of a
 * Class III grade (docs/localisation.md).
 */
import { BeatlensError } from '../errors';
import type { SegmentDataset } from './types';

/** How many rhythm channels a model with rhythm input takes (after its ECG leads). */
export const RHYTHM_CHANNELS = 2;
export const RHYTHM_CHANNEL_NAMES = ['early', 'pause'] as const;
const CLIP = 1.5;

/** One beat of a segment: R peak and boundaries (samples inside the segment, end exclusive). */
export interface RhythmBeat {
  position: number;
  start: number;
  end: number;
}

const clip = (v: number): number => Math.max(-CLIP, Math.min(CLIP, v));

/**
/** RR intervals (samples) reaching out of the segment: before its first beat, after its last. */
export interface RhythmContext {
  rrBefore?: number;
  rrAfter?: number;
}

/** "2 leads" or "2 leads + 2 rhythm channels": a model's or dataset's input channels in words. */
export function inputChannelsLabel(nChannels: number, rhythmChannels = 0): string {
  const leads = `${nChannels - rhythmChannels} leads`;
  return rhythmChannels ? `${leads} + ${rhythmChannels} rhythm channels` : leads;
}

/**
 * Writes the two channels of one segment into `out` (2 × nSamples row-major, zeroed first),
 * `beats` in time order.
 */
export function writeRhythmChannels(
  beats: readonly RhythmBeat[],
  nSamples: number,
  out: Float32Array,
  context: RhythmContext = {},
): void {
  if (out.length !== RHYTHM_CHANNELS * nSamples) {
    throw new BeatlensError(
      'rhythm-channels',
      `rhythm channels need ${RHYTHM_CHANNELS} × ${nSamples} values, got ${out.length}`,
    );
  }
  out.fill(0);
  if (beats.length === 0) return;
  const known = (v: number | undefined): number => (v !== undefined && v > 0 ? v : NaN);
  // rr[i]: the RR ending at beat i (rr[0] from the record's previous R peak), rr[n]: after the last.
  const rr = [
    known(context.rrBefore),
    ...beats.slice(1).map((b, i) => b.position - beats[i].position),
    known(context.rrAfter),
  ];
  const sorted = rr.filter((v) => v > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return;
  const ref = sorted[sorted.length >> 1];
  beats.forEach((b, i) => {
    const before = rr[i] > 0 ? clip(Math.min(0, Math.log(rr[i] / ref))) : 0;
    const after = rr[i + 1] > 0 ? clip(Math.max(0, Math.log(rr[i + 1] / ref))) : 0;
    const lo = Math.max(0, Math.round(b.start));
    const hi = Math.min(nSamples, Math.round(b.end));
    out.fill(before, lo, hi);
    out.fill(after, nSamples + lo, nSamples + hi);
  });
}

/**
 * The dataset with the two rhythm channels appended to every segment's leads (nLeads + 2),
 * `rhythmChannels` set. A dataset that has them already is refused.
 */
export function withRhythmChannels(ds: SegmentDataset): SegmentDataset {
  if (ds.rhythmChannels) {
    throw new BeatlensError('rhythm-channels', 'the dataset has rhythm channels already');
  }
  const { nLeads, nSamples } = ds;
  const n = ds.meta.length;
  const nOut = nLeads + RHYTHM_CHANNELS;
  const x = new Float32Array(n * nOut * nSamples);
  const channels = new Float32Array(RHYTHM_CHANNELS * nSamples);
  for (let i = 0; i < n; i++) {
    x.set(ds.x.subarray(i * nLeads * nSamples, (i + 1) * nLeads * nSamples), i * nOut * nSamples);
    writeRhythmChannels(ds.meta[i].beats, nSamples, channels, ds.meta[i]);
    x.set(channels, (i * nOut + nLeads) * nSamples);
  }
  return { ...ds, nLeads: nOut, x, rhythmChannels: RHYTHM_CHANNELS };
}
