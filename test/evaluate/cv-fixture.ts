/** A tiny finished cross-validation run folder (2 folds, 1 epoch) for the evaluation tests. */
import type { SegmentDataset } from '../../src-main/ecg/types';
import { runCrossValidation } from '../../src-main/train/cross-validation';
import { loadNamedDataset } from '../../src-main/train/datasets';
import { getPreset } from '../../src-main/train/presets';

export async function tinyCvRun(outDir: string, seed: number): Promise<SegmentDataset> {
  const spec = { name: 'synthetic', task: 'pvc-apb', seed, nSegments: 8, fs: 360 };
  const { data, description } = loadNamedDataset(spec);
  await runCrossValidation({
    config: {
      dataset: description,
      task: 'pvc-apb',
      protocol: 'stratified',
      k: 2,
      method: 'joint',
      pooling: 'l2',
      width: 0.125,
      preset: getPreset('tiny', { epochs: 1 }),
      seed: 1,
    },
    data,
    outDir,
    workers: 0,
    storePath: null,
  });
  return data;
}
