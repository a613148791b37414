import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeatlensError } from '../../src-main/errors';
import {
  DEFAULT_MIL_TEMPERATURE,
  MIL_ARCHITECTURE,
  defaultModelConfig,
  validateModelConfig,
} from '../../src-main/model/config';
import { forwardMacs } from '../../src-main/model/cost';
import { weightedNllLoss } from '../../src-main/model/loss';
import {
  evidenceCentres,
  interpolationMatrix,
  milPool,
  milReceptiveField,
  milStepAttention,
} from '../../src-main/model/mil';
import { createModel, listModels } from '../../src-main/model/registry';
import { tf } from '../../src-main/model/tf';
import type { BeatlensModel, MilConfig, ModelConfig } from '../../src-main/model/types';
import { MANIFEST_FILE, loadModel, saveModel } from '../../src-main/model/weights';
import { TINY, tinyConfig } from './helpers';

const THREE = ['APB', 'NORMAL', 'PVC'];
const root = mkdtempSync(join(tmpdir(), 'beatlens-mil-'));
let counter = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The tiny MIL model of the model tests, with `classes` (2 or 3, NORMAL the background). */
function tinyMil(classes = TINY.classes, nSamples = TINY.nSamples, mil?: Partial<MilConfig>) {
  return defaultModelConfig({
    ...TINY,
    classes,
    nSamples,
    method: 'mil',
    kernelSamples: 24, // unused by mil, validated for every method
    classifier: { stemWidth: 4, widths: [4, 8, 8, 8], kernelSize: 5 },
    mil,
  });
}

const input = (batch: number, nSamples = TINY.nSamples, seed = 1): tf.Tensor3D =>
  tf.randomNormal([batch, nSamples, TINY.nLeads], 0, 1, 'float32', seed) as tf.Tensor3D;

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('MIL config', () => {
  it('defaults: its own architecture, log-mean-exp r, NORMAL as background when present', () => {
    const two = tinyMil();
    expect(two.architecture).toBe(MIL_ARCHITECTURE);
    expect(two.mil).toEqual({ temperature: DEFAULT_MIL_TEMPERATURE, normalClass: null });
    expect(tinyMil(THREE).mil?.normalClass).toBe('NORMAL');
    expect(listModels()).toContain(MIL_ARCHITECTURE);
    // Other methods carry no mil block (saved configs of older models stay as they were).
    expect(tinyConfig('joint').mil).toBeUndefined();
  });

  it('sizes the kernel so one evidence step sees about one normal beat (≈ 1 s)', () => {
    for (const fs of [180, 250, 360, 500, 1000]) {
      const cfg = defaultModelConfig({
        method: 'mil',
        nLeads: 2,
        nSamples: 4 * fs,
        fs,
        classes: ['APB', 'PVC'],
      });
      const seconds = milReceptiveField(cfg.classifier) / fs;
      expect(seconds, `fs=${fs}`).toBeGreaterThan(0.9);
      expect(seconds, `fs=${fs}`).toBeLessThan(1.15);
    }
    const at360 = defaultModelConfig({
      method: 'mil',
      nLeads: 2,
      nSamples: 2000,
      fs: 360,
      classes: ['APB', 'PVC'],
    });
    expect(at360.classifier.kernelSize).toBe(9);
    expect(milReceptiveField(at360.classifier)).toBe(361);
    // An explicit kernel wins.
    expect(tinyMil().classifier.kernelSize).toBe(5);
  });

  it('rejects bad fields with a one-line message naming them', () => {
    const bad = (patch: (c: ModelConfig) => void, pattern: RegExp) => {
      const cfg = structuredClone(tinyMil(THREE));
      patch(cfg);
      let err: unknown = null;
      try {
        validateModelConfig(cfg);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BeatlensError);
      expect((err as Error).message).toMatch(pattern);
      expect((err as Error).message).not.toMatch(/\n/);
    };
    bad((c) => (c.mil!.temperature = 0), /mil\.temperature=0/);
    bad((c) => (c.mil!.temperature = -2), /mil\.temperature=-2/);
    bad((c) => (c.mil!.temperature = Number.NaN), /mil\.temperature=null/);
    bad((c) => (c.mil!.temperature = '5' as never), /mil\.temperature="5"/);
    bad((c) => (c.mil!.normalClass = 'N'), /mil\.normalClass="N" must be null or one of/);
    bad((c) => delete c.mil, /mil=undefined must be set/);
    bad((c) => (c.architecture = 'unet1d-cnn'), /architecture="unet1d-cnn" has no method mil/);
    bad((c) => (c.method = 'joint'), /method="joint" must be mil for architecture mil-fcn/);
    const joint = structuredClone(tinyConfig('joint'));
    joint.mil = { temperature: 1, normalClass: null };
    expect(() => validateModelConfig(joint)).toThrow(/mil=.* is only for method mil, not joint/);
    expect(() => defaultModelConfig({ ...TINY, method: 'joint', mil: { temperature: 2 } })).toThrow(
      /only for method mil/,
    );
  });

  it('counts no segmenter and a point-wise evidence head in forwardMacs', () => {
    const cfg = defaultModelConfig({
      method: 'mil',
      nLeads: 2,
      nSamples: 8,
      fs: 360,
      classes: ['a', 'b'],
      kernelSamples: 3,
      classifier: { stemWidth: 4, widths: [4], kernelSize: 3 },
    });
    // stem 8·2·4 = 64; block at n=4: 2 × 4·3·4·4 = 384; evidence 4·4·2 = 32.
    expect(forwardMacs(cfg)).toEqual({ segmenterMacs: 0, classifierMacs: 480, totalMacs: 480 });
  });
});

