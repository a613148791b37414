import { describe, expect, it } from 'vitest';
import { defaultModelConfig } from '../../src-main/model/config';
import { createModel } from '../../src-main/model/registry';
import { tf } from '../../src-main/model/tf';
import type { BeatlensModel } from '../../src-main/model/types';
import { gradCam, gradientTimesInput } from '../../src-main/model/saliency';

/**
 * A hand-checkable model: logits = logSoftmax([Σ_t Σ_c F[t,c]·v[c] / T, 0]) with feature map
 * F = x. Then ∂log p0/∂x[t,c] = (1 − p0)·v[c]/T, so gradient × input ∝ |Σ_c x[t,c]·v[c]| and
 * Grad-CAM ∝ ReLU(Σ_c x[t,c]·v[c]) for class 0.
 */
function linearModel(
  v: number[],
): Pick<BeatlensModel, 'forward' | 'forwardFeatures' | 'forwardHead' | 'config'> {
  const head = (fm: tf.Tensor3D): tf.Tensor2D =>
    tf.tidy(() => {
      const s = tf.mean(tf.sum(tf.mul(fm, tf.tensor1d(v)), 2), 1, true);
      return tf.logSoftmax(tf.concat([s, tf.zerosLike(s)], 1)) as tf.Tensor2D;
    });
  return {
    config: {} as BeatlensModel['config'],
    forwardFeatures: (x) => ({
      featureMap: x.clone(),
      classifierInput: x.clone(),
      attention: null,
      segmenterMap: null,
    }),
    forwardHead: head,
    forward: (x) => ({ logits: head(x), attention: null }),
  };
}

describe('saliency on a hand-checkable model', () => {
  const v = [2, -1];
  // (batch 1, nSamples 4, nLeads 2)
  const xs = [1, 0, 0, 1, 3, 1, -2, 0];
  const dot = [1 * 2 + 0, 0 - 1, 3 * 2 - 1, -2 * 2 + 0]; // [2, -1, 5, -4]

  it('gradient × input is |Σ_c x·v| normalised to max 1', () => {
    const x = tf.tensor3d(xs, [1, 4, 2]);
    const [map] = gradientTimesInput(linearModel(v), x, { target: [0] });
    const max = Math.max(...dot.map(Math.abs));
    dot.forEach((d, t) => expect(map[t]).toBeCloseTo(Math.abs(d) / max, 5));
    // Unnormalised: the same shape on the raw scale (one scale across a record's segments).
    const [raw] = gradientTimesInput(linearModel(v), x, { target: [0], normalise: false });
    const rawMax = Math.max(...raw);
    expect(rawMax).not.toBeCloseTo(1, 3);
    dot.forEach((d, t) => expect(raw[t] / rawMax).toBeCloseTo(Math.abs(d) / max, 5));
    x.dispose();
  });

  it('Grad-CAM is ReLU(Σ_c F·α) normalised to max 1, and flips with the class', () => {
    const x = tf.tensor3d(xs, [1, 4, 2]);
    const [cam0] = gradCam(linearModel(v), x, { target: [0] });
    dot.forEach((d, t) => expect(cam0[t]).toBeCloseTo(Math.max(0, d) / 5, 5));
    // Class 1's gradient is the negative of class 0's: ReLU keeps the other samples.
    const [cam1] = gradCam(linearModel(v), x, { target: [1] });
    dot.forEach((d, t) => expect(cam1[t]).toBeCloseTo(Math.max(0, -d) / 4, 5));
    x.dispose();
  });
});

describe('saliency on the real classifier-only model', () => {
  it('returns one map of nSamples values in [0, 1] per segment without leaking tensors', () => {
    const cfg = defaultModelConfig({
      method: 'classifier',
      nLeads: 2,
      nSamples: 64,
      fs: 360,
      classes: ['PVC', 'APB'],
      width: 0.25,
      kernelSamples: 9,
    });
    const model = createModel(cfg, 1);
    const x = tf.randomNormal([3, 64, 2], 0, 1, 'float32', 5) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (const maps of [gradientTimesInput(model, x), gradCam(model, x)]) {
      expect(maps).toHaveLength(3);
      for (const m of maps) {
        expect(m).toHaveLength(64);
        expect(Math.max(...m)).toBeLessThanOrEqual(1);
        expect(Math.min(...m)).toBeGreaterThanOrEqual(0);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
