/**
 * Multiply–accumulate count of one forward pass per segment, from the config alone. Used to size
 * the default architecture for speed (training costs about 3× the forward pass) and in docs.
 */
import type { ModelConfig } from './types';

export interface CostBreakdown {
  segmenterMacs: number;
  classifierMacs: number;
  totalMacs: number;
}

const convMacs = (nOut: number, k: number, cIn: number, cOut: number): number =>
  nOut * k * cIn * cOut;

export function forwardMacs(cfg: ModelConfig): CostBreakdown {
  let segmenterMacs = 0;
  if (cfg.method !== 'classifier' && cfg.method !== 'mil') {
    const { widths, kernelSize: k } = cfg.segmenter;
    const depth = widths.length - 1;
    const padded = Math.ceil(cfg.nSamples / 2 ** depth) * 2 ** depth;
    widths.forEach((w, i) => {
      const n = padded / 2 ** i;
      segmenterMacs += convMacs(n, k, i === 0 ? cfg.nLeads : widths[i - 1], w);
      segmenterMacs += convMacs(n, k, w, w);
      if (i < depth) {
        segmenterMacs += convMacs(n, k, w + widths[i + 1], w) + convMacs(n, k, w, w);
      }
    });
    segmenterMacs += padded * widths[0];
  }
  const c = cfg.classifier;
  let n = cfg.nSamples;
  let classifierMacs = n * cfg.nLeads * c.stemWidth;
  c.widths.forEach((w, b) => {
    n = Math.ceil(n / 2);
    classifierMacs += convMacs(n, c.kernelSize, b === 0 ? c.stemWidth : c.widths[b - 1], w);
    classifierMacs += convMacs(n, c.kernelSize, w, w);
  });
  const last = c.widths[c.widths.length - 1];
  // The MIL head: a point-wise conv to class evidence per step instead of the MLP.
  classifierMacs +=
    cfg.method === 'mil'
      ? n * last * cfg.classes.length
      : last * c.hiddenUnits + c.hiddenUnits * cfg.classes.length;
  return { segmenterMacs, classifierMacs, totalMacs: segmenterMacs + classifierMacs };
}
