/**
 * Models as assets in the app: the shipped model at a fresh start, the shipped localiser beside
 * it, the model list and picker (through the validating handlers), the choice kept across a
 * restart (a new services instance on the same home), bad model folders refused in one line with
 * their code and nothing written, nothing shown from an untrained model, grade studies only on
 * segments the model did not train on, the viewer's inference in the job worker, and no tensor
 * leak across repeated inferences.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createAppServices } from '../../src-main/app/services';
import { MODEL_SETTING } from '../../src-main/app/model-choice';
import { inferRecordMaps } from '../../src-main/app/record-maps';
import { isTrainingSegment, trainingExclusion } from '../../src-main/app/training-data';
import { storedPools } from '../../src-main/app/demo';
import { createEventBus } from '../../src-main/ipc/events';
import type {
  AppEvent,
  AppInfo,
  Envelope,
  JobSummary,
  ModelList,
  RecordWindow,
} from '../../src-main/ipc/contract';
import { createHandlers } from '../../src-main/ipc/handlers';
import { defaultModelDir, importModel, loadModelAsset } from '../../src-main/infer/models';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { createModel } from '../../src-main/model/registry';
import { defaultModelConfig } from '../../src-main/model/config';
import { readModelManifest, saveModel, type ModelManifest } from '../../src-main/model/weights';
import { tf } from '../../src-main/model/tf';
import { openStore } from '../../src-main/store/index';
import { tempDir } from '../store/fixtures';

const tmp = tempDir('beatlens-app-models-');
afterAll(() => tmp.cleanup());

const SHIPPED = readModelManifest(defaultModelDir());
const SHIPPED_NAME = SHIPPED.meta.name as string;
const LOCALISER = readModelManifest(join(dirname(defaultModelDir()), 'localiser'));
const LOCALISER_NAME = LOCALISER.meta.name as string;

const start = (home: string, extra: { demo?: boolean; shippedModelDir?: string } = {}) => {
  const events = createEventBus();
  return createAppServices({ shell: 'browser', events, home, demo: false, ...extra }).then((s) => ({
    s,
    events,
    h: createHandlers(s.impl),
  }));
};

/** A copy of the shipped model folder at `dest`, its manifest and weights optionally changed. */
function copyShipped(
  dest: string,
  change: { manifest?: (m: ModelManifest) => void; weights?: (b: Buffer) => Buffer } = {},
): string {
  cpSync(defaultModelDir(), dest, { recursive: true });
  const mPath = join(dest, 'model.json');
  const m = JSON.parse(readFileSync(mPath, 'utf8')) as ModelManifest;
  if (change.weights)
    writeFileSync(
      join(dest, 'weights.bin'),
      change.weights(readFileSync(join(dest, 'weights.bin'))),
    );
  change.manifest?.(m);
  writeFileSync(mPath, JSON.stringify(m));
  return join(dest, 'model.json');
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function expectRefusal(r: Envelope<unknown>, code: string, message: RegExp): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.code).toBe(code);
  expect(r.message).toMatch(message);
  expect(r.message).not.toContain('\n');
}

