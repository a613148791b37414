/**
 * `beatlens train`: one model on all segments of a dataset (a stratified validation part held
 * out for the curves and, with the fast preset, for picking the epoch), saved with run.json.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { SegmentDataset } from '../ecg/types';
import { initBackend, type BackendPreference } from '../model/backend';
import { defaultModelConfig } from '../model/config';
import { createModel } from '../model/registry';
import type { Method, Pooling } from '../model/types';
import { saveModel } from '../model/weights';
import type { LeadPools } from './augment-batch';
import type { TrainPreset } from './presets';
import { codeVersion, datasetFingerprint } from './code-version';
import { packageVersions, writeJsonAtomic, type RunMetadata } from './run-info';
import { innerValidationSplit } from './splitters';
import { trainModel, type TrainHistory, type TrainProgress } from './trainer';

export interface FitOptions {
  data: SegmentDataset;
  dataset: string;
  task: string;
  method: Method;
  pooling: Pooling;
  kernelSamples?: number;
  width?: number;
  preset: TrainPreset;
  seed: number;
  outDir: string;
  backend?: BackendPreference;
  command?: string;
  /** Extra fields for the saved model's meta (name, description, leads, beat threshold, …). */
  modelMeta?: Record<string, unknown>;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  /** Per segment, its record's other leads for augmentation (LoadedDataset.leadPools). */
  leadPools?: LeadPools;
}

export async function fitFinalModel(
  o: FitOptions,
): Promise<{ modelDir: string; checksum: string; history: TrainHistory }> {
  const backend = await initBackend(o.backend ?? 'auto');
  const { data, preset } = o;
  const all = Array.from({ length: data.y.length }, (_, i) => i);
  const split =
    preset.valFraction > 0
      ? innerValidationSplit(all, data.y, preset.valFraction, o.seed)
      : { train: all, val: [] };
  const { onProgress: _p, signal: _s, data: _d, modelMeta: _m, leadPools: _l, ...rest } = o;
  const config = { ...rest, kind: 'train', nTrain: split.train.length, nVal: split.val.length };
  const meta: RunMetadata<typeof config> = {
    runId: `train-${o.method}-${Date.now().toString(36)}`,
    createdAt: new Date().toISOString(),
    command: o.command ?? 'fitFinalModel',
    seed: o.seed,
    config,
    backend,
    versions: packageVersions(),
    host: { platform: process.platform, arch: process.arch, cpus: availableParallelism() },
    code: codeVersion(),
    dataFingerprint: datasetFingerprint(data),
  };
  writeJsonAtomic(join(o.outDir, 'run.json'), meta);
  const model = createModel(
    defaultModelConfig({
      method: o.method,
      pooling: o.pooling,
      kernelSamples: o.kernelSamples,
      width: o.width,
      nLeads: data.nLeads,
      rhythmChannels: data.rhythmChannels,
      nSamples: data.nSamples,
      fs: data.fs,
      classes: data.classes,
    }),
    o.seed,
  );
  try {
    const history = await trainModel({
      model,
      train: data,
      trainIdx: split.train,
      valIdx: split.val,
      preset,
      seed: o.seed,
      onProgress: o.onProgress,
      signal: o.signal,
      leadPools: o.leadPools,
      checkpointDir: join(o.outDir, 'checkpoint'),
    });
    const modelDir = join(o.outDir, 'model');
    const last = history.epochs[history.selectedEpoch];
    const { checksum } = await saveModel(model, modelDir, {
      runId: meta.runId,
      seed: o.seed,
      dataset: o.dataset,
      task: o.task,
      protocol: `trained on every segment of the dataset (${split.val.length} held out for validation)`,
      preset: preset.name,
      dataFingerprint: meta.dataFingerprint,
      code: meta.code,
      versions: meta.versions,
      validation: { loss: last?.valLoss ?? null, accuracy: last?.valAccuracy ?? null },
      // Which segments it learned from, so grade studies and evaluations can leave them out.
      trainingSegments: split.train.map((i) => `${data.meta[i].recordId}:${data.meta[i].offset}`),
      ...o.modelMeta,
    });
    writeJsonAtomic(join(o.outDir, 'history.json'), history);
    return { modelDir, checksum, history };
  } finally {
    model.dispose();
  }
}
