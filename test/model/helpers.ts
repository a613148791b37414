/** Tiny shapes and synthetic inputs shared by the model tests (cpu backend, seconds). */
import type { SegmentDataset } from '../../src-main/ecg/types';
import { defaultModelConfig } from '../../src-main/model/config';
import type { Method, ModelConfig, Pooling } from '../../src-main/model/types';
import { createRng } from '../../src-main/random';

export const TINY = { nLeads: 2, nSamples: 256, fs: 360, classes: ['PVC', 'APB'] };

export function tinyConfig(
  method: Method,
  pooling: Pooling = 'l2',
  nSamples = TINY.nSamples,
): ModelConfig {
  return defaultModelConfig({
    ...TINY,
    nSamples,
    method,
    pooling,
    kernelSamples: 24,
    segmenter: { widths: [4, 8, 8], kernelSize: 5 },
    classifier: { stemWidth: 4, widths: [4, 8, 8, 8], kernelSize: 5, hiddenUnits: 16 },
  });
}

/**
 * n segments of 2 × nSamples samples: a few narrow "normal" bumps; class 1 ('APB') segments get one
 * early narrow beat, class 0 ('PVC') ones one wide inverted beat. Labels alternate 0, 1.
 */
export function tinyDataset(n: number, seed: number, nSamples = TINY.nSamples): SegmentDataset {
  const rng = createRng(seed);
  const { nLeads } = TINY;
  const x = new Float32Array(n * nLeads * nSamples);
  const y = new Int32Array(n);
  const meta: SegmentDataset['meta'] = [];
  for (let s = 0; s < n; s++) {
    const label = s % 2;
    y[s] = label;
    const odd = 30 + rng.int(nSamples - 60);
    for (let lead = 0; lead < nLeads; lead++) {
      const row = (s * nLeads + lead) * nSamples;
      for (let t = 0; t < nSamples; t++) {
        let v = 0.05 * rng.normal();
        for (let r = 20; r < nSamples; r += 48) v += Math.exp(-(((t - r) / 3) ** 2));
        const width = label === 0 ? 12 : 3;
        const amp = label === 0 ? -1.5 : 1;
        v += amp * Math.exp(-(((t - odd) / width) ** 2));
        x[row + t] = v * (lead === 0 ? 1 : 0.6);
      }
    }
    meta.push({
      recordId: 'syn',
      patientId: 'syn',
      offset: s * nSamples,
      length: nSamples,
      beats: [],
      label: TINY.classes[label],
    });
  }
  return { classes: TINY.classes, nLeads, nSamples, fs: TINY.fs, x, y, meta };
}
