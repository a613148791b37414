import { describe, expect, it } from 'vitest';
import { synthesizeDataset } from '../../src-main/ecg/synthetic';
import { runAblation, sweepVariants } from '../../src-main/evaluate/ablate';
import {
  ablationMarkdown,
  curvesSvg,
  exampleSvg,
  kernelSweepSvg,
} from '../../src-main/evaluate/report';
import { initBackend } from '../../src-main/model/backend';
import { getPreset } from '../../src-main/train/presets';

describe('sweepVariants', () => {
  it("lists the paper's kernels scaled with fs, both poolings and the three methods", () => {
    expect(sweepVariants('kernel', 360).map((v) => v.kernelSamples)).toEqual([
      50, 100, 150, 200, 300,
    ]);
    expect(sweepVariants('kernel', 500).map((v) => v.kernelSamples)).toEqual([
      69, 139, 208, 278, 417,
    ]);
    expect(sweepVariants('pooling', 360).map((v) => v.pooling)).toEqual(['l2', 'max']);
    expect(sweepVariants('method', 360).map((v) => v.method)).toEqual([
      'joint',
      'cascaded',
      'classifier',
    ]);
    expect(() => sweepVariants('depth' as 'kernel', 360)).toThrow(/unknown sweep 'depth'/);
  });
});

describe('runAblation + report', () => {
  it('cross-validates each variant and reports segment and beat metrics with figures', async () => {
    await initBackend('auto');
    const data = synthesizeDataset({ seed: 2, nSegments: 12, nSamples: 600 });
    const r = await runAblation({
      data,
      dataName: 'synthetic test',
      sweep: 'method',
      preset: getPreset('tiny', { epochs: 2 }),
      folds: 2,
      seed: 1,
      width: 0.125,
      examplesPerClass: 1,
    });
    expect(r.variants.map((v) => v.name)).toEqual(['joint', 'cascaded', 'classifier']);
    for (const v of r.variants) {
      expect(v.folds).toHaveLength(2);
      expect(v.folds[0].history).toHaveLength(2);
      expect(v.summary.accuracy.n).toBe(2);
      const n = v.folds.reduce((s, f) => s + f.classification.n, 0);
      expect(n).toBe(12); // every segment is tested exactly once
    }
    expect(Object.keys(r.variants[0].summary.localisation)).toEqual(['attention']);
    expect(Object.keys(r.variants[2].summary.localisation)).toEqual(['gradxinput', 'gradcam']);
    const md = ablationMarkdown(r);
    expect(md).toContain('| joint | joint | l2 | 150 |');
    expect(md).toContain('| classifier | Grad-CAM |');
    expect(md).toContain('50:27:23');
    const curves = curvesSvg(r);
    expect(curves.startsWith('<svg')).toBe(true);
    expect(curves.match(/<path d="M/g)?.length).toBe(9); // 3 panels × 3 methods
    const ex = r.variants[0].examples[0];
    const svg = exampleSvg(ex, data.fs);
    const nAbnormal = ex.beats.filter((b) => b.aami !== 'N').length;
    expect(svg.match(/fill="#D55E00"\/>/g)?.length).toBe(nAbnormal);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(kernelSweepSvg({ ...r, variants: r.variants.slice(0, 2) })).toContain(
      'kernel-size sweep',
    );
  }, 60_000);
});
