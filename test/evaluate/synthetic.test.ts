/**
 * End to end on synthetic data where every abnormal beat's position is known: train a tiny model,
 * map its test segments and check that the beat-level metrics see the abnormal beats.
 */
import { describe, expect, it } from 'vitest';
import { synthesizeDataset } from '../../src-main/ecg/synthetic';
import { evaluateLocalisation, scoreMaps } from '../../src-main/evaluate/pipeline';
import { initBackend } from '../../src-main/model/backend';
import { defaultModelConfig } from '../../src-main/model/config';
import { createModel } from '../../src-main/model/registry';
import { classificationMetrics } from '../../src-main/train/metrics';
import { getPreset } from '../../src-main/train/presets';
import { predictIndices, trainModel } from '../../src-main/train/trainer';

describe('localisation of a model trained on synthetic data', () => {
  it('gradient × input of a trained classifier ranks abnormal beats above normal ones', async () => {
    await initBackend('auto');
    const ds = synthesizeDataset({ seed: 3, nSegments: 48, nSamples: 2000 });
    const cfg = defaultModelConfig({
      method: 'classifier',
      nLeads: ds.nLeads,
      nSamples: ds.nSamples,
      fs: ds.fs,
      classes: ds.classes,
      width: 0.25,
    });
    const model = createModel(cfg, 1);
    const idx = ds.meta.map((_, i) => i);
    const test = idx.slice(0, 12);
    try {
      await trainModel({
        model,
        train: ds,
        trainIdx: idx.slice(12),
        preset: getPreset('tiny', { epochs: 6, valFraction: 0, select: 'last' }),
        seed: 1,
      });
      const pred = await predictIndices(model, ds, test, 16);
      const cls = classificationMetrics(
        test.map((i) => ds.y[i]),
        pred.probs,
        ds.classes,
      );
      expect(cls.accuracy).toBeGreaterThanOrEqual(0.75);
      const loc = await evaluateLocalisation(model, ds, test, 'gradxinput');
      expect(loc.summary.nAbnormalBeats).toBeGreaterThan(10);
      // A tiny model on 36 segments: a loose bound (0.64 since the fused training kernels moved
      // the last bits); the random-map margin below is what must hold.
      expect(loc.summary.pooledAuroc).toBeGreaterThan(0.6);
      expect(loc.summary.meanSegmentAuroc).toBeGreaterThan(0.6);
      // An untrained (random) map does not: the metric is not trivially high.
      const random = loc.maps.map((m, j) =>
        Float32Array.from(
          m,
          (_, t) => Math.abs(Math.sin(t * 12.9898 + j * 78.233) * 43758.5453) % 1,
        ),
      );
      const baseline = scoreMaps(ds, test, random, 'gradxinput').summary.pooledAuroc;
      expect(baseline).toBeLessThan(loc.summary.pooledAuroc - 0.1);
    } finally {
      model.dispose();
    }
  }, 90_000);
});
