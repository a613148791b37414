import { beforeAll, describe, expect, it } from 'vitest';
import { BeatlensError } from '../../src-main/errors';
import { datasetLabels, datasetToTensor } from '../../src-main/model/input';
import { tf } from '../../src-main/model/tf';
import { tinyDataset } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('datasetToTensor', () => {
  it('transposes (n × leads × samples) rows to (batch, samples, leads) in index order', () => {
    // 3 segments, 2 leads, 4 samples: value = 100·segment + 10·lead + sample.
    const x = new Float32Array(3 * 2 * 4);
    for (let s = 0; s < 3; s++)
      for (let l = 0; l < 2; l++)
        for (let t = 0; t < 4; t++) x[(s * 2 + l) * 4 + t] = 100 * s + 10 * l + t;
    const ds = { ...tinyDataset(3, 1, 4), x };
    const t = datasetToTensor(ds, [2, 0]);
    expect(t.shape).toEqual([2, 4, 2]);
    const a = t.arraySync();
    expect(a[0][3]).toEqual([203, 213]);
    expect(a[1][1]).toEqual([1, 11]);
    expect(Array.from(datasetLabels(ds, [2, 0, 1]).dataSync())).toEqual([0, 0, 1]);
  });

  it('rejects an index outside the dataset', () => {
    const ds = tinyDataset(2, 1, 8);
    expect(() => datasetToTensor(ds, [0, 2])).toThrow(BeatlensError);
    expect(() => datasetToTensor(ds, [0, 2])).toThrow(/index 2 is outside 0..1/);
  });
});
