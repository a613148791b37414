/**
 * The complement ("deletion game") penalty: its KL-to-uniform value on hand-computed cases, the
 * complement input (1 − A/max A) ⊙ D, the joint model's classifier-only pass, and the trainer
 * wiring (λc = 0 trains bit-identically to no field at all; λc > 0 changes training).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BeatlensError } from '../../src-main/errors';
import { createModel } from '../../src-main/model/registry';
import { complementInput, complementPenalty } from '../../src-main/model/regularisers';
import { tf } from '../../src-main/model/tf';
import { getPreset } from '../../src-main/train/presets';
import { trainModel } from '../../src-main/train/trainer';
import { TINY, tinyConfig, tinyDataset } from '../model/helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('complementPenalty', () => {
  it('is the mean KL divergence from uniform', () => {
    // Row 1 uniform → 0; row 2 p = (0.9, 0.1) → 0.9 ln 0.9 + 0.1 ln 0.1 + ln 2 = 0.368064.
    const logp = tf.log(tf.tensor2d([0.5, 0.5, 0.9, 0.1], [2, 2])) as tf.Tensor2D;
    const kl = 0.9 * Math.log(0.9) + 0.1 * Math.log(0.1) + Math.log(2);
    expect(kl).toBeCloseTo(0.368064, 5);
    expect(complementPenalty(logp).dataSync()[0]).toBeCloseTo(kl / 2, 5);
    // A certain 3-class prediction costs ln 3 (the maximum).
    const sure = tf.log(tf.tensor2d([[1 - 2e-7, 1e-7, 1e-7]])) as tf.Tensor2D;
    expect(complementPenalty(sure).dataSync()[0]).toBeCloseTo(Math.log(3), 4);
  });

  it('rejects a tensor that is not (batch, classes >= 2)', () => {
    expect(() => complementPenalty(tf.zeros([2, 1]) as tf.Tensor2D)).toThrow(BeatlensError);
  });

  it('builds (1 − A / max A) ⊙ D per segment', () => {
    const x = tf.tensor3d([2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1], [2, 3, 2]);
    const a = tf.tensor2d([0, 1, 2, 4, 4, 0], [2, 3]);
    const got = Array.from(complementInput(x, a).dataSync());
    const want = [2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });
});

describe('joint model forwardClassifier', () => {
  it('on the model’s own classifier input gives the model’s prediction', () => {
    const model = createModel(tinyConfig('joint'), 3);
    const x = tf.randomNormal([2, TINY.nSamples, TINY.nLeads], 0, 1, 'float32', 1) as tf.Tensor3D;
    const { logits } = model.forward(x, false);
    const f = model.forwardFeatures(x, false);
    const again = model.forwardClassifier!(f.classifierInput, false);
    const d = tf.max(tf.abs(tf.sub(logits, again))).dataSync()[0];
    expect(d).toBeLessThan(1e-5);
    model.dispose();
  });
});

describe('trainModel with a complement penalty', () => {
  const ds = tinyDataset(12, 4);
  const trainIdx = ds.meta.map((_, i) => i);
  const train = async (extra: { complementPenalty?: number }): Promise<Float32Array[]> => {
    const model = createModel(tinyConfig('joint'), 5);
    await trainModel({
      model,
      train: ds,
      trainIdx,
      preset: getPreset('tiny', {
        epochs: 2,
        batchSize: 6,
        learningRate: 1e-2,
        valFraction: 0,
        select: 'last',
        ...extra,
      }),
      seed: 1,
    });
    const w = model.namedWeights().map((n) => n.variable.dataSync() as Float32Array);
    model.dispose();
    return w;
  };

  it('λc = 0 trains bit-identically to no penalty; λc > 0 changes the weights', async () => {
    const none = await train({});
    const zero = await train({ complementPenalty: 0 });
    const on = await train({ complementPenalty: 1 });
    expect(zero.map((w) => Array.from(w))).toEqual(none.map((w) => Array.from(w)));
    const maxDiff = Math.max(
      ...on.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - none[i][j])))),
    );
    expect(maxDiff).toBeGreaterThan(1e-6);
  }, 60_000);

  it('rejects a negative weight', () => {
    expect(() => getPreset('fast', { complementPenalty: -1 })).toThrow(BeatlensError);
  });
});
