import { describe, expect, it } from 'vitest';
import { getPreset, learningRateAt } from '../../src-main/train/presets';

describe('presets', () => {
  it('paper preset is the paper protocol', () => {
    const p = getPreset('paper');
    expect(p).toMatchObject({ optimizer: 'adam', learningRate: 1e-5, epochs: 120, batchSize: 32 });
    expect(learningRateAt(p, 0)).toBe(1e-5);
    expect(learningRateAt(p, 119)).toBe(1e-5);
  });
  it('fast preset warms up then decays by cosine to minLr', () => {
    const p = getPreset('fast');
    expect(p.epochs).toBeLessThan(40);
    expect(learningRateAt(p, 0)).toBeCloseTo(p.learningRate / 2, 12);
    expect(learningRateAt(p, 1)).toBeCloseTo(p.learningRate, 12);
    expect(learningRateAt(p, p.epochs - 1)).toBeCloseTo(1e-5, 12);
    for (let e = 2; e < p.epochs; e++) {
      expect(learningRateAt(p, e)).toBeLessThan(learningRateAt(p, e - 1));
    }
  });
  it('step schedule and overrides', () => {
    const p = getPreset('tiny', { schedule: { kind: 'step', stepEpochs: 2, gamma: 0.5 } });
    expect(learningRateAt(p, 3)).toBeCloseTo(p.learningRate / 2, 12);
    expect(learningRateAt(p, 4)).toBeCloseTo(p.learningRate / 4, 12);
    expect(getPreset('paper', { epochs: 3 }).epochs).toBe(3);
  });
  it('rejects unknown names and bad values with one-line errors', () => {
    expect(() => getPreset('slow')).toThrow(/unknown preset 'slow'/);
    expect(() => getPreset('fast', { epochs: 0 })).toThrow(/epochs=0/);
  });
});
