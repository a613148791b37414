import { describe, expect, it } from 'vitest';
import { BeatlensError } from '../../src-main/errors';
import { defaultKernelSamples, defaultModelConfig } from '../../src-main/model/config';
import { forwardMacs } from '../../src-main/model/cost';
import { createModel, listModels, registerModel } from '../../src-main/model/registry';
import { tinyConfig } from './helpers';

describe('defaultModelConfig', () => {
  it('derives the pooling kernel from fs (≈ half a normal beat)', () => {
    expect(defaultKernelSamples(360)).toBe(150);
    expect(defaultKernelSamples(500)).toBe(200);
    expect(defaultKernelSamples(480)).toBe(200);
    expect(defaultKernelSamples(250)).toBe(100);
    expect(defaultKernelSamples(1000)).toBe(400);
    expect(defaultKernelSamples(50)).toBe(21);
    expect(defaultKernelSamples(90)).toBe(38);
    const cfg = defaultModelConfig({
      method: 'joint',
      nLeads: 12,
      nSamples: 5000,
      fs: 500,
      classes: ['LVOT', 'RVOT'],
    });
    expect(cfg).toMatchObject({
      kernelSamples: 200,
      pooling: 'l2',
      poolingAlign: 'centred',
      nLeads: 12,
    });
    expect(
      defaultModelConfig({
        method: 'joint',
        nLeads: 2,
        nSamples: 2000,
        fs: 360,
        classes: ['a', 'b'],
        kernelSamples: 100,
      }).kernelSamples,
    ).toBe(100);
  });

  it('scales channel widths with `width`', () => {
    const base = defaultModelConfig({
      method: 'joint',
      nLeads: 2,
      nSamples: 2000,
      fs: 360,
      classes: ['a', 'b'],
    });
    const wide = defaultModelConfig({
      method: 'joint',
      nLeads: 2,
      nSamples: 2000,
      fs: 360,
      classes: ['a', 'b'],
      width: 2,
    });
    expect(wide.segmenter.widths).toEqual(base.segmenter.widths.map((w) => 2 * w));
    expect(wide.classifier.hiddenUnits).toBe(128);
  });

  it('rejects inconsistent values with a message naming them', () => {
    const p = { method: 'joint' as const, nLeads: 2, nSamples: 2000, fs: 360, classes: ['a', 'b'] };
    expect(() => defaultModelConfig({ ...p, nLeads: 0 })).toThrow(/nLeads=0/);
    expect(() => defaultModelConfig({ ...p, fs: -1 })).toThrow(/fs=-1/);
    expect(() => defaultModelConfig({ ...p, kernelSamples: 3000 })).toThrow(/kernelSamples=3000/);
    expect(() => defaultModelConfig({ ...p, classes: ['a'] })).toThrow(BeatlensError);
    expect(() => defaultModelConfig({ ...p, method: 'both' as never })).toThrow(/method="both"/);
    expect(() => defaultModelConfig({ ...p, segmenter: { kernelSize: 4 } })).toThrow(
      /kernelSize=4/,
    );
  });
});

describe('registry', () => {
  it('lists the built-in family and refuses unknown or duplicate names', () => {
    expect(listModels()).toContain('unet1d-cnn');
    expect(() => createModel({ ...tinyConfig('joint'), architecture: 'nope' }, 1)).toThrow(
      /unknown model architecture nope/,
    );
    expect(() =>
      registerModel('unet1d-cnn', () => {
        throw new Error('unused');
      }),
    ).toThrow(/already registered/);
  });
});

describe('forwardMacs', () => {
  it('matches a hand count for tiny configs', () => {
    const base = { nLeads: 1, nSamples: 8, fs: 360, classes: ['a', 'b'], kernelSamples: 3 };
    const cls = defaultModelConfig({
      ...base,
      nLeads: 2,
      method: 'classifier',
      classifier: { stemWidth: 4, widths: [4], kernelSize: 3, hiddenUnits: 16 },
    });
    // stem 8·2·4 = 64; block at n=4: 2 × 4·3·4·4 = 384; MLP 4·16 + 16·2 = 96.
    expect(forwardMacs(cls)).toEqual({ segmenterMacs: 0, classifierMacs: 544, totalMacs: 544 });
    const joint = defaultModelConfig({
      ...base,
      method: 'joint',
      segmenter: { widths: [2, 4], kernelSize: 3 },
      classifier: { stemWidth: 4, widths: [4], kernelSize: 3, hiddenUnits: 16 },
    });
    // enc0 8·3·1·2 + 8·3·2·2 = 144; enc1 4·3·2·4 + 4·3·4·4 = 288;
    // dec0 8·3·6·2 + 8·3·2·2 = 384; head 8·2 = 16.
    expect(forwardMacs(joint).segmenterMacs).toBe(144 + 288 + 384 + 16);
  });
});
