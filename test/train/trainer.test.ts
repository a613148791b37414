import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src-main/model/tf';
import type { SegmentDataset } from '../../src-main/ecg/types';
import type { NamedWeight, ForwardOutput } from '../../src-main/model/types';
import { DEFAULT_AUGMENT } from '../../src-main/ecg/augment';
import { createRng } from '../../src-main/random';
import { getPreset } from '../../src-main/train/presets';
import {
  predictIndices,
  trainModel,
  type TrainableModel,
  type TrainProgress,
} from '../../src-main/train/trainer';

/** Two classes that differ by the sign of a bump: a linear model learns it in a few steps. */
function toyDataset(n: number, seed: number): SegmentDataset {
  const rng = createRng(seed);
  const nLeads = 2;
  const nSamples = 16;
  const x = new Float32Array(n * nLeads * nSamples);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3 === 0 ? 1 : 0;
    for (let k = 0; k < nLeads * nSamples; k++) {
      const s = k % nSamples;
      const bump = s > 5 && s < 10 ? (y[i] ? 1 : -1) : 0;
      x[i * nLeads * nSamples + k] = bump + 0.5 * rng.normal();
    }
  }
  return {
    classes: ['N', 'V'],
    nLeads,
    nSamples,
    fs: 100,
    x,
    y,
    meta: Array.from({ length: n }, () => ({
      recordId: 'r',
      patientId: 'p',
      offset: 0,
      length: nSamples,
      beats: [],
      label: 'N',
    })),
  };
}

let modelCount = 0;

