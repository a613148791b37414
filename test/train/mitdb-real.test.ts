/**
 * Real MIT-BIH in CI (skipped where ../shared/data/mitdb is absent): the reader on all 48
 * records, and a short training on a few records that must beat chance on records it never saw.
 * Two seeds, and the bound holds for the worse of them. The task is PVC vs normal-only segments:
 * PVC vs APB trained on 5 records did not beat chance reliably on 5 others (seeds 1–3 gave AUC
 * 0.47–0.78, the model calling nearly everything one class) — the cross-patient gap the
 * patient-grouped and DS1 → DS2 tables measure with all records.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { initBackend } from '../../src-main/model/backend';
import { defaultModelConfig } from '../../src-main/model/config';
import { createModel } from '../../src-main/model/registry';
import { tf } from '../../src-main/model/tf';
import { loadTaskDataset } from '../../src-main/train/task-data';
import { binaryRocAuc } from '../../src-main/train/metrics';
import { getPreset } from '../../src-main/train/presets';
import { predictIndices, trainModel } from '../../src-main/train/trainer';
import { dataset } from '../helpers/data';

const mitdb = dataset('mitdb', '234.atr');

describe.skipIf(!mitdb.present)('MIT-BIH Arrhythmia, real records', () => {
  it('reads all 48 records: 650000 × 2 samples each (checksums verified), 109,494 beats', () => {
    const names = readdirSync(mitdb.dir)
      .filter((f) => f.endsWith('.hea'))
      .map((f) => f.slice(0, -4));
    expect(names).toHaveLength(48);
    let nBeats = 0;
    const t0 = performance.now();
    for (const n of names) {
      const r = readWfdbRecord(join(mitdb.dir, n));
      expect([r.fs, r.nSamples, r.signals.length]).toEqual([360, 650000, 2]);
      nBeats += readBeats(join(mitdb.dir, n)).length;
    }
    console.log(`read 48 records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The database README's total (every beat type of the directory's beat table).
    expect(nBeats).toBe(109494);
  }, 120_000);

  describe('a short training on 4 records beats chance on 4 others', () => {
    // PVC vs normal-only segments (task normal-apb-pvc): PVC-rich records, other patients held out.
    const TRAIN = ['106', '119', '208', '116'];
    const TEST = ['200', '221', '228', '233'];
    const NORMAL_PER_RECORD = 100;
    beforeAll(async () => {
      await initBackend('wasm');
    });

    it.each([1, 2])(
      'seed %i: PVC-vs-rest ROC AUC and balanced accuracy on the unseen records',
      async (seed) => {
        const { data } = loadTaskDataset({
          name: 'mitdb',
          task: 'normal-apb-pvc',
          seed: 0,
          dataDir: mitdb.dir,
          records: [...TRAIN, ...TEST],
          resampleHz: 180,
        });
        const pvc = data.classes.indexOf('PVC');
        const normal = data.classes.indexOf('NORMAL');
        const idx = (records: string[]) => {
          const nNormal = new Map<string, number>();
          return data.meta.flatMap((m, i) => {
            if (!records.includes(m.recordId)) return [];
            if (data.y[i] === pvc) return [i];
            if (data.y[i] !== normal) return [];
            const k = nNormal.get(m.recordId) ?? 0;
            nNormal.set(m.recordId, k + 1);
            return k < NORMAL_PER_RECORD ? [i] : [];
          });
        };
        const trainIdx = idx(TRAIN);
        const testIdx = idx(TEST);
        const model = createModel(
          defaultModelConfig({
            method: 'classifier',
            pooling: 'l2',
            width: 0.5,
            nLeads: data.nLeads,
            nSamples: data.nSamples,
            fs: data.fs,
            classes: data.classes,
          }),
          seed,
        );
        const before = tf.memory().numTensors;
        try {
          await trainModel({
            model,
            train: data,
            trainIdx,
            preset: getPreset('paper-fast', { epochs: 3, valFraction: 0 }),
            seed,
          });
          const pred = await predictIndices(model, data, testIdx, 32);
          const nC = data.classes.length;
          const isPvc = testIdx.map((i) => data.y[i] === pvc);
          const pPvc = testIdx.map((_, j) => pred.probs[j * nC + pvc]);
          const auc = binaryRocAuc(isPvc, pPvc);
          const called = testIdx.map((_, j) => {
            const p = Array.from(pred.probs.subarray(j * nC, (j + 1) * nC));
            return p.indexOf(Math.max(...p)) === pvc;
          });
          const rate = (want: boolean) =>
            isPvc.filter((t, j) => t === want && called[j] === want).length /
            isPvc.filter((t) => t === want).length;
          const balanced = (rate(true) + rate(false)) / 2;
          console.log(
            `seed ${seed}: ${trainIdx.length} train / ${testIdx.length} test segments, PVC AUC ${auc.toFixed(3)}, balanced accuracy ${balanced.toFixed(3)}`,
          );
          expect(auc).toBeGreaterThan(0.75);
          expect(balanced).toBeGreaterThan(0.65);
        } finally {
          model.dispose();
        }
        expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
      },
      240_000,
    );
  });
});
