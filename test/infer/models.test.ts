import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBeats } from '../../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { inferRecord } from '../../src-main/infer/infer-record';
import {
  defaultModelDir,
  importModel,
  listModels,
  loadModelAsset,
  resolveModelDir,
  runInfoOf,
  shippedModels,
} from '../../src-main/infer/models';
import { readModelManifest, type ModelManifest } from '../../src-main/model/weights';
import { DS1_RECORDS } from '../../src-main/train/splitters';
import { tempDir } from '../store/fixtures';

const tmp = tempDir('beatlens-infer-models-');
afterAll(() => tmp.cleanup());

describe('runInfoOf', () => {
  const shipped = readModelManifest(defaultModelDir());
  const withMeta = (meta: Record<string, unknown>): ModelManifest => ({ ...shipped, meta });

  it('reads the beat rule from the manifest meta', () => {
    const rule = {
      leads: ['MLII|II', 'V1'],
      beatThreshold: 0.2,
      maxCorrelation: 0.9,
      maxPrematurity: 0.95,
      minCompensation: 1.2,
      rhythmFreeCorrelation: 0.5,
    };
    expect(runInfoOf(withMeta(rule))).toEqual(rule);
  });

  it('drops values out of range or of the wrong type (a hand-edited manifest)', () => {
    const info = runInfoOf(
      withMeta({
        beatThreshold: 0,
        maxCorrelation: 'x',
        maxPrematurity: 3,
        minCompensation: -1,
        rhythmFreeCorrelation: 2,
      }),
    );
    expect(info).toEqual({
      leads: undefined,
      beatThreshold: undefined,
      maxCorrelation: undefined,
      maxPrematurity: undefined,
      minCompensation: undefined,
      rhythmFreeCorrelation: undefined,
    });
  });
});