/** A linear softmax model with a non-trainable running mean, shaped like BeatlensModel. */
function linearModel(seed: number): TrainableModel & { dispose(): void } {
  const rng = createRng(seed);
  const w = tf.variable(
    tf.tensor2d(
      Array.from({ length: 32 * 2 }, () => 0.01 * rng.normal()),
      [32, 2],
    ),
    true,
    `w${seed}_${++modelCount}`,
  );
  const b = tf.variable(tf.zeros([2]), true);
  const running = tf.variable(tf.zeros([1]), false);
  return {
    forward(x: tf.Tensor3D, training: boolean): ForwardOutput {
      return tf.tidy(() => {
        const flat = x.reshape([x.shape[0], 32]) as tf.Tensor2D;
        if (training) running.assign(running.mul(0.9).add(flat.mean().mul(0.1)) as tf.Tensor1D);
        const logits = tf.logSoftmax(flat.matMul(w).add(b)) as tf.Tensor2D;
        return { logits, attention: flat.abs() as tf.Tensor2D };
      });
    },
    trainableWeights: () => [w, b],
    namedWeights: (): NamedWeight[] => [
      { name: 'w', variable: w, trainable: true },
      { name: 'b', variable: b, trainable: true },
      { name: 'running', variable: running, trainable: false },
    ],
    dispose: () => tf.dispose([w, b, running]),
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ds = toyDataset(120, 1);
const trainIdx = Array.from({ length: 90 }, (_, i) => i);
const valIdx = Array.from({ length: 30 }, (_, i) => 90 + i);

describe('trainModel', () => {
  it('learns, reports per-epoch curves and progress, and does not leak tensors', async () => {
    const model = linearModel(1);
    const preset = getPreset('tiny', { epochs: 6, batchSize: 16, learningRate: 0.02 });
    const events: TrainProgress[] = [];
    const counts: number[] = [];
    const h = await trainModel({
      model,
      train: ds,
      trainIdx,
      valIdx,
      preset,
      seed: 3,
      fold: 2,
      onProgress: (p) => {
        events.push(p);
        if (p.kind === 'epoch') counts.push(tf.memory().numTensors);
      },
    });
    expect(h.epochs).toHaveLength(6);
    expect(h.epochs[5].trainLoss).toBeLessThan(h.epochs[0].trainLoss);
    expect(h.epochs[h.selectedEpoch].valAccuracy).toBeGreaterThan(0.85);
    expect(events.filter((e) => e.kind === 'batch')).toHaveLength(6 * 6);
    expect(events[0]).toMatchObject({ fold: 2, epoch: 0, epochs: 6, batch: 0, batches: 6 });
    expect(events.at(-1)!.etaSeconds).toBe(0);
    expect(events.every((e) => Number.isFinite(e.etaSeconds) && e.etaSeconds >= 0)).toBe(true);
    // steady state from the second epoch on (the best-weights snapshot appears once)
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
  });

  it('augments training batches when the preset says so, reproducibly from the seed', async () => {
    const run = async (augment: boolean): Promise<number[]> => {
      const model = linearModel(7);
      const preset = getPreset('tiny', {
        epochs: 2,
        ...(augment ? { augment: DEFAULT_AUGMENT } : {}),
      });
      const h = await trainModel({ model, train: ds, trainIdx, valIdx, preset, seed: 5 });
      model.dispose();
      return h.epochs.map((e) => e.trainLoss);
    };
    const [plain, a, b] = [await run(false), await run(true), await run(true)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(plain);
  });

  it('uses balanced class weights over the training indices by default', async () => {
    const model = linearModel(4);
    const h = await trainModel({
      model,
      train: ds,
      trainIdx: [0, 1, 2, 3], // labels 1, 0, 0, 1 → balanced
      preset: getPreset('tiny', { epochs: 1 }),
      seed: 0,
    });
    expect(h.classWeights).toEqual([1, 1]);
    const h2 = await trainModel({
      model,
      train: ds,
      trainIdx: [0, 1, 2, 4, 5], // labels 1, 0, 0, 0, 0
      preset: getPreset('tiny', { epochs: 1 }),
      seed: 0,
    });
    expect(h2.classWeights).toEqual([5 / 8, 5 / 2]);
    model.dispose();
  });

  it('restores the best-validation-loss weights when the preset says so', async () => {
    const model = linearModel(2);
    const h = await trainModel({
      model,
      train: ds,
      trainIdx,
      valIdx,
      preset: getPreset('tiny', { epochs: 5, learningRate: 0.05 }),
      seed: 1,
    });
    const best = Math.min(...h.epochs.map((e) => e.valLoss));
    expect(h.epochs[h.selectedEpoch].valLoss).toBe(best);
    model.dispose();
  });

  it('stops on abort and resumes from the last checkpoint to the same weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beatlens-ck-'));
    try {
      const preset = getPreset('tiny', { epochs: 4, select: 'last', learningRate: 0.02 });
      const ref = linearModel(5);
      await trainModel({ model: ref, train: ds, trainIdx, valIdx, preset, seed: 9 });
      const refW = await ref.trainableWeights()[0].data();

      const a = linearModel(5);
      const ctl = new AbortController();
      await expect(
        trainModel({
          model: a,
          train: ds,
          trainIdx,
          valIdx,
          preset,
          seed: 9,
          checkpointDir: dir,
          signal: ctl.signal,
          onProgress: (p) => {
            if (p.epoch === 2 && p.batch === 1) ctl.abort();
          },
        }),
      ).rejects.toThrow(/cancelled/);
      a.dispose();

      const resumed = linearModel(77); // different init: everything must come from the checkpoint
      const h = await trainModel({
        model: resumed,
        train: ds,
        trainIdx,
        valIdx,
        preset,
        seed: 9,
        checkpointDir: dir,
      });
      expect(h.resumedEpochs).toBe(2);
      expect(h.epochs).toHaveLength(4);
      const got = await resumed.trainableWeights()[0].data();
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(refW[i], 5);
      ref.dispose();
      resumed.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('predicts probabilities that sum to one, with attention maps', async () => {
    const model = linearModel(3);
    const p = await predictIndices(model, ds, [0, 1, 2, 3, 4], 2);
    expect(p.probs).toHaveLength(10);
    for (let i = 0; i < 5; i++) expect(p.probs[2 * i] + p.probs[2 * i + 1]).toBeCloseTo(1, 5);
    expect(p.attention).toHaveLength(5);
    model.dispose();
  });
});
