import { describe, expect, it } from 'vitest';
import { DEFAULT_AUGMENT } from '../../src-main/ecg/augment';
import type { SegmentDataset } from '../../src-main/ecg/types';
import { augmentedBatch, augmentSeed } from '../../src-main/train/augment-batch';

function dataset(n: number): SegmentDataset {
  const nLeads = 2;
  const nSamples = 200;
  const x = new Float32Array(n * nLeads * nSamples);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i / 7) + (i % 13) / 13;
  return {
    classes: ['APB', 'NORMAL', 'PVC'],
    nLeads,
    nSamples,
    fs: 180,
    x,
    y: Int32Array.from({ length: n }, (_, i) => i % 3),
    meta: Array.from({ length: n }, (_, i) => ({
      recordId: `r${i}`,
      patientId: `p${i}`,
      offset: 0,
      length: 150,
      beats: [],
      label: ['APB', 'NORMAL', 'PVC'][i % 3],
    })),
  };
}

describe('augmentedBatch', () => {
  const ds = dataset(12);
  const idx = [5, 0, 7, 7, 11];

  it('keeps labels, meta and shape; does not touch the dataset', () => {
    const x = Float32Array.from(ds.x);
    const b = augmentedBatch(ds, idx, DEFAULT_AUGMENT, 1, 0);
    expect(Array.from(b.y)).toEqual(idx.map((i) => ds.y[i]));
    expect(b.meta).toEqual(idx.map((i) => ds.meta[i]));
    expect(b.x.length).toBe(idx.length * ds.nLeads * ds.nSamples);
    expect(b.classes).toEqual(ds.classes);
    expect(ds.x).toEqual(x);
  });

  it('is seeded by (seed, epoch, segment): reproducible, new each epoch, same for a repeated index', () => {
    const a = augmentedBatch(ds, idx, DEFAULT_AUGMENT, 1, 3);
    expect(augmentedBatch(ds, idx, DEFAULT_AUGMENT, 1, 3).x).toEqual(a.x);
    expect(augmentedBatch(ds, idx, DEFAULT_AUGMENT, 1, 4).x).not.toEqual(a.x);
    expect(augmentedBatch(ds, idx, DEFAULT_AUGMENT, 2, 3).x).not.toEqual(a.x);
    const per = ds.nLeads * ds.nSamples;
    // idx[2] and idx[3] are both segment 7: same draw wherever it sits in the batch.
    expect(a.x.subarray(2 * per, 3 * per)).toEqual(a.x.subarray(3 * per, 4 * per));
    // Batch order does not change a segment's draw (shuffling differs between epochs).
    const single = augmentedBatch(ds, [11], DEFAULT_AUGMENT, 1, 3);
    expect(single.x).toEqual(a.x.subarray(4 * per));
  });

  it('augmentSeed differs across seeds, epochs and indices', () => {
    const seeds = new Set<number>();
    for (let s = 0; s < 4; s++)
      for (let e = 0; e < 4; e++) for (let i = 0; i < 4; i++) seeds.add(augmentSeed(s, e, i));
    expect(seeds.size).toBe(64);
  });
});
