import { beforeAll, describe, expect, it } from 'vitest';
import { BeatlensError } from '../../src-main/errors';
import { datasetLabels, datasetToTensor } from '../../src-main/model/input';
import { classWeights, weightedNllLoss } from '../../src-main/model/loss';
import { createModel } from '../../src-main/model/registry';
import { tf } from '../../src-main/model/tf';
import { METHODS } from '../../src-main/model/types';
import { TINY, tinyConfig, tinyDataset } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const input = (batch: number, seed = 1): tf.Tensor3D =>
  tf.randomNormal([batch, TINY.nSamples, TINY.nLeads], 0, 1, 'float32', seed) as tf.Tensor3D;

describe.each(METHODS)('%s model', (method) => {
  for (const training of [false, true]) {
    it(`gives log-probabilities and attention of the right shapes (training=${training})`, () => {
      const model = createModel(tinyConfig(method), 3);
      const { logits, attention } = model.forward(input(2), training);
      expect(logits.shape).toEqual([2, TINY.classes.length]);
      const rowSums = Array.from(tf.sum(tf.exp(logits), 1).dataSync());
      rowSums.forEach((s) => expect(s).toBeCloseTo(1, 5));
      if (method === 'classifier') {
        expect(attention).toBeNull();
      } else {
        expect(attention?.shape).toEqual([2, TINY.nSamples]);
        const a = attention!.dataSync();
        expect(a.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
        expect(Math.max(...a)).toBeGreaterThan(0);
      }
      model.dispose();
    });
  }

  it('is reproducible from its seed and differs across seeds', () => {
    const x = input(2);
    const run = (seed: number) => {
      const m = createModel(tinyConfig(method), seed);
      const out = Array.from(m.forward(x, false).logits.dataSync());
      m.dispose();
      return out;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('rejects an input of the wrong lead count', () => {
    const model = createModel(tinyConfig(method), 1);
    const x = tf.zeros([1, TINY.nSamples, 3]) as tf.Tensor3D;
    expect(() => model.forward(x, false)).toThrow(BeatlensError);
    expect(() => model.forward(x, false)).toThrow(/nLeads=2/);
    model.dispose();
  });

  it('does not leak tensors in forward', () => {
    const model = createModel(tinyConfig(method), 1);
    const x = input(2);
    const before = tf.memory().numTensors;
    const out = model.forward(x, false);
    out.logits.dispose();
    out.attention?.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('gradients', () => {
  const gradsFor = (method: (typeof METHODS)[number]) => {
    const model = createModel(tinyConfig(method), 2);
    const x = input(4);
    const y = tf.tensor1d([0, 1, 0, 1], 'int32');
    const named = model.namedWeights().filter((w) => w.trainable);
    const { grads } = tf.variableGrads(
      () => weightedNllLoss(model.forward(x, true).logits, y, [1, 1]),
      named.map((w) => w.variable),
    );
    const norms = new Map(
      named.map((w) => [w.name, tf.norm(grads[w.variable.name]).dataSync()[0]]),
    );
    model.dispose();
    return norms;
  };

  it('flow to the segmenter in joint and cascaded mode', () => {
    for (const method of ['joint', 'cascaded'] as const) {
      const norms = gradsFor(method);
      const seg = [...norms].filter(([name]) => name.startsWith('segmenter/'));
      expect(seg.length).toBeGreaterThan(0);
      // Every segmenter kernel receives a nonzero, finite gradient.
      for (const [name, norm] of seg.filter(([n]) => n.endsWith('kernel'))) {
        expect(Number.isFinite(norm), name).toBe(true);
        expect(norm, name).toBeGreaterThan(0);
      }
    }
  });

  it('do not exist for a segmenter in classifier mode', () => {
    const norms = gradsFor('classifier');
    expect([...norms.keys()].some((n) => n.startsWith('segmenter/'))).toBe(false);
    expect([...norms.values()].every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });
});

describe('training a tiny model', () => {
  it('overfits 8 synthetic segments (loss decreases) in a few seconds', () => {
    // 128 samples: the cpu backend's filter-gradient kernel is slow; this keeps the test short.
    const nSamples = 128;
    const ds = tinyDataset(8, 11, nSamples);
    const idx = [...Array(8).keys()];
    const model = createModel(tinyConfig('joint', 'l2', nSamples), 4);
    const x = datasetToTensor(ds, idx);
    const y = datasetLabels(ds, idx);
    const w = classWeights(ds.y, 2);
    const optimizer = tf.train.adam(3e-2);
    const evalLoss = () =>
      tf.tidy(() => weightedNllLoss(model.forward(x, false).logits, y, w).dataSync()[0]);
    const trainLoss: number[] = [];
    for (let step = 0; step < 10; step++) {
      const cost = optimizer.minimize(
        () => weightedNllLoss(model.forward(x, true).logits, y, w),
        true,
        model.trainableWeights(),
      );
      trainLoss.push(cost!.dataSync()[0]);
      cost!.dispose();
    }
    const first = trainLoss.slice(0, 3).reduce((a, b) => a + b) / 3;
    const last = trainLoss.slice(-3).reduce((a, b) => a + b) / 3;
    expect(last).toBeLessThan(0.5 * first);
    // Inference mode (moving averages) also fits the training set.
    expect(evalLoss()).toBeLessThan(Math.log(2));
    model.dispose();
  });
});
