import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, ensureDemoInStore, loadDemoDataset, storedPools } from '../../src-main/app/demo';
import { loadCoreModules } from '../../src-main/app/core';
import { synthesizeDataset } from '../../src-main/ecg/synthetic';
import { openStore } from '../../src-main/store/index';
import { createAppServices } from '../../src-main/app/services';
import { createEventBus } from '../../src-main/ipc/events';
import type { ModelList } from '../../src-main/ipc/contract';
import { readModelManifest } from '../../src-main/model/weights';

const tmp = mkdtempSync(join(tmpdir(), 'beatlens-demo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadDemoDataset', () => {
  it('reads the stored demo segments with their ids, the same segments the demo was built from', () => {
    const store = openStore(join(tmp, 'store.sqlite'));
    try {
      expect(() => loadDemoDataset(store)).toThrow(/no demo segments/);
      ensureDemoInStore(store, loadCoreModules());
      const ds = loadDemoDataset(store);
      const demoIds = storedPools(store).demo.map((s) => s.id);
      expect(ds.ids).toEqual(demoIds);
      expect(ds.classes).toEqual(['APB', 'PVC']);
      expect([ds.nLeads, ds.nSamples, ds.fs]).toEqual([DEMO.nLeads, DEMO.nSamples, DEMO.fs]);
      // Row i is the stored segment ids[i]: same data, same label.
      const rowSize = ds.nLeads * ds.nSamples;
      for (const i of [0, Math.floor(ds.ids.length / 2), ds.ids.length - 1]) {
        const seg = store.segments.get(ds.ids[i])!;
        expect(ds.classes[ds.y[i]]).toBe(seg.label);
        expect(Array.from(ds.x.subarray(i * rowSize, (i + 1) * rowSize))).toEqual(
          Array.from(seg.data),
        );
      }
      // The same segments (as a multiset of labels and data sums) as synthesising them again.
      const again = synthesizeDataset({
        seed: DEMO.seed,
        nSegments: DEMO.nSegments,
        fs: DEMO.fs,
        nLeads: DEMO.nLeads,
      });
      const fingerprint = (x: Float32Array, y: ArrayLike<number>, classes: string[]): string[] =>
        Array.from(y, (c, i) => {
          let sum = 0;
          for (let j = i * rowSize; j < (i + 1) * rowSize; j++) sum += x[j];
          return `${classes[c]}:${sum.toFixed(3)}`;
        }).sort();
      expect(fingerprint(ds.x, ds.y, ds.classes)).toEqual(
        fingerprint(again.x, again.y, again.classes),
      );
      // Segments of other records are not part of the demo set.
      expect(store.segments.list({ recordIds: [] })).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe('demo training', () => {
  it(
    "trains with the CLI's cross-validation, keys predictions by store ids, and saves the model into the library",
    { timeout: 300_000 },
    async () => {
      const home = join(tmp, 'app');
      const events = createEventBus();
      const start = () => createAppServices({ shell: 'browser', events, home, demo: true });
      const services = await start();
      let modelId = '';
      try {
        const ended = new Promise<{ state: string; message: string }>((resolve) =>
          events.subscribe((e) => {
            if (e.type === 'job-state' && e.job.kind === 'train' && e.job.state !== 'running') {
              resolve(e.job);
            }
          }),
        );
        const job = await services.impl['train:start']({
          task: 'pvc-apb',
          method: 'joint',
          pooling: 'l2',
          kernelSamples: 150,
          protocol: 'stratified',
          preset: 'tiny',
          epochs: 1,
          seed: 1,
        });
        const end = await ended;
        expect(end.state, end.message).toBe('done');
        modelId = `${job.id}-fold1`;
        expect(end.message).toContain(`saved to the model library as '${modelId}'`);
        // The run folder is the CLI's (beatlens cv --out): run.json and folds/<k>/.
        const runDir = join(home, 'runs', job.id);
        const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as {
          runId: string;
          storeRunId: number;
          config: { protocol: string; k: number };
        };
        expect(run.config).toMatchObject({ protocol: 'stratified', k: 5 });
        const p = JSON.parse(
          readFileSync(join(runDir, 'folds', '0', 'predictions.json'), 'utf8'),
        ) as {
          classes: string[];
          segments: Array<{
            recordId: string;
            offset: number;
            label: string;
            probabilities: number[];
          }>;
        };
        expect(p.classes).toEqual(['APB', 'PVC']);
        expect(p.segments.length).toBe(12); // the test fold: 60 demo segments, 5 folds
        // The store has the run's row and its predictions against the demo's stored segments.
        const store = services.store!;
        const demo = storedPools(store).demo;
        const demoIds = new Set(demo.map((s) => s.id));
        const preds = store.predictions.list({ runId: run.storeRunId });
        expect(preds.length).toBe(12);
        for (const pr of preds) {
          expect(demoIds.has(pr.segmentId)).toBe(true);
          expect(pr.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
        }
        // The model is in the library with its run and fold, and trained on the other 48.
        const listed = services.impl['models:list']({}) as ModelList;
        const saved = listed.models.find((m) => m.id === modelId)!;
        expect(saved).toMatchObject({ trained: true, shipped: false, classes: ['APB', 'PVC'] });
        expect(saved.provenance).toContain(`run ${run.runId}`);
        expect(saved.provenance).toContain('fold 1/5');
        expect(listed.current!.id).toBe('default'); // training does not switch the model
        const meta = readModelManifest(join(home, 'models', modelId)).meta;
        const test = new Set(p.segments.map((x) => `${x.recordId}:${x.offset}`));
        const trained = meta.trainingSegments as string[];
        expect(trained.length).toBe(48);
        expect(trained.some((id) => test.has(id))).toBe(false);
        expect(meta).toMatchObject({ runId: run.runId, storeRunId: run.storeRunId, fold: 0 });
      } finally {
        services.close();
      }

      // After a restart it is still there; chosen, its studies draw from its test fold only.
      const again = await start();
      try {
        expect((again.impl['models:list']({}) as ModelList).models.map((m) => m.id)).toContain(
          modelId,
        );
        await again.impl['models:choose']({ modelId });
        const study = await again.impl['studies:create']({
          name: 'held out',
          nItems: 12,
          raters: ['a'],
          seed: 3,
        });
        expect(study.model).toContain('stratified fold 1/5');
        const key = JSON.parse(
          (await again.impl['studies:export']({ studyId: study.id, format: 'json' })).text,
        ) as { items: Array<{ recordId: string; offset: number }> };
        const meta = readModelManifest(join(home, 'models', modelId)).meta;
        const trained = new Set(meta.trainingSegments as string[]);
        expect(key.items.filter((k) => trained.has(`${k.recordId}:${k.offset}`))).toEqual([]);
        await expect(
          again.impl['studies:create']({ name: 'too big', nItems: 13, raters: ['a'], seed: 3 }),
        ).rejects.toThrow(/study size n=13 must be an integer in 1\.\.12/);
      } finally {
        again.close();
      }
    },
  );
});
