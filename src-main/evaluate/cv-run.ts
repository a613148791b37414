/**
 * Localisation of a finished cross-validation run folder (written by `runCrossValidation`:
 * run.json, folds/<k>/predictions.json + attention.f32 + model/). The dataset is rebuilt from the
 * description run.json records, so the test-fold indices find their annotated beats again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import { loadModel } from '../model/weights';
import { readFoldPredictions, readFoldResult } from '../train/cross-validation';
import { loadTaskDataset, parseDatasetDescription } from '../train/task-data';
import type { LocalisationOptions, LocalisationSummary, SegmentLocalisation } from './localisation';
import { scoreMaps, segmentMaps, type MapSource } from './pipeline';

interface RunJson {
  seed: number;
  config: { dataset: string; task: string; k: number; method: string };
}

/** Rebuilds the dataset of a run from its recorded description (synthetic, mitdb or store). */
export function datasetOfRun(runDir: string): { data: SegmentDataset; run: RunJson } {
  const path = join(runDir, 'run.json');
  if (!existsSync(path)) {
    throw new BeatlensError('run-missing', `${path} not found: not a cross-validation run folder`);
  }
  const run = JSON.parse(readFileSync(path, 'utf8')) as RunJson;
  return {
    data: loadTaskDataset(parseDatasetDescription(run.config.dataset, run.config.task)).data,
    run,
  };
}

/** One fold's test segments, their maps and the localisation summary. */
export interface FoldMaps {
  fold: number;
  index: number[];
  probabilities: number[][];
  maps: Float32Array[];
  summary: LocalisationSummary;
  /** Beat scores, AUROC, pointing and grade of each test segment (same order as `index`). */
  perSegment: SegmentLocalisation[];
}

/**
 * Scores finished folds of a run folder over `data` (the run's dataset): folds 0..k−1 when
 * `folds` is a number, else the listed folds. 'attention' uses the stored test attention; a
 * saliency source loads each fold's saved model.
 */
export async function evaluateCvFolds(
  runDir: string,
  data: SegmentDataset,
  folds: number | readonly number[],
  source: MapSource,
  opts: LocalisationOptions = {},
): Promise<FoldMaps[]> {
  const out: FoldMaps[] = [];
  const list = typeof folds === 'number' ? Array.from({ length: folds }, (_, f) => f) : folds;
  for (const fold of list) {
    const result = readFoldResult(runDir, fold);
    if (!result) {
      throw new BeatlensError('run-unfinished', `${runDir}: fold ${fold} has not finished`);
    }
    const pred = readFoldPredictions(runDir, fold);
    let maps: Float32Array[];
    if (source === 'attention') {
      if (!pred.attention) {
        throw new BeatlensError(
          'run-no-attention',
          `${runDir}: a classifier-only run has no attention; use --source gradxinput or gradcam`,
        );
      }
      maps = pred.attention;
    } else {
      // The folder may have moved since the run: prefer the model beside the predictions.
      const local = join(runDir, 'folds', String(fold), 'model');
      const model = await loadModel(existsSync(local) ? local : result.modelDir);
      try {
        maps = await segmentMaps(model, data, pred.index, source);
      } finally {
        model.dispose();
      }
    }
    const scored = scoreMaps(data, pred.index, maps, source, opts);
    out.push({
      fold,
      index: pred.index,
      probabilities: pred.probabilities,
      maps,
      summary: scored.summary,
      perSegment: scored.perSegment,
    });
  }
  return out;
}

/** Per-fold localisation summaries of a run folder, its dataset rebuilt from run.json. */
export async function evaluateCvRunDir(
  runDir: string,
  source: MapSource,
  opts: LocalisationOptions = {},
): Promise<{ folds: LocalisationSummary[]; nSegments: number; method: string }> {
  const { data, run } = datasetOfRun(runDir);
  const folds = await evaluateCvFolds(runDir, data, run.config.k, source, opts);
  return {
    folds: folds.map((f) => f.summary),
    nSegments: folds.reduce((s, f) => s + f.index.length, 0),
    method: run.config.method,
  };
}
