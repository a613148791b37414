/**
 * The app services behind the channels: decimation for drawing, the record library's windows,
 * and grade studies (blinding, per-rater order, persistence, export).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bucketMax, decimateMinMax } from '../../src-main/app/decimate';
import { RecordLibrary } from '../../src-main/app/records';
import { StudyService, datasetPool } from '../../src-main/app/studies';
import { synthesizeDataset, synthesizeRecord } from '../../src-main/ecg/synthetic';
import { createModel } from '../../src-main/model/registry';
import { defaultModelConfig } from '../../src-main/model/config';

const tmp = mkdtempSync(join(tmpdir(), 'beatlens-services-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('decimateMinMax', () => {
  it('keeps every extreme (a one-sample spike survives 1000:1 decimation)', () => {
    const signal = new Float32Array(100_000);
    signal[54_321] = 5;
    signal[77_777] = -3;
    const d = decimateMinMax(signal, 0, signal.length, 100);
    expect(d.bucketSamples).toBe(1000);
    expect(d.max.length).toBe(100);
    expect(Math.max(...d.max)).toBe(5);
    expect(Math.min(...d.min)).toBe(-3);
    expect(d.max[54]).toBe(5);
  });

  it('does not decimate short windows and clips at the end of the signal', () => {
    const signal = Float32Array.from({ length: 50 }, (_, i) => i);
    const d = decimateMinMax(signal, 40, 100, 1000);
    expect(d.bucketSamples).toBe(1);
    expect(Array.from(d.min)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
    expect(Array.from(bucketMax(signal, 0, 10, 5))).toEqual([4, 9]);
  });
});

describe('RecordLibrary', () => {
  const { record, beats } = synthesizeRecord({ seed: 3, durationSeconds: 20, pvcRate: 0.1 });
  const lib = new RecordLibrary();
  lib.add(record, beats);

  it('summarises records and filters by search', () => {
    const [s] = lib.list();
    expect(s.fs).toBe(360);
    expect(s.durationSeconds).toBeCloseTo(20, 5);
    expect(Object.values(s.beatCounts!).reduce((a, b) => a + b, 0)).toBe(beats.length);
    expect(lib.list('no-such-record')).toEqual([]);
  });

  it('returns decimated windows with attention from the model, or a reason without one', () => {
    const w0 = lib.window({ recordId: record.id, startSample: 0, nSamples: 7200, maxPoints: 500 });
    expect(w0.attention).toBeNull();
    expect(w0.modelNote).toBe('no model loaded');
    expect(w0.min[0].length).toBeLessThanOrEqual(500);
    const model = createModel(
      defaultModelConfig({
        method: 'joint',
        nLeads: 2,
        nSamples: 512,
        fs: 360,
        classes: ['APB', 'PVC'],
        width: 0.125,
      }),
      1,
    );
    lib.setModel({ model, note: 'test model' });
    const w = lib.window({ recordId: record.id, startSample: 100, nSamples: 1500, maxPoints: 300 });
    expect(w.attention!.length).toBe(w.min[0].length);
    expect(Math.max(...w.attention!)).toBeLessThanOrEqual(1);
    expect(w.predictions.length).toBe(4); // tiles 0..3 of 512 samples cover samples 100..1599
    expect(w.beats.every((b) => b.sample >= 100 && b.sample < 1600)).toBe(true);
    const wrongFs = { ...record, id: 'r250', fs: 250 };
    lib.add(wrongFs, null);
    const w2 = lib.window({ recordId: 'r250', startSample: 0, nSamples: 1000, maxPoints: 100 });
    expect(w2.attention).toBeNull();
    expect(w2.modelNote).toMatch(/fs=250 Hz but the model was trained at 360 Hz/);
    model.dispose();
  });

  it('rejects unknown records and windows past the end with one-line errors', () => {
    expect(() => lib.get('nope')).toThrow(/record 'nope' is not in the library/);
    expect(() =>
      lib.window({ recordId: record.id, startSample: 10 ** 7, nSamples: 10, maxPoints: 16 }),
    ).toThrow(/past the end/);
  });
});

describe('StudyService', () => {
  const pool = synthesizeDataset({ seed: 4, nSegments: 10, nSamples: 400 });
  const dir = join(tmp, 'studies');
  const flat = (indices: number[]) => indices.map(() => new Float32Array(400).fill(0.5));
  const demo = datasetPool(pool);
  const poolFor = () => demo;

  it('serves blinded items in per-rater orders and saves grades to disk at once', () => {
    const studies = new StudyService(dir);
    const s = studies.create(
      { name: 't', nItems: 6, raters: ['a', 'b'], seed: 9 },
      demo,
      flat,
      'm',
    );
    const a = Array.from({ length: 6 }, (_, i) =>
      studies.item({ studyId: s.id, raterId: 'a', index: i }, poolFor),
    );
    const b = Array.from({ length: 6 }, (_, i) =>
      studies.item({ studyId: s.id, raterId: 'b', index: i }, poolFor),
    );
    expect(Object.keys(a[0]).sort()).toEqual([
      'fs',
      'grade',
      'index',
      'nLeads',
      'nSamples',
      'raterId',
      'signal',
      'studyId',
      'total',
    ]);
    // The signal is A ⊙ D (A = 0.5 here), and the two raters see the same items in other orders.
    const sig = (x: (typeof a)[number]) => x.signal[0].slice(0, 50).join(',');
    expect(new Set(a.map(sig))).toEqual(new Set(b.map(sig)));
    expect(a.map(sig)).not.toEqual(b.map(sig));
    const candidates = Array.from({ length: 10 }, (_, k) =>
      Array.from(
        pool.x.subarray(k * 800, k * 800 + 5),
        (v) => Math.round(v * 0.5 * 1e4) / 1e4,
      ).join(','),
    );
    expect(candidates).toContain(a[0].signal[0].slice(0, 5).join(','));

    studies.grade({ studyId: s.id, raterId: 'a', index: 0, grade: 'I' });
    studies.grade({ studyId: s.id, raterId: 'a', index: 1, grade: 'II' });
    studies.grade({ studyId: s.id, raterId: 'b', index: 0, grade: 'III' });
    const reopened = new StudyService(dir);
    expect(reopened.progress({ studyId: s.id, raterId: 'a' })).toMatchObject({
      done: 2,
      nextIndex: 2,
    });
    expect(reopened.item({ studyId: s.id, raterId: 'a', index: 1 }, poolFor).grade).toBe('II');
    expect(reopened.item({ studyId: s.id, raterId: 'b', index: 1 }, poolFor).grade).toBeNull();
    expect(() => reopened.item({ studyId: s.id, raterId: 'c', index: 0 }, poolFor)).toThrow(
      /rater 'c' is not part of study/,
    );
    expect(() => reopened.grade({ studyId: s.id, raterId: 'a', index: 6, grade: 'I' })).toThrow(
      /out of range/,
    );
  });

  it('exports grades with ratios, per-rater counts and kappas', () => {
    const studies = new StudyService(join(tmp, 'studies2'));
    const s = studies.create(
      { name: 'k', nItems: 4, raters: ['a', 'b'], seed: 1 },
      demo,
      flat,
      'm',
    );
    // Both raters give the same grade to the same item: kappa = 1.
    const gradeOf = ['I', 'II', 'III', 'I'] as const;
    for (const r of ['a', 'b']) {
      for (let i = 0; i < 4; i++) {
        const shown = studies
          .item({ studyId: s.id, raterId: r, index: i }, poolFor)
          .signal[0].slice(0, 20)
          .join();
        const itemNo = Array.from({ length: 4 }, (_, k) =>
          studies
            .item({ studyId: s.id, raterId: 'a', index: k }, poolFor)
            .signal[0].slice(0, 20)
            .join(),
        ).indexOf(shown);
        studies.grade({ studyId: s.id, raterId: r, index: i, grade: gradeOf[itemNo] });
      }
    }
    const json = JSON.parse(studies.export({ studyId: s.id, format: 'json' }).text);
    expect(json.summary.counts).toEqual({ I: 4, II: 2, III: 2 });
    expect(json.summary.cohen[0].kappa).toBeCloseTo(1, 10);
    expect(json.summary.fleiss.kappa).toBeCloseTo(1, 10);
    expect(json.items).toHaveLength(4);
    const csv = studies.export({ studyId: s.id, format: 'csv' }).text;
    expect(csv).toMatch(/^ratio,study %,50,25,25,8$/m);
    expect(csv).toMatch(/^cohen,a vs b \(n=4\),,,,1$/m);
  });
});

describe('long-work jobs', () => {
  it(
    'runs training in a worker and reports a one-line failure (empty store)',
    { timeout: 60_000 },
    async () => {
      const { createAppServices } = await import('../../src-main/app/services');
      const { createEventBus } = await import('../../src-main/ipc/events');
      const events = createEventBus();
      const services = await createAppServices({
        shell: 'browser',
        events,
        home: join(tmp, 'jobs'),
      });
      const ended = new Promise<{ state: string; message: string }>((resolve) =>
        events.subscribe((e) => {
          if (e.type === 'job-state' && e.job.state !== 'running') resolve(e.job);
        }),
      );
      const job = await services.impl['train:start']({
        task: 'pvc-apb',
        dataset: 'store',
        method: 'joint',
        pooling: 'l2',
        kernelSamples: 150,
        protocol: 'holdout',
        preset: 'tiny',
        seed: 1,
      });
      expect(job.state).toBe('running');
      const end = await ended;
      expect(end.state).toBe('failed');
      expect(end.message).toMatch(/no (pvc-apb )?segments/);
      expect(end.message).not.toContain('\n');
      expect(services.impl['jobs:list']({})).toHaveLength(1);
      services.close();
    },
  );
});

describe('grade study over the store', () => {
  it('draws items from pvc-apb segments prepared into the store', { timeout: 60_000 }, async () => {
    const { createAppServices } = await import('../../src-main/app/services');
    const { createEventBus } = await import('../../src-main/ipc/events');
    const { openStore } = await import('../../src-main/store/index');
    const { buildSegments } = await import('../../src-main/ecg/segments');
    const home = join(tmp, 'store-study');
    const store = openStore(join(home, 'beatlens.sqlite'));
    const { record, beats } = synthesizeRecord({ seed: 8, durationSeconds: 120, pvcRate: 0.1 });
    const items = buildSegments(record, beats, { maxSamples: 2000, task: 'pvc-apb' });
    expect(items.length).toBeGreaterThan(3);
    store.records.import({
      record,
      format: 'synthetic',
      checksum: 'test',
      beats,
      segments: { task: 'pvc-apb', items },
    });
    const ids = store.segments.list({ task: 'pvc-apb' }).map((s) => s.id);
    store.close();

    const services = await createAppServices({
      shell: 'browser',
      events: createEventBus(),
      home,
      demo: true,
    });
    const study = await services.impl['studies:create']({
      name: 'store study',
      nItems: 3,
      raters: ['a'],
      seed: 5,
      dataset: 'store',
    });
    const item = await services.impl['studies:item']({ studyId: study.id, raterId: 'a', index: 0 });
    expect(item.nSamples).toBe(2000);
    expect(Object.keys(item)).not.toContain('label');
    const key = JSON.parse(
      (await services.impl['studies:export']({ studyId: study.id, format: 'json' })).text,
    ) as { items: Array<{ segmentIndex: number; label: string }> };
    expect(key.items.every((k) => ids.includes(k.segmentIndex))).toBe(true);
    expect(key.items.every((k) => k.label === 'PVC')).toBe(true);
    services.close();
  });
});
