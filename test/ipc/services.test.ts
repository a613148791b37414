/**
 * The app services behind the channels: decimation for drawing, the record library's windows,
 * grade studies in the SQLite store (blinding, per-rater order, persistence across restarts,
 * export). Beat review has its own test: test/app/review.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bucketMax, decimateMinMax } from '../../src-main/app/decimate';
import { RecordLibrary, type WindowInference } from '../../src-main/app/records';
import type { InferenceEntry } from '../../src-main/app/record-inference';
import { StudyService } from '../../src-main/app/studies';
import type { StudyPool } from '../../src-main/app/studies';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { openStore } from '../../src-main/store/index';
import type { Store } from '../../src-main/store/index';
import { prepareSyntheticIntoStore } from '../../src-main/store/ingest';
import { loadModelAsset } from '../../src-main/infer/models';
import { inferRecordMaps, windowAttention } from '../../src-main/app/record-maps';
import { BLINDED_ITEM_KEYS } from '../helpers/blinding';

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
  const { record, beats } = synthesizeRecord({ seed: 3, durationSeconds: 40, pvcRate: 0.1 });
  const lib = new RecordLibrary();
  lib.add(record, beats);
  const model = { id: 'default', name: 'shipped test model' };
  /** One model serving labels and map: one entry for both roles. */
  const one = (entry: InferenceEntry): WindowInference => {
    const part = { model, entry };
    return { labels: part, map: part };
  };

  it('summarises records and filters by search', () => {
    const [s] = lib.list();
    expect(s.fs).toBe(360);
    expect(s.durationSeconds).toBeCloseTo(40, 5);
    expect(Object.values(s.beatCounts!).reduce((a, b) => a + b, 0)).toBe(beats.length);
    expect(lib.list('no-such-record')).toEqual([]);
  });

  it('shows no attention and says so without a trained model, or while the record is inferred', () => {
    const w0 = lib.window(
      { recordId: record.id, startSample: 0, nSamples: 7200, maxPoints: 500 },
      null,
    );
    expect([w0.attention, w0.model, w0.inference.state]).toEqual([null, null, 'none']);
    expect(w0.modelNote).toMatch(/no trained model available/);
    expect(w0.beatSource).toBe('annotations');
    expect(w0.min[0].length).toBeLessThanOrEqual(500);
    const running = lib.window(
      { recordId: record.id, startSample: 0, nSamples: 7200, maxPoints: 500 },
      one({ state: 'running', jobId: 'j', done: 3, total: 9, ended: Promise.resolve() }),
    );
    expect(running.attention).toBeNull();
    expect(running.modelNote).toMatch(
      /shipped test model: inferring the record \(3 of 9 segments\)/,
    );
  });

  it(
    "draws the model's map on one scale for the whole record, with its beat labels",
    { timeout: 60_000 },
    async () => {
      const asset = await loadModelAsset('default');
      const maps = await inferRecordMaps(asset.model, record, beats, asset.info);
      asset.model.dispose();
      const entry = { state: 'ready' as const, maps };
      const view = (startSample: number, nSamples: number) =>
        lib.window({ recordId: record.id, startSample, nSamples, maxPoints: 400 }, one(entry));
      const whole = view(0, record.nSamples);
      expect(whole.model).toEqual(model);
      expect(whole.mapModel).toEqual(model);
      expect(whole.mapSource).toBe('gradxinput'); // the shipped model is classifier-only
      expect(whole.attention!.length).toBe(whole.min[0].length);
      // One scale per record: its maximum is 1, and a window elsewhere is not stretched to 1.
      expect(Math.max(...whole.attention!)).toBeCloseTo(1, 2);
      const peak = whole.attention!.indexOf(Math.max(...whole.attention!)) * whole.bucketSamples;
      const away = peak > record.nSamples / 2 ? 0 : record.nSamples - 1800;
      const quiet = view(away, 1800);
      const direct = windowAttention(maps, away, 1800, quiet.bucketSamples);
      expect(quiet.attention).toEqual(Array.from(direct, (v) => Math.round(v * 1000) / 1000));
      expect(Math.max(...quiet.attention!)).toBeLessThanOrEqual(1);
      // Beat markers are the model's labels of the same beats; predictions its segments.
      expect(whole.beatSource).toBe('model');
      expect(whole.beats.length).toBe(maps.beats.length);
      expect(whole.beats.every((b) => ['N', 'S', 'V'].includes(b.aami))).toBe(true);
      const part = view(3600, 3600);
      expect(part.beats.every((b) => b.sample >= 3600 && b.sample < 7200)).toBe(true);
      expect(part.predictions.length).toBeGreaterThan(0);
      expect(part.modelNote).toMatch(/^shipped test model: gradient × input on one scale/);
      expect(part.modelNote).toMatch(/resampled to the model's 180 Hz/);

      // Two models: beat labels and predictions from the labels' model, the map from the other.
      const mapModel = { id: 'localiser', name: 'map test model' };
      const other = { ...maps, map: maps.map.map((_, i) => (i % 360 < 36 ? 2 : 0)), maxValue: 2 };
      const mapRunning = lib.window(
        { recordId: record.id, startSample: 0, nSamples: 3600, maxPoints: 400 },
        {
          labels: { model, entry },
          map: {
            model: mapModel,
            entry: { state: 'running', jobId: 'k', done: 1, total: 4, ended: Promise.resolve() },
          },
        },
      );
      expect(mapRunning.inference).toEqual({ state: 'running', done: 1, total: 4 });
      expect(mapRunning.attention).toBeNull();
      expect(mapRunning.beatSource).toBe('model');
      expect(mapRunning.modelNote).toMatch(/map test model: inferring the record \(1 of 4/);
      const both = lib.window(
        { recordId: record.id, startSample: 0, nSamples: 3600, maxPoints: 400 },
        {
          labels: { model, entry },
          map: { model: mapModel, entry: { state: 'ready', maps: other } },
        },
      );
      expect([both.model, both.mapModel]).toEqual([model, mapModel]);
      expect(both.inference.state).toBe('ready');
      expect(both.attention).toEqual(
        Array.from(
          windowAttention(other, 0, 3600, both.bucketSamples),
          (v) => Math.round(v * 1000) / 1000,
        ),
      );
      expect(both.beats).toEqual(view(0, 3600).beats);
      expect(both.predictions).toEqual(view(0, 3600).predictions);
      expect(both.modelNote).toMatch(/^map test model: gradient × input on one scale/);
      expect(both.modelNote).toMatch(/shipped test model: .*resampled/);
    },
  );

  it('rejects unknown records and windows past the end with one-line errors', () => {
    expect(() => lib.get('nope')).toThrow(/record 'nope' is not in the library/);
    expect(() =>
      lib.window({ recordId: record.id, startSample: 10 ** 7, nSamples: 10, maxPoints: 16 }, null),
    ).toThrow(/past the end/);
  });
});