describe('evidence step positions', () => {
  it("match tfjs's 'same' padding of the stride-2 convolutions", () => {
    for (const [nSamples, k] of [
      [2000, 9],
      [1000, 5],
      [257, 7],
      [130, 3],
    ]) {
      // Centre-tap kernels: each stride-2 conv copies the sample at its output's centre, so the
      // last level holds the input sample index each step is centred on.
      const kernel = tf
        .oneHot([(k - 1) / 2], k)
        .toFloat()
        .reshape([k, 1, 1]) as tf.Tensor3D;
      let h = tf.range(0, nSamples, 1, 'float32').reshape([1, nSamples, 1]) as tf.Tensor3D;
      for (let b = 0; b < 4; b++) h = tf.conv1d(h, kernel, 2, 'same');
      expect(evidenceCentres(nSamples, k, 4), `n=${nSamples} k=${k}`).toEqual(values(h));
    }
    expect(evidenceCentres(2000, 9, 4).slice(0, 3)).toEqual([15, 31, 47]);
  });

  it('interpolate linearly between centres, exact at each centre', () => {
    const centres = [2, 6, 10];
    const m = interpolationMatrix(centres, 12);
    const at = (j: number, s: number) => m[j * 12 + s];
    for (let s = 0; s < 12; s++) {
      expect(at(0, s) + at(1, s) + at(2, s)).toBeCloseTo(1, 6);
    }
    expect([at(0, 0), at(0, 2), at(0, 3), at(1, 3), at(1, 6), at(2, 11)]).toEqual([
      1, 1, 0.75, 0.25, 1, 1,
    ]);
  });
});

