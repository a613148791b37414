/**
 * Every kernel that training the beatlens models needs runs on wasm, and one training step's
 * gradients equal the cpu backend's (small model, short input; all methods and poolings).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/model/backend';
import { defaultModelConfig } from '../../../src-main/model/config';
import { weightedNllLoss } from '../../../src-main/model/loss';
import { createModel } from '../../../src-main/model/registry';
import { tf } from '../../../src-main/model/tf';
import type { Method, Pooling } from '../../../src-main/model/types';
import { createRng } from '../../../src-main/random';

const BATCH = 3;
const N_LEADS = 2;
const N_SAMPLES = 64;

function gradients(method: Method, pooling: Pooling): { loss: number; grads: Float32Array[] } {
  const cfg = defaultModelConfig({
    method,
    pooling,
    nLeads: N_LEADS,
    nSamples: N_SAMPLES,
    fs: 360,
    classes: ['PVC', 'APB'],
    kernelSamples: 7,
    width: 0.25,
  });
  const model = createModel(cfg, 5);
  const rng = createRng(17);
  const xValues = new Float32Array(BATCH * N_SAMPLES * N_LEADS);
  for (let i = 0; i < xValues.length; i++) xValues[i] = rng.normal();
  const x = tf.tensor3d(xValues, [BATCH, N_SAMPLES, N_LEADS]);
  const y = tf.tensor1d([0, 1, 1], 'int32');
  const weights = model.trainableWeights();
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forward(x, true);
    out.attention?.dispose();
    return weightedNllLoss(out.logits, y, [1, 2]);
  }, weights);
  const result = {
    loss: value.dataSync()[0],
    grads: weights.map((w) => grads[w.name].dataSync() as Float32Array),
  };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return result;
}

describe('training the beatlens models on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  const cases: Array<[Method, Pooling]> = [
    ['joint', 'l2'],
    ['joint', 'max'],
    ['cascaded', 'l2'],
    ['classifier', 'l2'],
  ];

  it.each(cases)(
    '%s model, %s pooling: gradients equal the cpu backend',
    async (method, pooling) => {
      await tf.setBackend('wasm');
      const onWasm = gradients(method, pooling);
      await tf.setBackend('cpu');
      const onCpu = gradients(method, pooling);
      await tf.setBackend('wasm');
      expect(Number.isFinite(onWasm.loss)).toBe(true);
      expect(Math.abs(onWasm.loss - onCpu.loss)).toBeLessThan(1e-4 * Math.max(1, onCpu.loss));
      expect(onWasm.grads.length).toBe(onCpu.grads.length);
      onCpu.grads.forEach((cpuGrad, i) => {
        let scale = 1e-6;
        let diff = 0;
        for (let j = 0; j < cpuGrad.length; j++) {
          scale = Math.max(scale, Math.abs(cpuGrad[j]));
          diff = Math.max(diff, Math.abs(cpuGrad[j] - onWasm.grads[i][j]));
        }
        expect(diff, `weight ${i}`).toBeLessThanOrEqual(2e-3 * scale);
      });
    },
  );
});