describe('StudyService (SQLite store)', () => {
  const path = join(tmp, 'studies.sqlite');
  const seeded = openStore(path);
  prepareSyntheticIntoStore(seeded, { seed: 4, nSegments: 10 });
  const infos = seeded.segments.list({ task: 'pvc-apb' });
  const data = new Map(infos.map((x) => [x.id, seeded.segments.get(x.id)!.data]));
  seeded.close();
  const pool: StudyPool = { name: 'demo', segments: infos };
  const half = (ids: number[]) => ids.map(() => new Float32Array(2000).fill(0.5));
  const TEST_MODEL = { id: 'm', name: 'test model', key: 'm@0' };
  const stores: Store[] = [];
  const open = (): Store => {
    const s = openStore(path);
    stores.push(s);
    return s;
  };
  afterAll(() => stores.forEach((s) => s.db.open && s.close()));

  it('serves blinded items in per-rater orders and commits grades at once', async () => {
    const store = open();
    const studies = new StudyService(store);
    const s = await studies.create(
      { name: 't', nItems: 6, raters: ['a', 'b'], seed: 9 },
      pool,
      half,
      TEST_MODEL,
    );
    expect(s.model).toBe(TEST_MODEL.name);
    expect(s.id).toMatch(/^\d+$/);
    const a = Array.from({ length: 6 }, (_, i) =>
      studies.item({ studyId: s.id, raterId: 'a', index: i }),
    );
    const b = Array.from({ length: 6 }, (_, i) =>
      studies.item({ studyId: s.id, raterId: 'b', index: i }),
    );
    expect(Object.keys(a[0]).sort()).toEqual(BLINDED_ITEM_KEYS);
    // The signal is A ⊙ D of a stored segment (A = 0.5 here); both raters see the same items in
    // other orders.
    const sig = (x: (typeof a)[number]) => x.signal[0].slice(0, 50).join(',');
    expect(new Set(a.map(sig))).toEqual(new Set(b.map(sig)));
    expect(a.map(sig)).not.toEqual(b.map(sig));
    const candidates = [...data.values()].map((d) =>
      Array.from(d.subarray(0, 5), (v) => Math.round(v * 0.5 * 1e4) / 1e4).join(','),
    );
    expect(candidates).toContain(a[0].signal[0].slice(0, 5).join(','));
    // Every item refers to a real stored segment and keeps the attention it was shown with.
    const items = store.studies.items(Number(s.id));
    expect(items.every((it) => data.has(it.segmentId))).toBe(true);
    expect(items.every((it) => it.attention.every((v) => v === 0.5))).toBe(true);

    studies.grade({ studyId: s.id, raterId: 'a', index: 0, grade: 'III' });
    studies.grade({ studyId: s.id, raterId: 'a', index: 0, grade: 'I' }); // regrade
    studies.grade({ studyId: s.id, raterId: 'a', index: 1, grade: 'II' });
    studies.grade({ studyId: s.id, raterId: 'b', index: 0, grade: 'III' });
    expect(store.studies.grades(Number(s.id))).toHaveLength(3); // one row per item and rater
    expect(studies.list().find((x) => x.id === s.id)!.graded).toEqual({ a: 2, b: 1 });
    expect(() => studies.item({ studyId: s.id, raterId: 'c', index: 0 })).toThrow(
      /rater 'c' is not part of study/,
    );
    expect(() => studies.grade({ studyId: s.id, raterId: 'a', index: 6, grade: 'I' })).toThrow(
      /out of range/,
    );
    expect(() => studies.progress({ studyId: 'nope', raterId: 'a' })).toThrow(
      /study 'nope' does not exist/,
    );
    expect(() => studies.progress({ studyId: '999', raterId: 'a' })).toThrow(/does not exist/);
  });

  it('finds the grades again after the store is closed and reopened (an app restart)', async () => {
    const first = new StudyService(open());
    const s = await first.create(
      { name: 'r', nItems: 4, raters: ['a'], seed: 3 },
      pool,
      half,
      TEST_MODEL,
    );
    first.grade({ studyId: s.id, raterId: 'a', index: 0, grade: 'II' });
    first.grade({ studyId: s.id, raterId: 'a', index: 1, grade: 'III' });
    const shownBefore = first.item({ studyId: s.id, raterId: 'a', index: 2 }).signal;
    stores.forEach((x) => x.close());
    const reopened = new StudyService(open());
    expect(reopened.progress({ studyId: s.id, raterId: 'a' })).toMatchObject({
      done: 2,
      nextIndex: 2,
    });
    expect(reopened.item({ studyId: s.id, raterId: 'a', index: 1 }).grade).toBe('III');
    expect(reopened.item({ studyId: s.id, raterId: 'a', index: 2 }).grade).toBeNull();
    expect(reopened.item({ studyId: s.id, raterId: 'a', index: 2 }).signal).toEqual(shownBefore);
  });

  it('exports grades with ratios, per-rater counts, kappas and the segment key', async () => {
    const studies = new StudyService(open());
    const s = await studies.create(
      { name: 'k', nItems: 4, raters: ['a', 'b'], seed: 1 },
      pool,
      half,
      TEST_MODEL,
    );
    // Both raters give the same grade to the same item: kappa = 1.
    const gradeOf = ['I', 'II', 'III', 'I'] as const;
    const shownTo = (r: string, i: number) =>
      studies.item({ studyId: s.id, raterId: r, index: i }).signal[0].slice(0, 20).join();
    const aOrder = Array.from({ length: 4 }, (_, k) => shownTo('a', k));
    for (const r of ['a', 'b']) {
      for (let i = 0; i < 4; i++) {
        const itemNo = aOrder.indexOf(shownTo(r, i));
        studies.grade({ studyId: s.id, raterId: r, index: i, grade: gradeOf[itemNo] });
      }
    }
    const json = JSON.parse(studies.export({ studyId: s.id, format: 'json' }).text);
    expect(json.model).toEqual(TEST_MODEL);
    expect(json.summary.counts).toEqual({ I: 4, II: 2, III: 2 });
    expect(json.summary.cohen[0].kappa).toBeCloseTo(1, 10);
    expect(json.summary.fleiss.kappa).toBeCloseTo(1, 10);
    expect(json.items).toHaveLength(4);
    for (const k of json.items as Array<{ segmentId: number; recordId: string; label: string }>) {
      const info = infos.find((x) => x.id === k.segmentId)!;
      expect([k.recordId, k.label]).toEqual([info.recordId, info.label]);
    }
    const csv = studies.export({ studyId: s.id, format: 'csv' }).text;
    expect(csv).toMatch(/^ratio,study %,50,25,25,8$/m);
    expect(csv).toMatch(/^cohen,a vs b \(n=4\),,,,1$/m);
    expect(csv).toMatch(/^itemId,segmentId,recordId,offset,label$/m);
  });
});