describe('MIL pooling', () => {
  const e = [
    [
      [0.1, 2.0, -1.0],
      [1.5, -0.3, 0.2],
      [-0.7, 0.4, 3.0],
      [0.0, 0.5, 0.1],
    ],
  ];
  /** Plain-JS (1/r)·log mean_t exp(r·e_tc), and the mean for the background class. */
  const reference = (r: number, normal: number) =>
    [0, 1, 2].map((c) => {
      const col = e[0].map((row) => row[c]);
      if (c === normal) return col.reduce((a, b) => a + b) / col.length;
      return Math.log(col.reduce((a, v) => a + Math.exp(r * v), 0) / col.length) / r;
    });

  it('is the log-mean-exp per class, the mean for the normal class, then log-softmax', () => {
    for (const [r, normal] of [
      [5, -1],
      [1, 1],
      [0.5, 0],
    ]) {
      const mil = { temperature: r, normalClass: null };
      const { scores, logits } = milPool(tf.tensor3d(e), mil, normal);
      const want = reference(r, normal);
      values(scores).forEach((v, c) => expect(v).toBeCloseTo(want[c], 5));
      const z = Math.log(want.reduce((a, v) => a + Math.exp(v), 0));
      values(logits).forEach((v, c) => expect(v).toBeCloseTo(want[c] - z, 5));
    }
  });

  it('tends to the max as r grows and to the mean as r shrinks', () => {
    const s = (r: number) =>
      values(milPool(tf.tensor3d(e), { temperature: r, normalClass: null }, -1).scores);
    s(500).forEach((v, c) => expect(v).toBeCloseTo(Math.max(...e[0].map((row) => row[c])), 2));
    s(1e-3).forEach((v, c) => expect(v).toBeCloseTo(e[0].reduce((a, row) => a + row[c], 0) / 4, 2));
  });

  it('attention: 1 − p_t(normal), or the predicted class share of its smooth max', () => {
    const ev = tf.tensor3d(e);
    const three = { temperature: 2, normalClass: 'NORMAL' };
    const { scores } = milPool(ev, three, 1);
    const a = values(milStepAttention(ev, scores, three, 1));
    e[0].forEach((row, t) => {
      const z = row.reduce((acc, v) => acc + Math.exp(v), 0);
      expect(a[t]).toBeCloseTo(1 - Math.exp(row[1]) / z, 5);
    });
    const two = { temperature: 2, normalClass: null };
    const pooled = milPool(ev, two, -1);
    const share = values(milStepAttention(ev, pooled.scores, two, -1));
    const predicted = values(tf.argMax(pooled.scores, 1))[0];
    expect(predicted).toBe(2);
    // exp(r·(e_tĉ − s_ĉ)): mean 1 over the steps, largest where ĉ's evidence is.
    expect(share.reduce((x, y) => x + y) / share.length).toBeCloseTo(1, 5);
    expect(share.indexOf(Math.max(...share))).toBe(2);
    share.forEach((v, t) =>
      expect(v).toBeCloseTo(Math.exp(2 * (e[0][t][2] - values(pooled.scores)[2])), 4),
    );
  });
});