describe('the shipped models', () => {
  const root = dirname(defaultModelDir());
  const localiserDir = join(root, 'localiser');

  it("lists 'default' first, then 'localiser', both shipped, with their folder names", () => {
    const shipped = listModels(join(tmp.dir, 'empty-library')).filter((m) => m.shipped);
    expect(shipped.map((m) => [m.name, m.dir, m.method])).toEqual([
      ['default', defaultModelDir(), 'classifier'],
      ['localiser', localiserDir, 'mil'],
    ]);
    expect(shipped[1].title).toBe('beatlens MIT-BIH DS1 (MIL + normal class + rhythm)');
    expect(shipped[1].leads).toEqual(['MLII|II', 'V1|V2|V4|V5']);
    expect(shippedModels().map((m) => m.name)).toEqual(['default', 'localiser']);
  });

  it("resolves 'localiser' (and 'default', and no name) to its shipped folder", () => {
    expect(resolveModelDir('localiser')).toBe(localiserDir);
    expect(resolveModelDir('default')).toBe(defaultModelDir());
    expect(resolveModelDir()).toBe(defaultModelDir());
    expect(() => resolveModelDir('nowhere', join(tmp.dir, 'empty-library'))).toThrow(
      /model 'nowhere' is neither a shipped model \(default, localiser\), a model folder/,
    );
  });

  it("the localiser's weights match its checksum; it loads as MIL with two rhythm channels", async () => {
    const m = readModelManifest(localiserDir);
    const bytes = readFileSync(join(localiserDir, m.weightsFile));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(m.weightsSha256);
    const asset = await loadModelAsset('localiser');
    try {
      expect(asset.dir).toBe(localiserDir);
      expect(asset.name).toBe('beatlens MIT-BIH DS1 (MIL + normal class + rhythm)');
      expect(asset.model.config).toMatchObject({
        method: 'mil',
        nLeads: 4,
        rhythmChannels: 2,
        fs: 180,
        nSamples: 1000,
        classes: ['APB', 'NORMAL', 'PVC'],
        mil: { normalClass: 'NORMAL' },
      });
      // No beat rule was chosen for it: the scan's default threshold applies.
      expect(asset.info).toMatchObject({ leads: ['MLII|II', 'V1|V2|V4|V5'] });
      expect(asset.info.beatThreshold).toBeUndefined();
    } finally {
      asset.model.dispose();
    }
  });

  it('records what it trained on and where it came from', () => {
    const meta = readModelManifest(localiserDir).meta;
    expect(meta.trainingRecords).toEqual(DS1_RECORDS);
    expect(meta).toMatchObject({
      protocol: 'inter-patient',
      preset: 'paper-fast',
      seed: 1,
      fold: 0,
      task: 'normal-apb-pvc',
      dataset: expect.stringMatching(/^rhythm\(mitdb\(.*max-normal=60\)\)$/),
      runId: expect.any(String),
      dataFingerprint: expect.any(String),
      code: { commit: expect.stringMatching(/^[0-9a-f]{40}$/) },
      source: expect.stringContaining('docs/results/mitdb/inter-patient/mil-none-normal-rr'),
    });
    expect(meta.beatThreshold).toBeUndefined();
  });

  it('maps a 10 s MIT-BIH excerpt (record 100, DS2) with finite attention', async () => {
    const fixture = join(__dirname, '..', 'fixtures', 'mitdb-100-10s', '100');
    const record = readWfdbRecord(fixture);
    const asset = await loadModelAsset('localiser');
    try {
      const r = await inferRecord(asset.model, record, {
        beats: readBeats(fixture),
        info: asset.info,
        keepMaps: true,
      });
      expect(r.leads).toEqual(['MLII', 'V5']);
      expect(r.mapSource).toBe('attention');
      expect(r.warnings.filter((w) => !/resampled/.test(w))).toEqual([]);
      expect(r.segments.length).toBeGreaterThan(0);
      for (const s of r.segments) {
        expect(s.map!.length).toBe(1000);
        expect(s.map!.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
        expect(s.probabilities.every(Number.isFinite)).toBe(true);
      }
      expect(r.beats.length).toBe(13);
      expect(r.beats.every((b) => Number.isFinite(b.score))).toBe(true);
    } finally {
      asset.model.dispose();
    }
  });
});

describe('a shipped name wins over a library model of that name', () => {
  // A shipped root of its own: a default and a 'localiser' (copies), and a library that holds a
  // 'localiser' and a 'default' of its own.
  const shippedRoot = join(tmp.dir, 'shipped');
  const shippedDefault = join(shippedRoot, 'default');
  const library = join(tmp.dir, 'library');
  beforeAll(() => {
    cpSync(defaultModelDir(), shippedDefault, { recursive: true });
    cpSync(defaultModelDir(), join(shippedRoot, 'localiser'), { recursive: true });
    mkdirSync(join(shippedRoot, 'not-a-model'));
    for (const name of ['localiser', 'default', 'mine']) {
      cpSync(defaultModelDir(), join(library, name), { recursive: true });
    }
  });

  it('lists the shipped ones only under those names, then the rest of the library', () => {
    expect(listModels(library, shippedDefault).map((m) => [m.name, m.shipped, m.dir])).toEqual([
      ['default', true, shippedDefault],
      ['localiser', true, join(shippedRoot, 'localiser')],
      ['mine', false, join(library, 'mine')],
    ]);
  });

  it('resolves the names to the shipped folders, and the library by its other names', () => {
    expect(resolveModelDir('localiser', library, shippedDefault)).toBe(
      join(shippedRoot, 'localiser'),
    );
    expect(resolveModelDir('default', library, shippedDefault)).toBe(shippedDefault);
    expect(resolveModelDir('mine', library, shippedDefault)).toBe(join(library, 'mine'));
  });

  it('refuses to import under a shipped name', async () => {
    for (const name of ['localiser', 'default']) {
      await expect(
        importModel(defaultModelDir(), name, { libraryDir: library, shippedDir: shippedDefault }),
      ).rejects.toMatchObject({
        code: 'model-name',
        message: `model name '${name}' is the name of a shipped model; choose another`,
      });
    }
    // With the real shipped root too.
    await expect(
      importModel(defaultModelDir(), 'localiser', { libraryDir: library }),
    ).rejects.toMatchObject({ code: 'model-name' });
  });

  it('with no shipped model beside a missing default folder, only the name default is kept', () => {
    const bare = join(tmp.dir, 'bare', 'default');
    expect(listModels(library, bare).map((m) => [m.name, m.shipped])).toEqual([
      ['localiser', false],
      ['mine', false],
    ]);
    expect(() => resolveModelDir('default', library, bare)).toThrow(/no shipped model at/);
  });
});
