/**
 * On-the-fly augmentation of a training batch: each segment gets its own draw of
 * src-main/ecg/augment.ts, seeded from (run seed, epoch, segment index), so a run is reproducible,
 * a resumed run sees the very same inputs, and every epoch sees a different copy of a segment.
 */
import { augmentSegment, type AugmentConfig } from '../ecg/augment';
import type { SegmentDataset } from '../ecg/types';
import { createRng } from '../random';

/**
 * Per segment of a dataset, the other leads of its record cut at the same samples
 * ((nPool × nSamples) row-major), or undefined: what a lead-pair draw may choose from.
 */
export type LeadPools = ReadonlyArray<Float32Array | undefined>;

/** The Rng seed of segment `index` in `epoch` of a run seeded `seed` (a 32-bit hash). */
export function augmentSeed(seed: number, epoch: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (epoch + 0x165667b1), 0xc2b2ae35);
  h = Math.imul(h ^ (index + 0x27d4eb2f), 0x9e3779b1);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The segments `indices` of `ds` as a dataset of their own (segment j = indices[j]), each
 * augmented; labels and meta are copied unchanged. `ds` is not modified.
 */
export function augmentedBatch(
  ds: SegmentDataset,
  indices: readonly number[],
  config: AugmentConfig,
  seed: number,
  epoch: number,
  pools?: LeadPools,
): SegmentDataset {
  const per = ds.nLeads * ds.nSamples;
  const rhythmChannels = ds.rhythmChannels ?? 0;
  const x = new Float32Array(indices.length * per);
  indices.forEach((i, j) => {
    const { data } = augmentSegment(
      ds.x.subarray(i * per, (i + 1) * per),
      {
        fs: ds.fs,
        nSamples: ds.nSamples,
        length: Math.min(ds.meta[i]?.length ?? ds.nSamples, ds.nSamples),
        nEcgLeads: ds.nLeads - rhythmChannels,
        rhythmChannels,
      },
      config,
      createRng(augmentSeed(seed, epoch, i)),
      pools?.[i],
    );
    x.set(data, j * per);
  });
  return {
    ...ds,
    x,
    y: Int32Array.from(indices, (i) => ds.y[i]),
    meta: indices.map((i) => ds.meta[i]),
  };
}
