/**
 * The MIL head's attention, trained with segment labels only (no penalty), ranks the abnormal
 * beats of held-out synthetic PVC/APB segments above the normal ones, and better than its
 * own map shifted by half a beat (so the score comes from *where* the map is high, not from a
 * per-segment scale). Fold 0 of a 3-fold split per seed (fold 0 is typical here: all 6 folds of
 * seeds 1 and 2 score 0.78–0.86, docs/localisation.md), `tiny` preset, width ×0.25; the bounds
 * hold on the worst of three seeds.
 *
 * The signal-energy control (Σ_leads x², no learning) is computed and printed but NOT beaten on
 * this data: both give 1.00 within PVC segments (the synthetic PVC is large and wide), and in APB
 * segments energy scores ~0.77 against the MIL map's ~0.5 — in a two-class PVC/APB task "APB" is
 * "no PVC", so nothing makes the APB evidence local (docs/localisation.md, the MIL section). The
 * test asserts only what holds: MIL matches energy on the PVC segments and beats the shifted map.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SegmentDataset } from '../../src-main/ecg/types';
import { synthesizeDataset } from '../../src-main/ecg/synthetic';
import { energyMap, halfBeatShift } from '../../src-main/evaluate/controls';
import { evaluateCvFolds } from '../../src-main/evaluate/cv-run';
import { scoreMaps } from '../../src-main/evaluate/pipeline';
import { initBackend } from '../../src-main/model/backend';
import { runCrossValidation } from '../../src-main/train/cross-validation';
import { getPreset } from '../../src-main/train/presets';

const SEEDS = [1, 2, 3];
const N_SEGMENTS = 128;
const FOLD = 0;

/** The segment's signal energy (the control any model gets for free). */
const energy = (ds: SegmentDataset, i: number): Float32Array => {
  const per = ds.nLeads * ds.nSamples;
  return energyMap(ds.x.subarray(i * per, (i + 1) * per), ds.nLeads, ds.nSamples);
};

/** Fold 0 of a 3-fold stratified `beatlens cv` (runCrossValidation, in this process) of `mil`. */
async function runSeed(seed: number) {
  const ds = synthesizeDataset({ seed, nSegments: N_SEGMENTS });
  const runDir = mkdtempSync(join(tmpdir(), 'beatlens-mil-learn-'));
  try {
    const cv = await runCrossValidation({
      config: {
        dataset: `synthetic(seed=${seed}, n=${N_SEGMENTS})`,
        task: 'pvc-apb',
        protocol: 'stratified',
        k: 3,
        method: 'mil',
        pooling: 'l2',
        width: 0.25,
        preset: getPreset('tiny'),
        seed,
      },
      data: ds,
      outDir: runDir,
      workers: 0,
      storePath: null,
      onlyFolds: [FOLD],
    });
    const [mil] = await evaluateCvFolds(runDir, ds, [FOLD], 'attention');
    const test = mil.index;
    const shiftedMaps = mil.maps.map((m, j) =>
      halfBeatShift(
        m,
        ds.meta[test[j]].beats.map((b) => b.position),
      ),
    );
    const energyMaps = test.map((i) => energy(ds, i));
    const pooled = (idx: number[], maps: Float32Array[]) =>
      scoreMaps(ds, idx, maps, 'attention').summary.pooledAuroc;
    // Within the PVC segments only (the class whose beats are positive evidence).
    const pvc = test.map((_, j) => j).filter((j) => ds.classes[ds.y[test[j]]] === 'PVC');
    const onPvc = (maps: Float32Array[]) =>
      pooled(
        pvc.map((j) => test[j]),
        pvc.map((j) => maps[j]),
      );
    return {
      accuracy: cv.folds[0].metrics.accuracy,
      nAbnormal: mil.summary.nAbnormalBeats,
      mil: mil.summary.pooledAuroc,
      pointing: mil.summary.pointingGame,
      energy: pooled(test, energyMaps),
      shifted: pooled(test, shiftedMaps),
      milPvc: onPvc(mil.maps),
      energyPvc: onPvc(energyMaps),
      shiftedPvc: onPvc(shiftedMaps),
    };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

describe('MIL head trained on segment labels', () => {
  it('localises the PVCs as well as signal energy, and beats its half-beat-shifted map', async () => {
    await initBackend('auto');
    const started = performance.now();
    const results: Awaited<ReturnType<typeof runSeed>>[] = [];
    for (const seed of SEEDS) {
      const r = await runSeed(seed);
      console.log(
        `seed ${seed}: accuracy ${r.accuracy.toFixed(3)}, beat AUROC MIL ${r.mil.toFixed(3)} (pointing ${r.pointing.toFixed(3)}), energy ${r.energy.toFixed(3)}, shifted ${r.shifted.toFixed(3)}; PVC segments MIL ${r.milPvc.toFixed(3)}, energy ${r.energyPvc.toFixed(3)}, shifted ${r.shiftedPvc.toFixed(3)}`,
      );
      results.push(r);
    }
    console.log(`${SEEDS.length} seeds in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    for (const r of results) expect(r.nAbnormal).toBeGreaterThan(20);
    const worst = (f: (r: (typeof results)[number]) => number) => Math.min(...results.map(f));
    // Measured (seeds 1, 2, 3): accuracy 1.000 each; MIL 0.828, 0.858, 0.817; shifted 0.563,
    // 0.742, 0.533; energy 0.935, 0.931, 0.927. PVC segments: MIL 1.000, 0.997, 1.000; energy
    // 1.000 each; shifted 0.662, 0.915, 0.593.
    expect(worst((r) => r.accuracy)).toBeGreaterThanOrEqual(0.9);
    expect(worst((r) => r.mil)).toBeGreaterThanOrEqual(0.78);
    expect(worst((r) => r.milPvc)).toBeGreaterThanOrEqual(0.95);
    expect(worst((r) => r.milPvc - r.energyPvc)).toBeGreaterThanOrEqual(-0.02);
    expect(worst((r) => r.mil - r.shifted)).toBeGreaterThanOrEqual(0.05);
    expect(worst((r) => r.milPvc - r.shiftedPvc)).toBeGreaterThanOrEqual(0.05);
  }, 120_000);
});