describe('long-work jobs', () => {
  it('refuses the normal-class task on data that has no all-normal segments, in one line', async () => {
    const { createAppServices } = await import('../../src-main/app/services');
    const { createEventBus } = await import('../../src-main/ipc/events');
    const services = await createAppServices({
      shell: 'browser',
      events: createEventBus(),
      home: join(tmp, 'task'),
    });
    for (const dataset of ['demo', 'store'] as const) {
      expect(() =>
        services.impl['train:start']({
          task: 'normal-apb-pvc',
          dataset,
          method: 'mil',
          pooling: 'l2',
          kernelSamples: 150,
          protocol: 'stratified',
          preset: 'tiny',
          seed: 1,
        }),
      ).toThrow(/^task normal-apb-pvc needs the MIT-BIH folder .*has pvc-apb only$/);
    }
    expect(services.impl['jobs:list']({})).toHaveLength(0);
    services.close();
  });

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
        protocol: 'stratified',
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
    ) as { items: Array<{ segmentId: number; label: string }> };
    // Only the segments prepared into the store, not the demo's (which the store also holds now).
    expect(key.items.every((k) => ids.includes(k.segmentId))).toBe(true);
    expect(key.items.every((k) => k.label === 'PVC')).toBe(true);
    services.close();
  });
});

