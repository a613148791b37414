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
  it('trains on the stored demo segments and keys its predictions by their store ids', async () => {
    const home = join(tmp, 'app');
    const events = createEventBus();
    const services = await createAppServices({ shell: 'browser', events, home, demo: true });
    try {
      const ended = new Promise<{ state: string; message: string }>((resolve) =>
        events.subscribe((e) => {
          if (e.type === 'job-state' && e.job.state !== 'running') resolve(e.job);
        }),
      );
      const job = await services.impl['train:start']({
        task: 'pvc-apb',
        method: 'joint',
        pooling: 'l2',
        kernelSamples: 150,
        protocol: 'holdout',
        preset: 'tiny',
        epochs: 1,
        seed: 1,
      });
      const end = await ended;
      expect(end.state, end.message).toBe('done');
      const p = JSON.parse(
        readFileSync(join(home, 'runs', job.id, 'fold-0', 'predictions.json'), 'utf8'),
      ) as {
        classes: string[];
        items: Array<{ segmentId: number; label: string; probabilities: number[] }>;
      };
      expect(p.classes).toEqual(['APB', 'PVC']);
      expect(p.items.length).toBeGreaterThan(0);
      const store = services.store!;
      const demoIds = new Set(storedPools(store).demo.map((s) => s.id));
      for (const item of p.items) {
        expect(demoIds.has(item.segmentId)).toBe(true);
        expect(store.segments.get(item.segmentId)!.label).toBe(item.label);
        expect(item.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      }
    } finally {
      services.close();
    }
  });
});
