import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeatlensError } from '../../src-main/errors';
import { createModel } from '../../src-main/model/registry';
import { tf } from '../../src-main/model/tf';
import {
  MANIFEST_FILE,
  WEIGHTS_FILE,
  loadModel,
  readModelManifest,
  saveModel,
} from '../../src-main/model/weights';
import { TINY, tinyConfig } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'beatlens-weights-'));
let counter = 0;
const freshDir = () => join(root, `m${counter++}`);

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const x = () => tf.randomNormal([2, TINY.nSamples, TINY.nLeads], 0, 1, 'float32', 9) as tf.Tensor3D;

/** A training-mode pass moves the BN statistics away from their initial values. */
function perturb(model: ReturnType<typeof createModel>): void {
  const out = model.forward(x(), true);
  out.logits.dispose();
  out.attention?.dispose();
}

async function saved(method: 'joint' | 'classifier' | 'cascaded' = 'joint') {
  const model = createModel(tinyConfig(method), 1);
  perturb(model);
  const dir = freshDir();
  const { checksum } = await saveModel(model, dir, { seed: 1, fold: 3, backend: 'cpu' });
  return { model, dir, checksum };
}

async function expectLoadError(dir: string, expect_: object, pattern: RegExp, code?: string) {
  const err = await loadModel(dir, expect_).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BeatlensError);
  expect((err as Error).message).toMatch(pattern);
  expect((err as Error).message).not.toMatch(/\n/);
  if (code) expect((err as BeatlensError).code).toBe(code);
}

describe('saveModel / loadModel', () => {
  for (const method of ['joint', 'classifier', 'cascaded'] as const) {
    it(`round-trips a ${method} model with identical outputs`, async () => {
      const { model, dir, checksum } = await saved(method);
      expect(checksum).toMatch(/^[0-9a-f]{64}$/);
      const loaded = await loadModel(dir, { nLeads: 2, fs: 360, method });
      expect(loaded.config).toEqual(model.config);
      const a = model.forward(x(), false);
      const b = loaded.forward(x(), false);
      expect(Array.from(b.logits.dataSync())).toEqual(Array.from(a.logits.dataSync()));
      if (a.attention) {
        expect(Array.from(b.attention!.dataSync())).toEqual(Array.from(a.attention.dataSync()));
      }
      // BN moving statistics travel too (they were changed by the training step).
      const mm = (m: typeof model) =>
        m
          .namedWeights()
          .find((w) => w.name.endsWith('moving_mean'))!
          .variable.dataSync();
      expect(Array.from(mm(loaded))).toEqual(Array.from(mm(model)));
      expect(Array.from(mm(model)).some((v) => v !== 0)).toBe(true);
      model.dispose();
      loaded.dispose();
    });
  }

  it('writes config, meta and checksum, and leaves no temporary files', async () => {
    const { dir, checksum } = await saved();
    const m = readModelManifest(dir);
    expect(m).toMatchObject({
      architecture: 'unet1d-cnn',
      method: 'joint',
      pooling: 'l2',
      kernelSamples: 24,
      nLeads: 2,
      nSamples: TINY.nSamples,
      fs: 360,
      classes: ['PVC', 'APB'],
      formatVersion: 1,
      weightsSha256: checksum,
      meta: { seed: 1, fold: 3, backend: 'cpu' },
    });
    expect(readdirSync(dir).sort()).toEqual([MANIFEST_FILE, WEIGHTS_FILE].sort());
  });

  it('fails on a missing directory, manifest or weights file', async () => {
    await expectLoadError(
      join(root, 'nope'),
      {},
      /model\.json does not exist/,
      'model-missing-file',
    );
    const { dir } = await saved();
    rmSync(join(dir, WEIGHTS_FILE));
    await expectLoadError(dir, {}, /weights\.bin does not exist/, 'model-missing-file');
  });

  it('fails on a corrupt manifest', async () => {
    const { dir } = await saved();
    writeFileSync(join(dir, MANIFEST_FILE), '{"format": "beatlens-model", ');
    await expectLoadError(dir, {}, /not valid JSON/, 'model-corrupt');
    writeFileSync(join(dir, MANIFEST_FILE), '{"format": "keras"}');
    await expectLoadError(dir, {}, /not a beatlens model file/, 'model-corrupt');
  });

  it('fails on a checksum mismatch (one flipped byte)', async () => {
    const { dir } = await saved();
    const bytes = readFileSync(join(dir, WEIGHTS_FILE));
    bytes[100] ^= 0x01;
    writeFileSync(join(dir, WEIGHTS_FILE), bytes);
    await expectLoadError(dir, {}, /SHA-256/, 'model-checksum');
  });

  it('fails for another method, architecture, lead count or fs than expected', async () => {
    const { dir } = await saved('joint');
    await expectLoadError(
      dir,
      { method: 'cascaded' },
      /joint model but a cascaded/,
      'model-method',
    );
    await expectLoadError(dir, { architecture: 'resnet1d' }, /resnet1d was expected/);
    await expectLoadError(dir, { nLeads: 12 }, /nLeads=12 .* 2 leads/, 'model-leads');
    await expectLoadError(dir, { fs: 500 }, /fs=500 but .* 360 Hz/, 'fs-mismatch');
  });

  it('fails when the weights belong to another architecture than the config says', async () => {
    // Weights of a classifier-only model under a manifest that claims 'joint'.
    const cls = await saved('classifier');
    const joint = await saved('joint');
    const manifest = JSON.parse(readFileSync(join(cls.dir, MANIFEST_FILE), 'utf8'));
    manifest.config = readModelManifest(joint.dir).config;
    manifest.method = 'joint';
    writeFileSync(join(cls.dir, MANIFEST_FILE), JSON.stringify(manifest));
    await expectLoadError(cls.dir, {}, /lacks weight segmenter\//, 'model-architecture');
    // A weight with the wrong shape.
    const m2 = JSON.parse(readFileSync(join(joint.dir, MANIFEST_FILE), 'utf8'));
    m2.config.classifier.hiddenUnits = 32;
    writeFileSync(join(joint.dir, MANIFEST_FILE), JSON.stringify(m2));
    await expectLoadError(joint.dir, {}, /fc1\/kernel has shape \[8,16\]/, 'model-architecture');
  });

  it('overwrites an earlier save in place', async () => {
    const { dir } = await saved();
    const other = createModel(tinyConfig('joint'), 2);
    const { checksum } = await saveModel(other, dir, {});
    expect(readModelManifest(dir).weightsSha256).toBe(checksum);
    expect(existsSync(join(dir, WEIGHTS_FILE))).toBe(true);
    const loaded = await loadModel(dir);
    expect(Array.from(loaded.forward(x(), false).logits.dataSync())).toEqual(
      Array.from(other.forward(x(), false).logits.dataSync()),
    );
  });
});
