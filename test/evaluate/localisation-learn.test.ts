/**
 * The joint model's learned attention, trained with the attention sparsity penalty
 * (preset.attentionPenalty, src-main/model/regularisers.ts), points at the abnormal beats of
 * held-out synthetic segments whose abnormal beat positions are known. Without the penalty it
 * does not reliably (docs/localisation.md, "Making the attention localise").
 *
 * This is fold 0 of `npx tsx bench/attention-penalty.ts --segments 128 --seed 1` (same folds,
 * inner split, initialisation and batch order as runFold), so its number is a row of that table.
 */
const SEED = 1;
const N_SEGMENTS = 128;
const LAMBDA = 1;
const FOLD = 0;
import { describe, expect, it } from 'vitest';
import { synthesizeDataset } from '../../src-main/ecg/synthetic';
import { evaluateLocalisation } from '../../src-main/evaluate/pipeline';
import { initBackend } from '../../src-main/model/backend';
import { smallJointModel } from '../helpers/model';
import { classificationMetrics } from '../../src-main/train/metrics';
import { getPreset } from '../../src-main/train/presets';
import { innerValidationSplit, stratifiedKFold } from '../../src-main/train/splitters';
import { predictIndices, trainModel } from '../../src-main/train/trainer';

describe('joint attention trained with the sparsity penalty', () => {
  it('ranks abnormal beats above normal ones on held-out segments', async () => {
    await initBackend('auto');
    const started = performance.now();
    const ds = synthesizeDataset({ seed: SEED, nSegments: N_SEGMENTS });
    const fold = stratifiedKFold(ds.y, 3, SEED)[FOLD];
    const preset = getPreset('tiny', {
      attentionPenalty: LAMBDA,
      attentionPenaltyKind: 'mean-max',
    });
    const { train, val } = innerValidationSplit(
      fold.train,
      ds.y,
      preset.valFraction,
      SEED + 7919 * (FOLD + 1),
    );
    const model = smallJointModel(ds, SEED + FOLD);
    try {
      await trainModel({
        model,
        train: ds,
        trainIdx: train,
        valIdx: val,
        preset,
        seed: SEED + 104729 * (FOLD + 1),
      });
      const pred = await predictIndices(model, ds, fold.test, preset.batchSize);
      const cls = classificationMetrics(
        fold.test.map((i) => ds.y[i]),
        pred.probs,
        ds.classes,
      );
      const loc = await evaluateLocalisation(model, ds, fold.test, 'attention');
      console.log(
        `accuracy ${cls.accuracy.toFixed(3)}, beat AUROC pooled ${loc.summary.pooledAuroc.toFixed(3)}, per segment ${loc.summary.meanSegmentAuroc.toFixed(3)}, pointing ${loc.summary.pointingGame.toFixed(3)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(cls.accuracy).toBeGreaterThanOrEqual(0.8);
      expect(loc.summary.nAbnormalBeats).toBeGreaterThan(20);
      expect(loc.summary.pooledAuroc).toBeGreaterThanOrEqual(0.7);
    } finally {
      model.dispose();
    }
  }, 120_000);
});
