/**
 * The trainer's optional attention penalty (preset.attentionPenalty): on a toy model whose
 * attention is a trainable gate over the samples and whose class lives in samples 6–9 only, the
 * penalty must switch the gate off elsewhere while keeping the class, and λ = 0 must train
 * exactly as before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/model/tf';
import type { SegmentDataset } from '../../src-main/ecg/types';
import type { ForwardOutput, NamedWeight } from '../../src-main/model/types';
import { createRng } from '../../src-main/random';
import { getPreset } from '../../src-main/train/presets';
import { trainModel, type TrainableModel } from '../../src-main/train/trainer';

const nSamples = 16;

/** Class = sign of a bump in samples 6–9 of both leads; every other sample is noise. */
function toyDataset(n: number, seed: number): SegmentDataset {
  const rng = createRng(seed);
  const x = new Float32Array(n * 2 * nSamples);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let k = 0; k < 2 * nSamples; k++) {
      const s = k % nSamples;
      x[i * 2 * nSamples + k] = (s > 5 && s < 10 ? (y[i] ? 1 : -1) : 0) + 0.5 * rng.normal();
    }
  }
  return {
    classes: ['A', 'B'],
    nLeads: 2,
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
      label: 'A',
    })),
  };
}

let count = 0;

/** attention = sigmoid(g) per sample (shared by the batch); logits = linear(x ⊙ attention). */
function gatedModel(): TrainableModel & { gate(): Float32Array; dispose(): void } {
  const rng = createRng(7);
  const g = tf.variable(tf.fill([nSamples], 1), true, `gate_${++count}`);
  const w = tf.variable(
    tf.tensor2d(
      Array.from({ length: 2 * nSamples * 2 }, () => 0.01 * rng.normal()),
      [2 * nSamples, 2],
    ),
    true,
    `w_${count}`,
  );
  return {
    forward(x: tf.Tensor3D): ForwardOutput {
      return tf.tidy(() => {
        const batch = x.shape[0];
        const a = tf.sigmoid(g).expandDims(0).tile([batch, 1]) as tf.Tensor2D;
        const gated = tf.mul(x, a.expandDims(2)).reshape([batch, 2 * nSamples]) as tf.Tensor2D;
        return { logits: tf.logSoftmax(gated.matMul(w)) as tf.Tensor2D, attention: a };
      });
    },
    trainableWeights: () => [g, w],
    namedWeights: (): NamedWeight[] => [
      { name: 'g', variable: g, trainable: true },
      { name: 'w', variable: w, trainable: true },
    ],
    gate: () => tf.tidy(() => tf.sigmoid(g).dataSync() as Float32Array),
    dispose: () => tf.dispose([g, w]),
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ds = toyDataset(256, 2);
const trainIdx = ds.meta.map((_, i) => i);

/** The tiny preset used by every run here, plus the penalty settings under test. */
const gatePreset = (penalty: { attentionPenalty?: number; attentionPenaltyKind?: 'l1-l2' } = {}) =>
  getPreset('tiny', {
    epochs: 15,
    batchSize: 16,
    learningRate: 0.05,
    valFraction: 0,
    select: 'last',
    ...penalty,
  });

async function train(lambda: number): Promise<{ gate: Float32Array; loss: number }> {
  const model = gatedModel();
  const h = await trainModel({
    model,
    train: ds,
    trainIdx,
    preset: gatePreset({ attentionPenalty: lambda, attentionPenaltyKind: 'l1-l2' }),
    seed: 1,
  });
  const gate = model.gate();
  model.dispose();
  return { gate, loss: h.epochs.at(-1)!.trainLoss };
}

const ratio = (gate: Float32Array): number => {
  const inside = gate.slice(6, 10).reduce((s, v) => s + v, 0) / 4;
  const outside = (gate.reduce((s, v) => s + v, 0) - 4 * inside) / (nSamples - 4);
  return outside / inside;
};

describe('trainModel with an attention penalty', () => {
  it('keeps the informative samples and switches the rest off', async () => {
    const off = await train(0);
    const on = await train(1);
    // Without the penalty nothing pushes the gate down off the bump.
    expect(ratio(off.gate)).toBeGreaterThan(0.7);
    expect(ratio(on.gate)).toBeLessThan(0.5 * ratio(off.gate));
    // Every informative sample stays on; most noise samples are switched off (a few may stay on
    // through chance correlations in 256 noisy segments).
    expect(Math.min(...on.gate.slice(6, 10))).toBeGreaterThan(0.5);
    const noise = [...on.gate.slice(0, 6), ...on.gate.slice(10)];
    expect(noise.filter((v) => v < 0.1).length).toBeGreaterThanOrEqual(8);
  });

  it('with λ = 0 (or absent) trains exactly as the unpenalised loop', async () => {
    const zero = await train(0);
    const model = gatedModel();
    await trainModel({
      model,
      train: ds,
      trainIdx,
      preset: gatePreset(),
      seed: 1,
    });
    expect(Array.from(model.gate())).toEqual(Array.from(zero.gate));
    model.dispose();
  });

  it('presets validate the weight and kind; paper keeps it off', () => {
    expect(getPreset('paper').attentionPenalty ?? 0).toBe(0);
    expect(getPreset('fast')).toMatchObject({
      attentionPenalty: 1,
      attentionPenaltyKind: 'mean-max',
    });
    expect(getPreset('fast', { attentionPenalty: 0 }).attentionPenalty).toBe(0);
    expect(() => getPreset('tiny', { attentionPenalty: -1 })).toThrow(/attentionPenalty=-1/);
    expect(() => getPreset('tiny', { attentionPenalty: NaN })).toThrow(/attentionPenalty=NaN/);
    expect(() =>
      getPreset('tiny', { attentionPenaltyKind: 'entropy' as unknown as 'l1-l2' }),
    ).toThrow(/attentionPenaltyKind=entropy/);
  });
});