describe('app services over the store', () => {
  it(
    'writes the demo once, keeps study items blinded, and grades survive a restart',
    { timeout: 60_000 },
    async () => {
      const { createAppServices } = await import('../../src-main/app/services');
      const { createEventBus } = await import('../../src-main/ipc/events');
      const home = join(tmp, 'restart');
      const start = () =>
        createAppServices({ shell: 'browser', events: createEventBus(), home, demo: true });
      const first = await start();
      const counts = first.store!.counts();
      expect(counts.records).toBeGreaterThan(1); // demo-1 and the synthetic study's records
      expect(first.library.list().map((r) => r.id)).toContain('demo-1');
      const study = await first.impl['studies:create']({
        name: 'restart',
        nItems: 6,
        raters: ['rater-a', 'rater-b'],
        seed: 11,
      });
      for (const [index, grade] of [
        [0, 'I'],
        [1, 'III'],
        [2, 'II'],
      ] as const) {
        await first.impl['studies:grade']({ studyId: study.id, raterId: 'rater-a', index, grade });
      }
      // Blinding: the payload names no label, prediction, probability, record or segment.
      const item = await first.impl['studies:item']({
        studyId: study.id,
        raterId: 'rater-a',
        index: 3,
      });
      const text = JSON.stringify(item);
      expect(text).not.toMatch(
        /label|predict|probab|PVC|APB|record|segment|offset|syn-|demo-1|rater-b/i,
      );
      const segmentIds = first.store!.studies.items(Number(study.id)).map((it) => it.segmentId);
      const demoRecords = new Set(
        first
          .store!.segments.list({ task: 'pvc-apb' })
          .filter((x) => segmentIds.includes(x.id))
          .map((x) => x.recordId),
      );
      expect([...demoRecords].every((r) => /^syn-7-\d+$/.test(r))).toBe(true);
      first.close();

      const second = await start();
      const data = (c: Record<string, number>) => [
        c.records,
        c.record_signals,
        c.beats,
        c.segments,
      ];
      expect(data(second.store!.counts())).toEqual(data(counts)); // the demo is not written twice
      expect(second.store!.counts().grades).toBe(3);
      const [again] = await second.impl['studies:list']({});
      expect(again).toMatchObject({ id: study.id, graded: { 'rater-a': 3, 'rater-b': 0 } });
      expect(
        await second.impl['studies:progress']({ studyId: study.id, raterId: 'rater-a' }),
      ).toMatchObject({
        done: 3,
        nextIndex: 3,
      });
      const graded = await second.impl['studies:item']({
        studyId: study.id,
        raterId: 'rater-a',
        index: 1,
      });
      expect(graded.grade).toBe('III');
      expect(graded.signal).toEqual(
        (await second.impl['studies:item']({ studyId: study.id, raterId: 'rater-a', index: 1 }))
          .signal,
      );
      second.close();
    },
  );
});
