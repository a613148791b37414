/**
 * Whole-record prediction: the record is preprocessed with the training chain, resampled to the
 * model's fs, cut into consecutive windows of the model's nSamples (the last one zero-padded)
 * and each window is classified.
 */
import { BeatlensError } from '../errors';
import type { EcgRecord, SegmentDataset } from '../ecg/types';
import { preprocessRecord } from '../ecg/preprocess';
import { resample } from '../ecg/resample';
import type { BeatlensModel } from '../model/types';
import { predictIndices } from './trainer';

export interface WindowPrediction {
  /** First sample of the window at the model's fs. */
  offset: number;
  /** Real (unpadded) samples in the window. */
  length: number;
  /** Start time in seconds. */
  startSeconds: number;
  label: string;
  probability: number;
  probabilities: number[];
  /** Attention over the window's samples, or null for the classifier-only method. */
  attention: Float32Array | null;
}

/** Classifies consecutive nSamples windows of `record`. */
export async function predictRecord(
  model: BeatlensModel,
  record: EcgRecord,
  batchSize = 32,
): Promise<WindowPrediction[]> {
  const { nLeads, nSamples, fs, classes } = model.config;
  if (record.signals.length !== nLeads) {
    throw new BeatlensError(
      'predict-leads',
      `${record.source}: ${record.signals.length} leads but the model was trained on ${nLeads}`,
    );
  }
  const prepared = preprocessRecord(record);
  const signals =
    Math.abs(prepared.fs - fs) > 1e-9 * fs
      ? prepared.signals.map((s) => resample(s, prepared.fs, fs))
      : prepared.signals;
  const total = signals[0].length;
  const nWindows = Math.ceil(total / nSamples);
  if (nWindows === 0) throw new BeatlensError('predict-empty', `${record.source} has no samples`);
  const x = new Float32Array(nWindows * nLeads * nSamples);
  const meta: SegmentDataset['meta'] = [];
  for (let w = 0; w < nWindows; w++) {
    const len = Math.min(nSamples, total - w * nSamples);
    for (let l = 0; l < nLeads; l++) {
      x.set(signals[l].subarray(w * nSamples, w * nSamples + len), (w * nLeads + l) * nSamples);
    }
    meta.push({
      recordId: record.id,
      patientId: record.patientId,
      offset: w * nSamples,
      length: len,
      beats: [],
      label: '',
    });
  }
  const ds: SegmentDataset = {
    classes,
    nLeads,
    nSamples,
    fs,
    x,
    y: new Int32Array(nWindows),
    meta,
  };
  const idx = Array.from({ length: nWindows }, (_, i) => i);
  const pred = await predictIndices(model, ds, idx, batchSize);
  const nC = classes.length;
  return idx.map((w) => {
    const p = Array.from(pred.probs.subarray(w * nC, (w + 1) * nC));
    const best = p.indexOf(Math.max(...p));
    return {
      offset: meta[w].offset,
      length: meta[w].length,
      startSeconds: meta[w].offset / fs,
      label: classes[best],
      probability: p[best],
      probabilities: p,
      attention: pred.attention ? pred.attention[w] : null,
    };
  });
}
