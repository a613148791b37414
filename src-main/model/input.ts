/**
 * Dataset → model input. The dataset stores (n × nLeads × nSamples) row-major; models take NWC
 * (batch, nSamples, nLeads) so a convolution slides along samples with leads as channels.
 */
import type { SegmentDataset } from '../ecg/types';
import { BeatlensError } from '../errors';
import { tf } from './tf';

/** Copies the segments `indices` (in that order) into a (batch, nSamples, nLeads) tensor. */
export function datasetToTensor(ds: SegmentDataset, indices: number[]): tf.Tensor3D {
  const { nLeads, nSamples } = ds;
  const perSegment = nLeads * nSamples;
  const n = ds.x.length / perSegment;
  if (!Number.isInteger(n)) {
    throw new BeatlensError(
      'dataset-shape',
      `dataset x has ${ds.x.length} values, not a multiple of nLeads×nSamples=${perSegment}`,
    );
  }
  const out = new Float32Array(indices.length * perSegment);
  indices.forEach((idx, b) => {
    if (!Number.isInteger(idx) || idx < 0 || idx >= n) {
      throw new BeatlensError('dataset-index', `segment index ${idx} is outside 0..${n - 1}`);
    }
    const src = idx * perSegment;
    const dst = b * perSegment;
    for (let lead = 0; lead < nLeads; lead++) {
      const row = src + lead * nSamples;
      for (let t = 0; t < nSamples; t++) out[dst + t * nLeads + lead] = ds.x[row + t];
    }
  });
  return tf.tensor3d(out, [indices.length, nSamples, nLeads]);
}

/** Labels of `indices` as an int32 (batch) tensor, for `weightedNllLoss`. */
export function datasetLabels(ds: SegmentDataset, indices: number[]): tf.Tensor1D {
  return tf.tensor1d(
    indices.map((i) => ds.y[i]),
    'int32',
  );
}