describe('the model list and picker', () => {
  it(
    'starts on the shipped model, lists the library, and keeps the choice across a restart',
    { timeout: 60_000 },
    async () => {
      const home = join(tmp.dir, 'choice');
      const first = await start(home);
      const list = first.s.impl['models:list']({}) as ModelList;
      expect(list.current).toMatchObject({
        id: 'default',
        name: SHIPPED_NAME,
        shipped: true,
        trained: true,
        classes: ['APB', 'NORMAL', 'PVC'],
        leads: ['MLII|II', 'V1|V2|V4|V5'],
        nLeads: 2,
        fs: 180,
        nSamples: 1000,
      });
      expect(list.current!.description).toMatch(/MIT-BIH DS1/);
      // No explicit choice: labels from the classifier, the map from the shipped localiser.
      expect(list.map).toMatchObject({ id: 'localiser', name: LOCALISER_NAME });
      expect(list.explicit).toBe(false);
      expect(list.note).toBeNull();
      expect(first.s.impl['app:info']({})).toMatchObject({
        model: { id: 'default', name: SHIPPED_NAME },
        mapModel: { id: 'localiser', name: LOCALISER_NAME },
        capabilities: { model: true },
      });
      // Another model in the library: a copy of the shipped one under another name.
      await importModel(defaultModelDir(), 'copy', {
        libraryDir: join(home, 'models'),
        meta: { name: 'copy of the shipped model' },
      });
      const chosen = await first.h['models:choose']({ modelId: 'copy' });
      // An explicit choice serves both roles.
      expect(chosen.ok && [chosen.value.current!.id, chosen.value.map!.id]).toEqual([
        'copy',
        'copy',
      ]);
      expect(chosen.ok && chosen.value.explicit).toBe(true);
      expect(first.s.store!.settings.get(MODEL_SETTING)).toBe('copy');
      first.s.close();

      const second = await start(home);
      const after = second.s.impl['models:list']({}) as ModelList;
      expect(after.current).toMatchObject({ id: 'copy', name: 'copy of the shipped model' });
      expect(after.models.map((m) => m.id)).toEqual(['default', 'localiser', 'copy']);
      expect(second.s.models.get()!.name).toBe('copy of the shipped model');
      expect([after.map!.id, after.explicit]).toEqual(['copy', true]);
      // Back to the defaults (models:defaults), also after a restart.
      const defaults = await second.h['models:defaults']({});
      expect(
        defaults.ok && [
          defaults.value.current!.id,
          defaults.value.map!.id,
          defaults.value.explicit,
        ],
      ).toEqual(['default', 'localiser', false]);
      expectRefusal(
        await second.h['models:defaults']({ modelId: 'x' } as never),
        'ipc-bad-argument',
        /modelId/,
      );
      second.s.close();
      const third = await start(home);
      expect([third.s.models.get('labels')!.id, third.s.models.get('map')!.id]).toEqual([
        'default',
        'localiser',
      ]);
      third.s.close();
    },
  );

  it(
    'lists the shipped localiser, uses it when chosen, and keeps that choice across a restart',
    { timeout: 60_000 },
    async () => {
      const home = join(tmp.dir, 'localiser');
      const first = await start(home, { demo: true });
      const list = first.s.impl['models:list']({}) as ModelList;
      expect(list.current!.id).toBe('default');
      expect(list.models.filter((m) => m.shipped).map((m) => m.id)).toEqual([
        'default',
        'localiser',
      ]);
      const localiser = {
        id: 'localiser',
        name: LOCALISER_NAME,
        shipped: true,
        trained: true,
        method: 'mil',
        classes: ['APB', 'NORMAL', 'PVC'],
        leads: ['MLII|II', 'V1|V2|V4|V5'],
        nLeads: 4,
        fs: 180,
        nSamples: 1000,
      };
      expect(list.models.find((m) => m.id === 'localiser')).toMatchObject(localiser);
      expect(list.models.find((m) => m.id === 'localiser')!.provenance).toMatch(
        /^run cv-mil-l2-inter-patient-\w+ · fold 1 · inter-patient · preset paper-fast · rhythm\(mitdb/,
      );
      const chosen = await first.h['models:choose']({ modelId: 'localiser' });
      expect(chosen.ok && chosen.value.current).toMatchObject(localiser);
      expect(first.s.store!.settings.get(MODEL_SETTING)).toBe('localiser');
      expect(first.s.models.get()!.dir).toBe(join(dirname(defaultModelDir()), 'localiser'));
      // A grade study over its highlighted beats (the demo's synthetic segments: no DS1 record).
      const study = await first.s.impl['studies:create']({
        name: 'localiser',
        nItems: 3,
        raters: ['a'],
        seed: 2,
      });
      expect(study.model).toBe(LOCALISER_NAME);
      const items = first.s.store!.studies.items(Number(study.id));
      expect(items).toHaveLength(3);
      expect(items.every((it) => it.attention.every((v) => Number.isFinite(v) && v <= 1))).toBe(
        true,
      );
      expect(items.some((it) => Math.max(...it.attention) > 0)).toBe(true);
      first.s.close();

      const second = await start(home);
      const after = second.s.impl['models:list']({}) as ModelList;
      expect(after.current).toMatchObject({ id: 'localiser', name: LOCALISER_NAME });
      expect(after.note).toBeNull();
      // A library model cannot take a shipped name.
      expectRefusal(
        await second.h['models:import']({
          fileId: second.s.files.grant(join(defaultModelDir(), 'model.json')).fileId,
          name: 'localiser',
        }),
        'model-name',
        /'localiser' is the name of a shipped model/,
      );
      second.s.close();
    },
  );

  it(
    'refuses another architecture, truncated weights and a checksum mismatch in one line, writing nothing',
    { timeout: 60_000 },
    async () => {
      const home = join(tmp.dir, 'bad');
      const { s, h } = await start(home);
      const library = join(home, 'models');
      const state = () =>
        JSON.stringify([
          existsSync(library) ? readdirSync(library).sort() : [],
          s.models.get()!.id,
          s.store!.settings.get(MODEL_SETTING),
        ]);
      const before = state();
      const bad = (name: string, change: Parameters<typeof copyShipped>[1]) =>
        s.files.grant(copyShipped(join(tmp.dir, `src-${name}`), change)).fileId;
      const cases: Array<[string, Parameters<typeof copyShipped>[1], string, RegExp]> = [
        [
          'joint',
          // The same weights declared as a joint model: the segmenter's weights are missing.
          {
            manifest: (m) => {
              m.method = 'joint';
              m.config = { ...m.config, method: 'joint' };
            },
          },
          'model-architecture',
          /lacks weight .*architecture unet1d-cnn \(joint\)/,
        ],
        [
          'truncated',
          {
            weights: (b) => b.subarray(0, b.length / 2),
            manifest: (m) => {
              m.weightsSha256 = sha256(readFileSync(join(tmp.dir, 'src-truncated', 'weights.bin')));
            },
          },
          'model-corrupt',
          /weight .* lies outside .*weights\.bin/,
        ],
        [
          'flipped',
          {
            weights: (b) => {
              const c = Buffer.from(b);
              c[100] ^= 0xff;
              return c;
            },
          },
          'model-checksum',
          /does not match its SHA-256 checksum/,
        ],
      ];
      for (const [name, change, code, message] of cases) {
        expectRefusal(await h['models:import']({ fileId: bad(name, change), name }), code, message);
        expect(state(), `${name} wrote something`).toBe(before);
      }
      // Not a model file; a name that would leave the library; a model that is not there.
      const csv = join(tmp.dir, 'x.csv');
      writeFileSync(csv, '1,2\n');
      expectRefusal(
        await h['models:import']({ fileId: s.files.grant(csv).fileId, name: 'x' }),
        'model-import-file',
        /x\.csv is not a model\.json/,
      );
      expectRefusal(
        await h['models:import']({ fileId: bad('named', {}), name: '../escape' }),
        'model-name',
        /model name '\.\.\/escape' must be/,
      );
      expectRefusal(
        await h['models:choose']({ modelId: '../..' }),
        'model-missing',
        /not in the model library/,
      );
      expect(state()).toBe(before);

      // A library model damaged after it was chosen: refused at choose, and at the next start the
      // app says so and falls back to the shipped model.
      expect((await h['models:import']({ fileId: bad('good', {}), name: 'good' })).ok).toBe(true);
      expect((await h['models:choose']({ modelId: 'good' })).ok).toBe(true);
      await h['models:choose']({ modelId: 'default' });
      writeFileSync(join(library, 'good', 'weights.bin'), Buffer.alloc(16));
      expectRefusal(await h['models:choose']({ modelId: 'good' }), 'model-checksum', /good/);
      expect(s.models.get()!.id).toBe('default');
      s.store!.settings.set(MODEL_SETTING, 'good');
      s.close();
      const again = await start(home);
      const list = again.s.impl['models:list']({}) as ModelList;
      expect(list.current!.id).toBe('default');
      expect(list.note).toMatch(
        /the chosen model 'good' cannot be used \(model-checksum: .*\); using the shipped model/,
      );
      again.s.close();
    },
  );
});

describe('without a trained model', () => {
  it('shows no attention, labels, studies or scans, and says so', { timeout: 60_000 }, async () => {
    const home = join(tmp.dir, 'none');
    const seen: AppEvent[] = [];
    const { s, h, events } = await start(home, {
      demo: true,
      // Its parent holds no other shipped model either.
      shippedModelDir: join(tmp.dir, 'no-shipped-models', 'default'),
    });
    events.subscribe((e) => seen.push(e));
    const info = s.impl['app:info']({}) as AppInfo;
    expect(info).toMatchObject({
      model: null,
      capabilities: { model: false, study: false, scan: false },
    });
    expect(info.notes.join(' ')).toMatch(/no trained model is available/);
    const w = s.impl['records:window']({
      recordId: 'demo-1',
      startSample: 0,
      nSamples: 3600,
      maxPoints: 400,
    }) as RecordWindow;
    expect([w.attention, w.model, w.mapSource, w.predictions]).toEqual([null, null, null, []]);
    expect(w.beatSource).toBe('annotations');
    expect(w.modelNote).toMatch(/no trained model available/);
    expectRefusal(
      await h['studies:create']({ name: 's', nItems: 3, raters: ['a'], seed: 1 }),
      'no-model',
      /no trained model is available/,
    );
    expectRefusal(await h['scan:start']({ recordId: 'demo-1' }), 'no-model', /no trained model/);
    expect(s.impl['jobs:list']({})).toEqual([]);
    expect(seen).toEqual([]);
    s.close();
  });

  it(
    'never uses an untrained model, not even when it was the stored choice',
    { timeout: 60_000 },
    async () => {
      const home = join(tmp.dir, 'untrained');
      const model = createModel(
        defaultModelConfig({
          method: 'joint',
          nLeads: 2,
          nSamples: 2000,
          fs: 360,
          classes: ['APB', 'PVC'],
          width: 0.25,
        }),
        1,
      );
      await saveModel(model, join(home, 'models', 'untrained-demo'), { note: 'untrained' });
      model.dispose();
      const store = openStore(join(home, 'beatlens.sqlite'));
      store.settings.set(MODEL_SETTING, 'untrained-demo');
      store.close();
      const { s, h } = await start(home);
      const list = s.impl['models:list']({}) as ModelList;
      expect(list.current!.id).toBe('default');
      expect(list.note).toMatch(/'untrained-demo' cannot be used \(model-untrained: /);
      expect(list.models.find((m) => m.id === 'untrained-demo')!.trained).toBe(false);
      expectRefusal(
        await h['models:choose']({ modelId: 'untrained-demo' }),
        'model-untrained',
        /records no training/,
      );
      expect(s.models.get()!.id).toBe('default');
      s.close();
    },
  );
});

describe('grade studies on material the model did not train on', () => {
  it('reads the training segments and records from a model’s meta', () => {
    const shipped = trainingExclusion(SHIPPED.meta, 180);
    expect(shipped.known).toBe(true);
    // Trained on every segment of DS1's records: those records are out as a whole.
    expect(shipped.records.has('101')).toBe(true);
    expect(shipped.records.has('100')).toBe(false); // DS2
    expect(isTrainingSegment(shipped, { recordId: '230', offset: 12_345, fs: 360 })).toBe(true);
    expect(isTrainingSegment(shipped, { recordId: '100', offset: 0, fs: 360 })).toBe(false);
    // A fold model: only its segments, matched across rates within two samples.
    const fold = trainingExclusion(
      { trainingSegments: ['r:500', 'r:900', 'bad'], fold: 0, dataset: 'mitdb(d; records=r)' },
      180,
    );
    expect(fold.records.size).toBe(0);
    expect(isTrainingSegment(fold, { recordId: 'r', offset: 1000, fs: 360 })).toBe(true);
    expect(isTrainingSegment(fold, { recordId: 'r', offset: 1803, fs: 360 })).toBe(true);
    expect(isTrainingSegment(fold, { recordId: 'r', offset: 1010, fs: 360 })).toBe(false);
    expect(isTrainingSegment(fold, { recordId: 'q', offset: 1000, fs: 360 })).toBe(false);
    expect(trainingExclusion({ fold: 2, preset: 'tiny' }, 180).known).toBe(false);
    // The shipped localiser: a fold model (DS1 → DS2) that lists DS1 as its training records.
    const localiser = trainingExclusion(LOCALISER.meta, 180);
    expect(localiser.known).toBe(true);
    expect([...localiser.records].sort()).toEqual([...shipped.records].sort());
    expect(isTrainingSegment(localiser, { recordId: '101', offset: 0, fs: 360 })).toBe(true);
    expect(isTrainingSegment(localiser, { recordId: '100', offset: 0, fs: 360 })).toBe(false);
    // A model with rhythm channels, trained on whole records: those records are out too.
    const rhythm = trainingExclusion({ dataset: 'rhythm(mitdb(d; fs=180; records=101,106))' }, 180);
    expect([...rhythm.records]).toEqual(['101', '106']);
  });

  it(
    "draws items only from segments outside the model's training set",
    { timeout: 120_000 },
    async () => {
      const home = join(tmp.dir, 'honest');
      const first = await start(home, { demo: true });
      const demo = storedPools(first.s.store!).demo;
      expect(demo.length).toBe(60);
      // A model (the shipped weights) that says it trained on 50 of the 60 demo segments; its
      // offsets are at the model's 180 Hz, the stored segments' at 360 Hz.
      const trainedOn = demo.slice(0, 50);
      await importModel(defaultModelDir(), 'demo-trained', {
        libraryDir: join(home, 'models'),
        meta: {
          name: 'trained on the demo',
          dataset: 'demo',
          trainingSegments: trainedOn.map((x) => `${x.recordId}:${Math.round(x.offset / 2)}`),
        },
      });
      expect((await first.h['models:choose']({ modelId: 'demo-trained' })).ok).toBe(true);
      const study = await first.s.impl['studies:create']({
        name: 'unseen',
        nItems: 10,
        raters: ['a'],
        seed: 4,
      });
      expect(study.model).toBe('trained on the demo');
      const key = JSON.parse(
        (await first.s.impl['studies:export']({ studyId: study.id, format: 'json' })).text,
      ) as { excludedTrainingSegments: number; items: Array<{ segmentId: number }> };
      expect(key.excludedTrainingSegments).toBe(50);
      const seen = new Set(trainedOn.map((x) => x.id));
      expect(key.items).toHaveLength(10);
      expect(key.items.filter((k) => seen.has(k.segmentId))).toEqual([]);
      // Items carry attention from the record's inference, on the record's scale.
      const items = first.s.store!.studies.items(Number(study.id));
      expect(items.every((it) => it.attention.length === 2000)).toBe(true);
      expect(items.every((it) => Math.max(...it.attention) <= 1)).toBe(true);
      expect(items.some((it) => Math.max(...it.attention) > 0)).toBe(true);
      expectRefusal(
        await first.h['studies:create']({ name: 'n', nItems: 11, raters: ['a'], seed: 4 }),
        'study-sample',
        /1\.\.10/,
      );
      first.s.close();
    },
  );
});

describe("the viewer's inference", () => {
  it(
    'runs in the job worker with progress, then shows the labels of the classifier and the map of the localiser',
    { timeout: 240_000 },
    async () => {
      const home = join(tmp.dir, 'viewer');
      const { s, events } = await start(home, { demo: true });
      const progress: AppEvent[] = [];
      events.subscribe((e) => e.type === 'infer-progress' && progress.push(e));
      const ask = () =>
        s.impl['records:window']({
          recordId: 'demo-1',
          startSample: 0,
          nSamples: 3600,
          maxPoints: 400,
        }) as RecordWindow;
      const first = ask();
      expect(first.inference.state).toBe('running');
      expect(first.attention).toBeNull();
      expect(first.model).toEqual({ id: 'default', name: SHIPPED_NAME });
      expect(first.mapModel).toEqual({ id: 'localiser', name: LOCALISER_NAME });
      await s.inferences.maps(s.models.get('labels')!, ['demo-1']);
      await s.inferences.maps(s.models.get('map')!, ['demo-1']);
      const w = ask();
      expect(w.inference.state).toBe('ready');
      expect(w.attention!.length).toBe(w.min[0].length);
      expect(w.mapSource).toBe('attention'); // the localiser's MIL map, not gradient × input
      expect(w.beatSource).toBe('model');
      expect(w.modelNote).toMatch(
        new RegExp(`^${LOCALISER_NAME.replace(/[()+]/g, '\\$&')}: attention`),
      );
      expect(w.modelNote).toMatch(/resampled to the model's 180 Hz/);
      // The demo's first screen: the V beat the classifier labelled is where the map is
      // brightest (the classifier's own gradient × input left it unshaded).
      const shade = (sample: number): number => {
        const i = Math.floor(sample / w.bucketSamples);
        const r = Math.ceil((0.1 * 360) / w.bucketSamples);
        return Math.max(...w.attention!.slice(Math.max(0, i - r), i + r + 1));
      };
      const v = w.beats.filter((b) => b.aami === 'V');
      const n = w.beats.filter((b) => b.aami === 'N');
      expect(v.length).toBeGreaterThan(0);
      for (const b of v) {
        expect(shade(b.sample)).toBeGreaterThan(0.8);
        expect(shade(b.sample)).toBeGreaterThan(Math.max(...n.map((x) => shade(x.sample))));
      }
      expect(progress.length).toBeGreaterThan(0);
      // One inference per model.
      expect(
        (s.impl['jobs:list']({}) as JobSummary[]).filter((j) => j.kind === 'infer'),
      ).toHaveLength(2);
      // Grade studies show the localiser's map by default, and record that they do.
      const study = await s.impl['studies:create']({
        name: 'default map',
        nItems: 3,
        raters: ['a'],
        seed: 3,
      });
      expect(study.model).toBe(LOCALISER_NAME);
      const key = JSON.parse(
        (await s.impl['studies:export']({ studyId: study.id, format: 'json' })).text,
      ) as { model: { id: string; name: string } };
      expect(key.model).toMatchObject({ id: 'localiser', name: LOCALISER_NAME });
      s.close();
    },
  );

  it('leaves no tensor behind across repeated inferences', { timeout: 120_000 }, async () => {
    const asset = await loadModelAsset('default');
    const { record, beats } = synthesizeRecord({ seed: 5, durationSeconds: 30, pvcRate: 0.1 });
    await inferRecordMaps(asset.model, record, beats, asset.info); // warm-up
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = tf.memory().numTensors;
      const m = await inferRecordMaps(asset.model, record, i === 1 ? null : beats, asset.info);
      expect(m.maxValue).toBeGreaterThan(0);
      counts.push(tf.memory().numTensors - before);
    }
    expect(counts).toEqual([0, 0, 0]);
    asset.model.dispose();
  });
});
