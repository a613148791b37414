/**
 * Glue between a trained model, a dataset and the localisation metrics: compute one map per
 * test segment (the model's attention, or a saliency baseline) and score it against the
 * annotated beats in `ds.meta[i].beats`.
 */
import { BeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import { datasetToTensor } from '../model/input';
import { tf } from '../model/tf';
import type { BeatlensModel } from '../model/types';
import {
  scoreSegment,
  summariseSegments,
  type LocalisationOptions,
  type LocalisationSummary,
  type SegmentLocalisation,
} from './localisation';
import { saliencyMaps, type SaliencyMethod } from '../model/saliency';

export type MapSource = 'attention' | SaliencyMethod;
export const MAP_SOURCES: readonly MapSource[] = ['attention', 'gradxinput', 'gradcam'];

type EvalModel = Pick<BeatlensModel, 'forward' | 'forwardFeatures' | 'forwardHead' | 'config'>;

/**
 * One map (nSamples values) per segment of `idx`. 'attention' needs a model with a segmenter;
 * saliency explains the predicted class.
 */
export async function segmentMaps(
  model: EvalModel,
  ds: SegmentDataset,
  idx: number[],
  source: MapSource,
  batchSize = 16,
): Promise<Float32Array[]> {
  if (source === 'attention' && model.config.method === 'classifier') {
    throw new BeatlensError(
      'map-source',
      "a classifier-only model has no attention; use the 'gradxinput' or 'gradcam' saliency",
    );
  }
  const maps: Float32Array[] = [];
  for (let b = 0; b < idx.length; b += batchSize) {
    const x = datasetToTensor(ds, idx.slice(b, b + batchSize));
    if (source === 'attention') {
      const out = model.forward(x, false);
      const a = (await out.attention!.data()) as Float32Array;
      for (let j = 0; j < x.shape[0]; j++) {
        maps.push(a.slice(j * ds.nSamples, (j + 1) * ds.nSamples));
      }
      tf.dispose([out.logits, out.attention!]);
    } else {
      maps.push(...saliencyMaps(source, model, x));
    }
    x.dispose();
    await new Promise((r) => setImmediate(r));
  }
  return maps;
}

export interface LocalisationEvaluation {
  source: MapSource;
  summary: LocalisationSummary;
  perSegment: SegmentLocalisation[];
}

/** Scores precomputed maps of the segments `idx` of `ds`. */
export function scoreMaps(
  ds: SegmentDataset,
  idx: number[],
  maps: Float32Array[],
  source: MapSource,
  opts: LocalisationOptions = {},
): LocalisationEvaluation {
  if (maps.length !== idx.length) {
    throw new BeatlensError(
      'map-count',
      `${maps.length} maps for ${idx.length} segments; expected one map per segment`,
    );
  }
  const inputs = idx.map((i, j) => ({
    map: maps[j],
    beats: ds.meta[i].beats,
    length: ds.meta[i].length,
  }));
  const perSegment = inputs.map((s) => scoreSegment(s, opts));
  return { source, summary: summariseSegments(perSegment), perSegment };
}

/** Maps and scores in one call. */
export async function evaluateLocalisation(
  model: EvalModel,
  ds: SegmentDataset,
  idx: number[],
  source: MapSource,
  opts: LocalisationOptions & { batchSize?: number } = {},
): Promise<LocalisationEvaluation & { maps: Float32Array[] }> {
  const maps = await segmentMaps(model, ds, idx, source, opts.batchSize);
  return { ...scoreMaps(ds, idx, maps, source, opts), maps };
}
