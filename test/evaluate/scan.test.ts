import { describe, expect, it } from 'vitest';
import type { Beat, EcgRecord } from '../../src-main/ecg/types';
import { scanRecord } from '../../src-main/evaluate/scan';
import { tf } from '../../src-main/model/tf';
import type { BeatlensModel, ModelConfig } from '../../src-main/model/types';

const fs = 360;
const nSamples = 1000;

/** A stand-in model: attention = (lead 0)², fixed probabilities [APB 0.2, PVC 0.8]. */
function squareAttentionModel(probs = [0.2, 0.8]) {
  const config = {
    fs,
    nLeads: 2,
    nSamples,
    classes: ['APB', 'PVC'],
    method: 'joint',
  } as unknown as ModelConfig;
  const forward = (x: tf.Tensor3D) => {
    const batch = x.shape[0];
    return {
      logits: tf.log(tf.tile(tf.tensor2d([probs]), [batch, 1])) as tf.Tensor2D,
      attention: tf.square(
        tf.squeeze(tf.slice(x, [0, 0, 0], [batch, nSamples, 1]), [2]),
      ) as tf.Tensor2D,
    };
  };
  return { config, forward } as unknown as Pick<
    BeatlensModel,
    'forward' | 'forwardFeatures' | 'forwardHead' | 'config'
  >;
}

/** Spikes every 0.8 s; every 3rd beat (one per segment) is three times taller and annotated 'V'. */
function spikyRecord(): { record: EcgRecord; beats: Beat[] } {
  const n = fs * 20;
  const x = new Float32Array(n);
  const beats: Beat[] = [];
  let k = 0;
  for (let p = 150; p < n - 150; p += 288, k++) {
    const abnormal = k % 3 === 1;
    const h = abnormal ? 3 : 1;
    for (let d = -10; d <= 10; d++) x[p + d] += h * Math.exp(-(d * d) / 18);
    beats.push({ sample: p, symbol: abnormal ? 'V' : 'N', aami: abnormal ? 'V' : 'N' });
  }
  const record: EcgRecord = {
    id: 'spiky',
    patientId: 'p',
    fs,
    nSamples: n,
    leadNames: ['MLII', 'V1'],
    units: ['mV', 'mV'],
    signals: [x, Float32Array.from(x)],
    source: 'test',
  };
  return { record, beats };
}

describe('scanRecord', () => {
  it('flags exactly the high-attention beats of segments classified abnormal', async () => {
    const { record, beats } = spikyRecord();
    const r = await scanRecord(squareAttentionModel(), record, beats, { preprocess: false });
    const abnormal = beats.filter((b) => b.aami === 'V').map((b) => b.sample);
    expect(r.beatSource).toBe('annotations');
    expect(r.nBeats).toBe(beats.length);
    expect(r.flagged.map((f) => f.sample)).toEqual(abnormal);
    expect(r.flagged.every((f) => f.segmentLabel === 'PVC')).toBe(true);
    expect(r.flagged[0].segmentProbability).toBeCloseTo(0.8, 5);
    expect(r.flagged[0].score).toBeCloseTo(1, 5);
    // Every beat lies in exactly one segment.
    expect(Object.values(r.predictedCounts).reduce((s, v) => s + v, 0)).toBe(r.nSegments);
  });

  it('detects R peaks when the record has no annotations', async () => {
    const { record, beats } = spikyRecord();
    const r = await scanRecord(squareAttentionModel(), record, null, { preprocess: false });
    expect(r.beatSource).toBe('detector');
    expect(r.nBeats).toBe(beats.length);
    const abnormal = beats.filter((b) => b.aami === 'V').map((b) => b.sample);
    expect(r.flagged).toHaveLength(abnormal.length);
    r.flagged.forEach((f, i) => expect(Math.abs(f.sample - abnormal[i])).toBeLessThanOrEqual(3));
  });

  it('flags nothing below the probability floor and rejects a wrong fs', async () => {
    const { record, beats } = spikyRecord();
    const r = await scanRecord(squareAttentionModel([0.45, 0.55]), record, beats, {
      preprocess: false,
      minProbability: 0.6,
    });
    expect(r.flagged).toHaveLength(0);
    await expect(scanRecord(squareAttentionModel(), { ...record, fs: 250 }, beats)).rejects.toThrow(
      /fs=250 Hz but the model was trained at 360 Hz/,
    );
  });
});
