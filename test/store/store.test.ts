import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore, type Store } from '../../src-main/store';
import { fakeImport, tempDir } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
let store: Store | null = null;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  store?.close();
  store = null;
  tmp.cleanup();
});

function open(name = 'store.sqlite'): Store {
  store = openStore(join(tmp.dir, name));
  return store;
}

describe('openStore', () => {
  it('creates a WAL store with foreign keys on, busy timeout and the latest schema', () => {
    const s = open();
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(s.version).toBe(MIGRATIONS.length);
    const applied = s.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
  });

  it('creates missing parent directories', () => {
    store = openStore(join(tmp.dir, 'a', 'b', 'store.sqlite'));
    expect(store.version).toBe(MIGRATIONS.length);
  });

  it('upgrades a store written at an older schema version and keeps its rows', () => {
    const path = join(tmp.dir, 'old.sqlite');
    const old = openStore(path, { migrations: MIGRATIONS.slice(0, 1) });
    expect(old.version).toBe(1);
    expect(old.counts().runs).toBeUndefined();
    old.records.import(fakeImport('100'));
    old.close();
    const s = (store = openStore(path));
    expect(s.version).toBe(MIGRATIONS.length);
    expect(s.records.get('100')?.nBeats).toBeGreaterThan(0);
    expect(s.counts().runs).toBe(0);
    expect(s.counts().grades).toBe(0);
  });

  it('refuses a store from a newer beatlens with one line', () => {
    const path = join(tmp.dir, 'new.sqlite');
    openStore(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 4}`);
    raw.close();
    expect(() => openStore(path)).toThrow(
      new RegExp(
        `schema version ${MIGRATIONS.length + 4} but this beatlens knows only up to ${MIGRATIONS.length}`,
      ),
    );
  });

  it('refuses a SQLite file that is not a beatlens store, and a non-database file', () => {
    const foreign = join(tmp.dir, 'foreign.sqlite');
    const raw = new Database(foreign);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    expect(() => openStore(foreign)).toThrow(/not a beatlens store/);
    const text = join(tmp.dir, 'notes.sqlite');
    writeFileSync(text, 'this is not a database, just some text that is long enough '.repeat(20));
    expect(() => openStore(text)).toThrow(/cannot open store .*notes\.sqlite/);
    expect(() => openStore(tmp.dir)).toThrow(/cannot open store .*it is a directory/);
  });
});

describe('records', () => {
  it('imports a record with signals, beats and segments and loads it back exactly', () => {
    const s = open();
    const input = fakeImport('100', { nSamples: 4000, nLeads: 3 });
    const stored = s.records.import(input);
    expect(stored).toMatchObject({
      id: '100',
      nLeads: 3,
      nSamples: 4000,
      fs: 360,
      patientId: 'p-100',
    });
    expect(stored.nBeats).toBe(input.beats.length);
    expect(stored.nSegments).toBe(input.segments.items.length);
    const rec = s.records.load('100');
    expect(rec.leadNames).toEqual(['L0', 'L1', 'L2']);
    rec.signals.forEach((sig, l) => expect(sig).toEqual(input.record.signals[l]));
    expect(s.records.loadLead('100', 2)).toEqual(input.record.signals[2]);
    expect(s.records.beats('100')).toEqual(input.beats);
    expect(s.records.beats('100', { fromSample: 300, toSample: 1050 })).toEqual(
      input.beats.filter((b) => b.sample >= 300 && b.sample < 1050),
    );
    expect(s.records.loadWindow('100', 1, 1234, 100)).toEqual(
      input.record.signals[1].subarray(1234, 1334),
    );
    expect(s.records.loadWindow('100', 0, 3950, 100)).toEqual(
      input.record.signals[0].subarray(3950),
    );
    expect(s.records.loadWindow('100', 0, 9000, 10).length).toBe(0);
    const segs = s.segments.load({ recordId: '100' });
    expect(segs.map((x) => x.offset)).toEqual(input.segments.items.map((x) => x.offset));
    expect(segs[1].data).toEqual(input.segments.items[1].data);
    expect(segs[1].beats).toEqual(input.segments.items[1].beats);
  });

  it('refuses a duplicate id with a hint to use --replace, and replaces on request', () => {
    const s = open();
    s.records.import(fakeImport('100'));
    expect(() => s.records.import(fakeImport('100', { seed: 2 }))).toThrow(
      /record 100 is already in the store .*use --replace/,
    );
    const replacement = fakeImport('100', { seed: 2, nSamples: 3000 });
    const stored = s.records.import(replacement, { replace: true });
    expect(stored.nSamples).toBe(3000);
    expect(s.records.load('100').signals[0]).toEqual(replacement.record.signals[0]);
    expect(s.counts().segments).toBe(replacement.segments.items.length);
    expect(s.counts().beats).toBe(replacement.beats.length);
  });

  const bad: Array<[string, (x: ReturnType<typeof fakeImport>) => void, RegExp]> = [
    ['NaN sample', (x) => (x.record.signals[1][17] = NaN), /lead 1 \(L1\) has NaN at sample 17/],
    [
      'short lead',
      (x) => (x.record.signals[0] = x.record.signals[0].subarray(1)),
      /lead 0 has 4999 samples/,
    ],
    ['zero fs', (x) => (x.record.fs = 0), /fs=0 is not a positive number/],
    [
      'beat outside',
      (x) => x.beats.push({ sample: 5000, symbol: 'N', aami: 'N' }),
      /outside 0\.\.4999/,
    ],
    [
      'bad AAMI',
      (x) => (x.beats[0] = { sample: 1, symbol: '?', aami: 'X' as 'N' }),
      /AAMI class 'X'/,
    ],
    [
      'segment data',
      (x) => (x.segments.items[2].data = new Float32Array(10)),
      /segment 2 .*data has 10 values/,
    ],
    ['segment record', (x) => (x.segments.items[0].recordId = '999'), /belongs to record '999'/],
    ['empty id', (x) => (x.record.id = ''), /record id: must be a non-empty string/],
  ];
  it.each(bad)('rejects %s before writing anything', (_name, mutate, message) => {
    const s = open();
    s.records.import(fakeImport('other'));
    const before = s.counts();
    const input = fakeImport('100');
    mutate(input);
    expect(() => s.records.import(input)).toThrow(message);
    expect(s.counts()).toEqual(before);
  });

  it('refuses to replace or delete a record whose segments a fold set uses', () => {
    const s = open();
    s.records.import(fakeImport('100'));
    const ids = s.segments.list().map((x) => x.id);
    s.folds.create({
      protocol: 'stratified',
      seed: 1,
      k: 2,
      assignments: ids.map((id, i) => ({ segmentId: id, fold: i % 2 })),
    });
    expect(() => s.records.import(fakeImport('100'), { replace: true })).toThrow(
      /record 100 cannot be replaced: its data are used by 5 folds/,
    );
    expect(() => s.records.delete('100')).toThrow(/cannot be deleted/);
    expect(s.records.get('100')).not.toBeNull();
  });

  it('deletes a record with its signals, beats and segments', () => {
    const s = open();
    s.records.import(fakeImport('100'));
    s.records.import(fakeImport('101'));
    s.records.delete('100');
    const c = s.counts();
    expect(c.records).toBe(1);
    expect(c.record_signals).toBe(2);
    expect(s.segments.count({ recordId: '100' })).toBe(0);
    expect(s.records.beats('100')).toEqual([]);
  });
});

describe('segments', () => {
  it('lists, counts by label and builds a dataset', () => {
    const s = open();
    s.records.import(fakeImport('100'));
    s.records.import(fakeImport('101', { beatEvery: 250 }));
    const list = s.segments.list({ task: 'pvc-apb' });
    expect(list.length).toBe(10);
    const byLabel = s.segments.countByLabel();
    expect(Object.values(byLabel).reduce((a, b) => a + b, 0)).toBe(10);
    expect(byLabel.PVC).toBe(list.filter((x) => x.label === 'PVC').length);
    const ds = s.segments.loadDataset({ task: 'pvc-apb' }, ['PVC', 'APB']);
    expect(ds.x.length).toBe(10 * 2 * 1000);
    expect(ds.meta[3].recordId).toBe(list[3].recordId);
    expect(ds.classes[ds.y[3]]).toBe(list[3].label);
    expect(ds.x.subarray(3 * 2000, 4 * 2000)).toEqual(s.segments.get(list[3].id)?.data);
  });

  it('replaces one task of a record in one transaction', () => {
    const s = open();
    const input = fakeImport('100');
    s.records.import({ ...input, segments: undefined });
    s.segments.replaceForRecord('100', 'pvc-apb', input.segments.items);
    s.segments.replaceForRecord('100', 'pvc-apb', input.segments.items.slice(0, 2));
    expect(s.segments.count({ recordId: '100' })).toBe(2);
    expect(() => s.segments.replaceForRecord('nope', 'pvc-apb', [])).toThrow(
      /record nope is not in the store/,
    );
  });
});

describe('runs, models, predictions, studies, reviews', () => {
  it('stores a cv run with fold and epoch metrics, a model and predictions', () => {
    const s = open();
    s.records.import(fakeImport('100'));
    const segIds = s.segments.list().map((x) => x.id);
    const foldSetId = s.folds.create({
      protocol: 'stratified',
      seed: 7,
      k: 5,
      task: 'pvc-apb',
      assignments: segIds.map((id, i) => ({ segmentId: id, fold: i })),
    });
    expect(s.folds.find('stratified', 7, 'pvc-apb')?.assignments).toHaveLength(5);
    expect(() =>
      s.folds.create({
        protocol: 'x',
        seed: 1,
        k: 2,
        assignments: [{ segmentId: segIds[0], fold: 2 }],
      }),
    ).toThrow(/fold 2, expected 0\.\.1/);
    const run = s.runs.start({
      kind: 'cv',
      config: { lr: 1e-5 },
      seed: 7,
      backend: 'wasm',
      packageVersions: { tfjs: '4.22.0', backends: { '@tensorflow/tfjs-backend-wasm': '4.22.0' } },
      key: 'cv-2026-11-25-a',
      foldSetId,
    });
    expect(run.status).toBe('running');
    expect(s.runs.getByKey('cv-2026-11-25-a')?.id).toBe(run.id);
    expect(run.packageVersions.backends).toEqual({ '@tensorflow/tfjs-backend-wasm': '4.22.0' });
    s.runs.addEpochMetrics(run.id, [
      { fold: 0, epoch: 0, metrics: { loss: 0.9 } },
      { fold: 0, epoch: 1, metrics: { loss: 0.7 } },
    ]);
    s.runs.setFoldMetrics(run.id, 0, { accuracy: 0.8 });
    s.runs.finish(run.id, 'done');
    const d = s.runs.details(run.id);
    expect(d?.status).toBe('done');
    expect(d?.finishedAt).not.toBeNull();
    expect(d?.epochMetrics.map((e) => e.metrics.loss)).toEqual([0.9, 0.7]);
    expect(d?.foldMetrics).toEqual([{ fold: 0, metrics: { accuracy: 0.8 } }]);
    const model = s.models.insert({
      method: 'joint',
      architecture: 'unet1d+cnn4',
      config: { kernelSamples: 150 },
      weightsPath: '/tmp/m',
      weightsChecksum: 'abc',
      runId: run.id,
      fold: 0,
    });
    const attention = new Float32Array(1000).fill(0.25);
    s.predictions.insertMany([
      {
        runId: run.id,
        modelId: model.id,
        segmentId: segIds[0],
        fold: 0,
        probabilities: [0.9, 0.1],
        attention,
      },
      { runId: run.id, segmentId: segIds[1], fold: 1, probabilities: [0.2, 0.8] },
    ]);
    const preds = s.predictions.list({ runId: run.id });
    expect(preds[0].attention).toEqual(attention);
    expect(preds[1].attention).toBeNull();
    expect(s.predictions.list({ modelId: model.id })).toHaveLength(1);
    expect(() => s.predictions.insertMany([{ segmentId: segIds[0], probabilities: [1] }])).toThrow(
      /needs a run id or a model id/,
    );
  });

  it('stores a grade study with raters and grades, and beat reviews', () => {
    const s = open();
    s.records.import(fakeImport('100'));
    const segIds = s.segments.list().map((x) => x.id);
    const att = (v: number) => new Float32Array(1000).fill(v);
    const study = s.studies.create({
      name: 'pilot',
      seed: 3,
      config: { n: 2 },
      raters: ['bob', 'ann'],
      items: [
        { segmentId: segIds[2], attention: att(1), key: 'item-a' },
        { segmentId: segIds[0], attention: att(2), key: 'item-b' },
      ],
    });
    expect(study).toMatchObject({ nItems: 2, raters: ['ann', 'bob'] });
    const items = s.studies.items(study.id);
    expect(items.map((i) => [i.segmentId, i.key])).toEqual([
      [segIds[2], 'item-a'],
      [segIds[0], 'item-b'],
    ]);
    expect(items[1].attention[999]).toBe(2);
    expect(s.studies.item(study.id, 1)).toEqual(items[1]);
    expect(s.studies.item(study.id, 2)).toBeNull();
    const ann = s.studies.rater('ann');
    expect(s.studies.addRater(study.id, 'ann')).toBe(ann);
    s.studies.grade({ itemId: items[0].id, raterId: ann, grade: 'II', durationMs: 4200 });
    s.studies.grade({ itemId: items[0].id, raterId: ann, grade: 'I' });
    expect(s.studies.grades(study.id)).toMatchObject([
      { rater: 'ann', grade: 'I', itemId: items[0].id, position: 0, itemKey: 'item-a' },
    ]);
    expect(s.studies.progress(study.id)).toEqual({ ann: 1, bob: 0 });
    const eve = s.studies.rater('eve');
    expect(() => s.studies.grade({ itemId: items[0].id, raterId: eve, grade: 'I' })).toThrow(
      /rater \d+ is not in its study/,
    );
    expect(() =>
      s.studies.grade({ itemId: items[0].id, raterId: ann, grade: 'IV' as 'I' }),
    ).toThrow(/grade 'IV'/);
    expect(() =>
      s.studies.create({
        name: 'bad',
        seed: 1,
        config: {},
        items: [{ segmentId: segIds[0], attention: att(1).subarray(1) }],
      }),
    ).toThrow(/attention has 999 values/);
    expect(s.studies.list()).toHaveLength(1);
    // A study item holds its segment: the record can no longer be replaced.
    expect(() => s.records.import(fakeImport('100'), { replace: true })).toThrow(/2 studyItems/);

    s.reviews.add({
      recordId: '100',
      beatSample: 150,
      attentionScore: 0.93,
      decision: 'accept',
      reviewer: 'ann',
    });
    expect(s.reviews.list('100')).toMatchObject([
      { beatSample: 150, decision: 'accept', reviewer: 'ann' },
    ]);
    expect(() =>
      s.reviews.add({ recordId: 'nope', beatSample: 1, attentionScore: 0, decision: 'reject' }),
    ).toThrow(/record nope is not in the store/);
  });
});

describe('flagged beats', () => {
  it("replaces a record's flagged beats per scan, keeps reviews, withdraws decisions", () => {
    const s = open();
    s.records.import(fakeImport('100'));
    const beat = (beatSample: number, attentionScore = 0.9) => ({
      beatSample,
      attentionScore,
      segmentLabel: 'PVC',
      probability: 0.75,
    });
    s.flaggedBeats.replaceForRecord('100', [beat(300), beat(120, 0.5)]);
    expect(s.flaggedBeats.list('100').map((b) => [b.beatSample, b.attentionScore])).toEqual([
      [120, 0.5],
      [300, 0.9],
    ]);
    s.reviews.add({ recordId: '100', beatSample: 300, attentionScore: 0.9, decision: 'accept' });
    s.reviews.add({ recordId: '100', beatSample: 120, attentionScore: 0.5, decision: 'reject' });
    s.flaggedBeats.replaceForRecord('100', [beat(300)]);
    expect(s.flaggedBeats.list('100').map((b) => b.beatSample)).toEqual([300]);
    expect(s.reviews.list('100')).toHaveLength(2);
    expect(s.reviews.withdraw('100', 120)).toBe(1);
    expect(s.reviews.list('100').map((r) => r.beatSample)).toEqual([300]);
    // Bad input writes nothing: the earlier scan stays.
    expect(() => s.flaggedBeats.replaceForRecord('100', [beat(5), beat(-1)])).toThrow(
      /flagged beat 1: sample -1/,
    );
    expect(() =>
      s.flaggedBeats.replaceForRecord('100', [{ ...beat(5), probability: 1.5 }]),
    ).toThrow(/probability 1.5/);
    expect(() => s.flaggedBeats.replaceForRecord('nope', [beat(5)])).toThrow(
      /record nope is not in the store/,
    );
    expect(s.flaggedBeats.list('100').map((b) => b.beatSample)).toEqual([300]);
    expect(s.counts().flagged_beats).toBe(1);
  });
});

describe('settings', () => {
  it('keeps one value per key, replaced by the next write, across a reopen', () => {
    const s = open('settings.sqlite');
    expect(s.settings.get('app.model')).toBeNull();
    s.settings.set('app.model', 'default');
    s.settings.set('app.model', 'train-x-fold1');
    expect(() => s.settings.set('', 'x')).toThrow(/a setting needs a key/);
    s.close();
    const again = open('settings.sqlite');
    expect(again.settings.get('app.model')).toBe('train-x-fold1');
    expect(again.counts().settings).toBe(1);
  });
});
