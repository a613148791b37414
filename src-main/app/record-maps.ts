/**
 * What the viewer and grade studies show of a record's inference (`inferRecord`, the one
 * inference path): the model's map laid out over the whole record at the model's rate, on one
 * scale for the record (raw map values over the record's largest, never per segment or tile),
 * the model's label of every beat and the prediction of every segment.
 */
import { BeatlensError } from '../errors';
import type { Beat, EcgRecord } from '../ecg/types';
import {
  inferRecord,
  type ExcludedStretch,
  type InferenceModel,
  type InferRecordOptions,
  type ModelRunInfo,
  type RecordInference,
} from '../infer/infer-record';
import { bucketMax } from './decimate';

export interface RecordMaps {
  recordId: string;
  fsRecord: number;
  fsModel: number;
  /** The map at the model's rate over the whole record (0 between and outside segments). */
  map: Float32Array;
  /** The record's largest map value: 1 on the record's colour scale. */
  maxValue: number;
  mapSource: 'attention' | 'gradxinput';
  beatSource: 'annotations' | 'detector';
  /** Beats in sample order (record fs) with the model's AAMI label (N, S or V). */
  beats: Array<{ sample: number; label: string }>;
  /** Segments in record order (record fs) with the predicted class and its probability. */
  segments: Array<{ offset: number; length: number; label: string; probability: number }>;
  warnings: string[];
  excluded: ExcludedStretch[];
}

/** Lays an inference (run with keepMaps) out over a record of `nSamplesRecord` samples. */
export function recordMaps(r: RecordInference, nSamplesRecord: number): RecordMaps {
  const ratio = r.fsModel / r.fsRecord;
  const map = new Float32Array(Math.max(1, Math.round(nSamplesRecord * ratio)));
  let maxValue = 0;
  for (const s of r.segments) {
    if (!s.map) throw new BeatlensError('record-maps', 'the inference was run without its maps');
    const start = Math.round(s.offset * ratio);
    const n = Math.min(s.map.length, Math.round(s.length * ratio), map.length - start);
    for (let t = 0; t < n; t++) {
      const v = s.map[t];
      if (!Number.isFinite(v)) continue;
      map[start + t] = v;
      if (v > maxValue) maxValue = v;
    }
  }
  return {
    recordId: r.recordId,
    fsRecord: r.fsRecord,
    fsModel: r.fsModel,
    map,
    maxValue,
    mapSource: r.mapSource,
    beatSource: r.beatSource,
    beats: r.beats.map((b) => ({ sample: b.sample, label: b.label })),
    segments: r.segments.map((s) => ({
      offset: s.offset,
      length: s.length,
      label: s.label,
      probability: Math.max(...s.probabilities),
    })),
    warnings: r.warnings,
    excluded: r.excluded,
  };
}

/** Runs the model over a whole record and lays its map out (what the inference worker does). */
export async function inferRecordMaps(
  model: InferenceModel,
  record: EcgRecord,
  beats: Beat[] | null,
  info: ModelRunInfo,
  opts: Pick<InferRecordOptions, 'onProgress' | 'signal'> = {},
): Promise<RecordMaps> {
  const r = await inferRecord(model, record, { ...opts, beats, info, keepMaps: true });
  return recordMaps(r, record.nSamples);
}

/** The map per bucket of record samples [startSample, +nSamples), over the record's maximum. */
export function windowAttention(
  m: RecordMaps,
  startSample: number,
  nSamples: number,
  bucketSamples: number,
): Float32Array {
  const out = bucketMax(m.map, startSample, nSamples, bucketSamples, m.fsModel / m.fsRecord);
  if (m.maxValue > 0) for (let i = 0; i < out.length; i++) out[i] /= m.maxValue;
  return out;
}

/**
 * The map over a stored segment's samples (`offset` and `nSamples` at the segment's `fs`, which
 * may differ from the record's), over the record's maximum: one value per sample in [0, 1].
 */
export function segmentAttention(
  m: RecordMaps,
  offset: number,
  fsSegment: number,
  nSamples: number,
): Float32Array {
  const out = new Float32Array(nSamples);
  const ratio = m.fsModel / fsSegment;
  const scale = m.maxValue > 0 ? 1 / m.maxValue : 0;
  for (let j = 0; j < nSamples; j++) {
    const v = m.map[Math.floor((offset + j) * ratio)];
    out[j] = v === undefined ? 0 : v * scale;
  }
  return out;
}