describe('MIL model', () => {
  for (const classes of [TINY.classes, THREE]) {
    for (const training of [false, true]) {
      it(`gives log-probabilities and a non-negative map (${classes.length} classes, training=${training})`, () => {
        const model = createModel(tinyMil(classes), 3);
        const x = input(3);
        const before = tf.memory().numTensors;
        const { logits, attention } = model.forward(x, training);
        expect(logits.shape).toEqual([3, classes.length]);
        const sums = tf.tidy(() => values(tf.sum(tf.exp(logits), 1)));
        sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
        expect(attention?.shape).toEqual([3, TINY.nSamples]);
        const a = values(attention!);
        expect(a.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
        expect(Math.max(...a)).toBeGreaterThan(0);
        if (classes.length === 3) expect(Math.max(...a)).toBeLessThanOrEqual(1);
        tf.dispose([logits, attention!]);
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
      });
    }
  }

  it('has no segmenter, and features/head give the same logits as forward', () => {
    const model = createModel(tinyMil(THREE), 2);
    const names = model.namedWeights().map((w) => w.name);
    expect(names.some((n) => n.startsWith('segmenter/') || n.startsWith('classifier/'))).toBe(
      false,
    );
    expect(names).toContain('mil/evidence/kernel');
    const x = input(2);
    const before = tf.memory().numTensors;
    const out = model.forward(x, false);
    const f = model.forwardFeatures(x, false);
    expect(f.segmenterMap).toBeNull();
    expect(f.featureMap.shape).toEqual([2, TINY.nSamples / 16, 8]);
    const head = model.forwardHead(f.featureMap, false);
    values(head).forEach((v, i) => expect(v).toBeCloseTo(values(out.logits)[i], 6));
    expect(values(f.attention!)).toEqual(values(out.attention!));
    tf.dispose([out.logits, out.attention!, f.featureMap, f.classifierInput, f.attention!, head]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('localises by construction: input outside the receptive field leaves the map unchanged', () => {
    // With a normal class the map at sample t depends only on the evidence steps around t.
    const nSamples = 1024;
    const model = createModel(tinyMil(THREE, nSamples), 4);
    const rf = milReceptiveField(model.config.classifier); // 181 samples
    const x = input(1, nSamples, 7);
    const bump = tf.tidy(() => {
      const mask = tf.concat([tf.zeros([500]), tf.ones([10]), tf.zeros([nSamples - 510])]);
      return tf.add(x, tf.mul(mask.reshape([1, nSamples, 1]), 3)) as tf.Tensor3D;
    });
    const a = values(model.forward(x, false).attention!);
    const b = values(model.forward(bump, false).attention!);
    // A step centred at c sees c ± (rf − 1)/2; interpolation reaches one step (16 samples)
    // further, the half-beat box mean kernelSamples / 2 more.
    const reach = (rf - 1) / 2 + 16 + model.config.kernelSamples / 2;
    const changed = a.map((v, t) => Math.abs(v - b[t]) > 1e-6);
    expect(changed.some(Boolean)).toBe(true);
    changed.forEach((c, t) => {
      if (t < 500 - reach || t >= 510 + reach) expect(c, `sample ${t}`).toBe(false);
    });
    model.dispose();
  });

  it('has gradients matching finite differences (weights and input, both BN modes)', () => {
    // The head (evidence conv → smooth max → log-softmax → NLL) is smooth: a central difference
    // with h = 1e-2 matches to 3 decimals. Through the ReLU trunk a difference straddles kinks, so
    // it converges only as h shrinks (for the joint model too); there h = 3e-4 (float32 noise
    // ~1e-4) and a 3 % + 2e-3 tolerance.
    const nSamples = 256;
    const model = createModel(tinyMil(THREE, nSamples, { temperature: 3 }), 5);
    const x = input(6, nSamples, 11);
    const y = tf.tensor1d([0, 1, 2, 2, 1, 0], 'int32');
    const classW = [1, 0.5, 2];
    const checks: Array<[string, number]> = [
      ['mil/evidence/kernel', 1e-2],
      ['mil/evidence/bias', 1e-2],
      ['mil/block0/0/conv/kernel', 3e-4],
      ['mil/block3/1/conv/kernel', 3e-4],
    ];
    const near = (g: number, fd: number, h: number, what: string) => {
      if (h >= 1e-2) expect(g, what).toBeCloseTo(fd, 3);
      else expect(Math.abs(g - fd), what).toBeLessThanOrEqual(0.03 * Math.abs(fd) + 2e-3);
    };
    for (const training of [false, true]) {
      const lossOf = (xi: tf.Tensor3D) =>
        weightedNllLoss(model.forward(xi, training).logits, y, classW);
      const named = checks.map(([name]) => model.namedWeights().find((w) => w.name === name)!);
      const { grads } = tf.variableGrads(
        () => lossOf(x),
        named.map((w) => w.variable),
      );
      named.forEach((w, k) => {
        const h = checks[k][1];
        const g = values(grads[w.variable.name]);
        const base = values(w.variable);
        for (const i of [0, Math.floor(base.length / 2), base.length - 1]) {
          const at = (delta: number) => {
            const v = base.slice();
            v[i] += delta;
            w.variable.assign(tf.tensor(v, w.variable.shape));
            const out = lossOf(x).dataSync()[0];
            w.variable.assign(tf.tensor(base, w.variable.shape));
            return out;
          };
          near(g[i], (at(h) - at(-h)) / (2 * h), h, `${w.name}[${i}] training=${training}`);
        }
      });
      // The input gradient (what gradient × input and the scan's saliency use).
      const gx = values(tf.grad((xi: tf.Tensor) => lossOf(xi as tf.Tensor3D))(x));
      const xv = values(x);
      for (const i of [5, 700, 3000]) {
        const at = (delta: number) => {
          const v = xv.slice();
          v[i] += delta;
          return lossOf(tf.tensor3d(v, x.shape)).dataSync()[0];
        };
        near(gx[i], (at(3e-4) - at(-3e-4)) / 6e-4, 3e-4, `x[${i}] training=${training}`);
      }
    }
    model.dispose();
  });
});

describe('saving and loading a MIL model', () => {
  async function saved(classes = THREE): Promise<{ model: BeatlensModel; dir: string }> {
    const model = createModel(tinyMil(classes), 1);
    const out = model.forward(input(2), true); // moves the BN statistics
    tf.dispose([out.logits, out.attention!]);
    const dir = join(root, `m${counter++}`);
    await saveModel(model, dir, { seed: 1 });
    return { model, dir };
  }

  async function loadError(dir: string, expect_: object): Promise<BeatlensError> {
    const err = await loadModel(dir, expect_).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BeatlensError);
    expect((err as Error).message).not.toMatch(/\n/);
    return err as BeatlensError;
  }

  it('round-trips with identical logits and attention', async () => {
    const { model, dir } = await saved();
    const loaded = await loadModel(dir, { method: 'mil', architecture: MIL_ARCHITECTURE });
    expect(loaded.config).toEqual(model.config);
    const a = model.forward(input(2, TINY.nSamples, 4), false);
    const b = loaded.forward(input(2, TINY.nSamples, 4), false);
    expect(values(b.logits)).toEqual(values(a.logits));
    expect(values(b.attention!)).toEqual(values(a.attention!));
    model.dispose();
    loaded.dispose();
  });

  it('refuses another method or architecture in one line, both ways', async () => {
    const mil = await saved();
    expect((await loadError(mil.dir, { method: 'joint' })).code).toBe('model-method');
    expect((await loadError(mil.dir, { architecture: 'unet1d-cnn' })).code).toBe(
      'model-architecture',
    );
    const joint = createModel(tinyConfig('joint'), 1);
    const jointDir = join(root, `m${counter++}`);
    await saveModel(joint, jointDir, {});
    expect((await loadError(jointDir, { method: 'mil' })).message).toMatch(
      /holds a joint model but a mil model was expected/,
    );
    // A joint model's weights under a manifest that claims mil: the weight names differ.
    const manifest = JSON.parse(readFileSync(join(jointDir, MANIFEST_FILE), 'utf8'));
    manifest.config = { ...tinyMil(TINY.classes), classifier: manifest.config.classifier };
    manifest.method = 'mil';
    manifest.architecture = MIL_ARCHITECTURE;
    writeFileSync(join(jointDir, MANIFEST_FILE), JSON.stringify(manifest));
    const wrong = await loadError(jointDir, {});
    expect(wrong.code).toBe('model-architecture');
    expect(wrong.message).toMatch(/has weight segmenter\/.* which architecture mil-fcn \(mil\)/);
    // A mil manifest edited to say joint fails validation before any weight is read.
    const m2 = JSON.parse(readFileSync(join(mil.dir, MANIFEST_FILE), 'utf8'));
    m2.config.method = 'joint';
    writeFileSync(join(mil.dir, MANIFEST_FILE), JSON.stringify(m2));
    const edited = await loadError(mil.dir, {});
    expect(edited.code).toBe('model-corrupt');
    expect(edited.message).toMatch(/method="joint" must be mil/);
    mil.model.dispose();
    joint.dispose();
  });
});
