import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeDataset } from '../../src-main/ecg/synthetic';
import type { SegmentDataset } from '../../src-main/ecg/types';
import { openStore } from '../../src-main/store';
import {
  planFolds,
  runCrossValidation,
  type CvConfig,
  type CvEvent,
} from '../../src-main/train/cross-validation';
import { getPreset } from '../../src-main/train/presets';

const tmp = mkdtempSync(join(tmpdir(), 'beatlens-cv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const data = synthesizeDataset({ seed: 2, nSegments: 40, fs: 90 });
const config: CvConfig = {
  dataset: 'synthetic(seed=2, n=40, fs=90 Hz)',
  task: 'pvc-apb',
  protocol: 'patient',
  k: 2,
  method: 'joint',
  pooling: 'l2',
  width: 0.25,
  preset: getPreset('tiny', { epochs: 3 }),
  seed: 4,
};

describe('planFolds', () => {
  it('patient protocol keeps each patient in one test fold; inter-patient is DS1 → DS2', () => {
    const folds = planFolds(data, 'patient', 2, 1);
    const foldOf = new Map<string, number>();
    folds.forEach((f, k) =>
      f.test.forEach((i) => {
        const p = data.meta[i].patientId;
        expect(foldOf.get(p) ?? k).toBe(k);
        foldOf.set(p, k);
      }),
    );
    const fake: SegmentDataset = {
      ...data,
      meta: data.meta.map((m, i) => ({ ...m, recordId: i % 2 ? '100' : '101' })),
    };
    const [ip] = planFolds(fake, 'inter-patient', 5, 1);
    expect(ip.train.every((i) => i % 2 === 0)).toBe(true);
    expect(ip.test.every((i) => i % 2 === 1)).toBe(true);
  });
});

describe('runCrossValidation', () => {
  it('runs folds in worker processes, survives a cancel, resumes, and records the run', async () => {
    const outDir = join(tmp, 'run');
    const storePath = join(tmp, 'store.sqlite');
    const ctl = new AbortController();
    const events: CvEvent[] = [];
    await expect(
      runCrossValidation({
        config,
        data,
        outDir,
        workers: 2,
        storePath,
        backend: 'wasm',
        signal: ctl.signal,
        onEvent: (e) => {
          events.push(e);
          // cancel once some fold has a checkpoint (end of its first epoch)
          if (e.type === 'train' && e.kind === 'epoch') ctl.abort();
        },
      }),
    ).rejects.toThrow(/cancelled/);
    const trained = events.filter((e) => e.type === 'train');
    expect(trained.length).toBeGreaterThan(0); // progress relayed from the child processes
    expect(existsSync(join(outDir, 'folds', '0', 'result.json'))).toBe(false);

    const resumedEvents: CvEvent[] = [];
    const r = await runCrossValidation({
      config,
      data,
      outDir,
      workers: 0,
      storePath,
      backend: 'wasm',
      onEvent: (e) => resumedEvents.push(e),
    });
    expect(resumedEvents.filter((e) => e.type === 'fold-done' && e.skipped)).toHaveLength(0);
    expect(r.folds).toHaveLength(2);
    // at least one fold continued from its epoch checkpoint instead of starting over
    expect(Math.max(...r.folds.map((f) => f.history.resumedEpochs))).toBeGreaterThanOrEqual(1);
    const again = await runCrossValidation({ config, data, outDir, workers: 0, storePath });
    expect(again.summary).toEqual(r.summary); // everything skipped, same numbers
    expect(r.summary.accuracy.n).toBe(2);
    for (const f of r.folds) {
      expect(f.history.epochs).toHaveLength(3);
      expect(f.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(f.nTest);
      expect(existsSync(join(f.modelDir, 'model.json'))).toBe(true);
      expect(existsSync(join(outDir, 'folds', String(f.fold), 'attention.f32'))).toBe(true);
    }
    const runJson = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({ seed: 4, config: { protocol: 'patient', k: 2 } });
    expect(runJson.backend.name).toBe('wasm');
    expect(runJson.versions.tfjs).toMatch(/^\d+\.\d+\.\d+/);
    expect(runJson.versions.node).toBe(process.versions.node);

    const store = openStore(storePath);
    try {
      const run = store.runs.details(r.storeRunId!)!;
      expect(store.runs.list()).toHaveLength(1); // resumed into the same run row
      expect(run.status).toBe('done');
      expect(run.foldMetrics.map((f) => f.fold)).toEqual([0, 1]);
      expect(run.epochMetrics).toHaveLength(6);
      expect(run.packageVersions['@tensorflow/tfjs']).toBe(runJson.versions.tfjs);
      expect(store.counts().models).toBe(2);
    } finally {
      store.close();
    }
  }, 120_000);

  it('refuses to resume into a folder that holds another config', async () => {
    await expect(
      runCrossValidation({
        config: { ...config, seed: 5 },
        data,
        outDir: join(tmp, 'run'),
        workers: 0,
        storePath: null,
      }),
    ).rejects.toThrow(/another config/);
  });
});
