/**
 * The worker thread that runs long work off the main process's event loop: training with
 * hold-out or 5-fold stratified cross-validation (H6's trainModel with per-epoch checkpoints, so
 * a cancelled run resumes), and whole-record flagged-beat scans (H8's scanRecord).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import { initBackend } from '../model/backend';
import { defaultModelConfig } from '../model/config';
import { createModel } from '../model/registry';
import { loadModel, saveModel } from '../model/weights';
import { getPreset } from '../train/presets';
import { innerValidationSplit, stratifiedKFold } from '../train/splitters';
import { predictIndices, trainModel } from '../train/trainer';
import { classificationMetrics, rocCurve } from '../train/metrics';
import { writeJsonAtomic } from '../train/runInfo';
import { loadNamedDataset } from '../train/datasets';
import { scanRecord } from '../evaluate/scan';
import { openStore } from '../store/index';
import { loadDemoDataset } from './demo';
import type {
  JobRequest,
  MainMessage,
  ScanJobRequest,
  TrainJobRequest,
  WorkerMessage,
} from './job-protocol';

const port = parentPort!;
const abort = new AbortController();
port.on('message', (m: MainMessage) => {
  if (m.type === 'cancel') abort.abort();
});
const post = (m: WorkerMessage): void => port.postMessage(m);

/**
 * The training segments: the demo study's as stored by `ensureDemoInStore`, or a named dataset.
 * `segmentIds[i]` is the store id of row i where the rows come from the store (null for mitdb).
 */
function loadTrainingSet(req: TrainJobRequest): {
  ds: SegmentDataset;
  segmentIds: number[] | null;
} {
  if (req.source === 'demo') {
    const store = openStore(req.storePath);
    try {
      const { ids, ...ds } = loadDemoDataset(store);
      return { ds, segmentIds: ids };
    } finally {
      store.close();
    }
  }
  const named = loadNamedDataset({
    name: req.source,
    task: 'pvc-apb',
    seed: req.seed,
    storePath: req.storePath,
  });
  return { ds: named.data, segmentIds: named.segmentIds ?? null };
}

async function runTrain(req: TrainJobRequest): Promise<void> {
  await initBackend('auto');
  const { ds, segmentIds } = loadTrainingSet(req);
  const preset = getPreset(req.preset, req.epochs ? { epochs: req.epochs } : {});
  const folds = stratifiedKFold(ds.y, 5, req.seed);
  const used = req.protocol === 'cv5' ? folds : folds.slice(0, 1);
  mkdirSync(req.runDir, { recursive: true });
  let lastModelDir = '';
  let resumedEpochs = 0;
  for (let f = 0; f < used.length; f++) {
    const foldDir = join(req.runDir, `fold-${f}`);
    const resultFile = join(foldDir, 'result.json');
    lastModelDir = join(foldDir, 'model');
    if (existsSync(resultFile)) {
      // Finished before a cancel: replay its result instead of training again.
      post(JSON.parse(readFileSync(resultFile, 'utf8')) as WorkerMessage);
      continue;
    }
    mkdirSync(foldDir, { recursive: true });
    const { train, val } = innerValidationSplit(
      used[f].train,
      ds.y,
      preset.valFraction,
      req.seed + f,
    );
    const model = createModel(
      defaultModelConfig({
        method: req.method,
        pooling: req.pooling,
        kernelSamples: req.kernelSamples,
        nLeads: ds.nLeads,
        nSamples: ds.nSamples,
        fs: ds.fs,
        classes: ds.classes,
        width: req.modelWidth,
      }),
      req.seed + f,
    );
    const history = await trainModel({
      model,
      train: ds,
      trainIdx: train,
      valIdx: val,
      preset,
      seed: req.seed + f,
      fold: f,
      signal: abort.signal,
      checkpointDir: join(foldDir, 'checkpoint'),
      onProgress: (p) => {
        if (p.kind !== 'epoch') return;
        post({
          type: 'train-progress',
          fold: f,
          nFolds: used.length,
          epoch: p.epoch,
          nEpochs: p.epochs,
          loss: p.loss,
          valLoss: p.valLoss,
          valAccuracy: p.valAccuracy,
        });
      },
    });
    resumedEpochs += history.resumedEpochs;
    const test = used[f].test;
    const { probs } = await predictIndices(model, ds, test, preset.batchSize);
    const yTest = test.map((i) => ds.y[i]);
    const m = classificationMetrics(yTest, probs, ds.classes);
    const roc = ds.classes.map((className, c) => {
      const pts = rocCurve(yTest, probs, ds.classes.length, c);
      return { className, fpr: pts.map((p) => p.fpr), tpr: pts.map((p) => p.tpr) };
    });
    const result: WorkerMessage = {
      type: 'train-fold',
      fold: f,
      metrics: {
        accuracy: m.accuracy,
        sensitivity: m.sensitivity,
        specificity: m.specificity,
        aucMacro: m.aucMacro,
        nTest: m.n,
      },
      roc,
    };
    // Test-fold predictions keyed by store segment id (when the rows came from the store).
    writeJsonAtomic(join(foldDir, 'predictions.json'), {
      classes: ds.classes,
      items: test.map((i, r) => ({
        segmentId: segmentIds ? segmentIds[i] : null,
        label: ds.classes[ds.y[i]],
        probabilities: Array.from(
          probs.subarray(r * ds.classes.length, (r + 1) * ds.classes.length),
        ),
      })),
    });
    await saveModel(model, lastModelDir, { fold: f, preset: preset.name, seed: req.seed });
    writeJsonAtomic(resultFile, result);
    post(result);
    model.dispose();
  }
  post({
    type: 'train-done',
    modelDir: lastModelDir,
    note:
      `${req.method} model (${req.pooling}, k=${req.kernelSamples}) trained on ${req.source} with ${req.preset}, ` +
      `${used.length} fold(s)` +
      (resumedEpochs ? `, ${resumedEpochs} epoch(s) restored from checkpoints` : ''),
  });
}

async function runScan(req: ScanJobRequest): Promise<void> {
  await initBackend('auto');
  const model = await loadModel(req.modelDir);
  const res = await scanRecord(model, req.record, req.beats, {
    signal: abort.signal,
    onProgress: (done, total) => post({ type: 'scan-progress', done, total }),
  });
  post({
    type: 'scan-done',
    flagged: res.flagged.map((b) => ({
      sample: b.sample,
      score: b.score,
      segmentLabel: b.segmentLabel,
      segmentProbability: b.segmentProbability,
    })),
    note: `${res.nSegments} segments, ${res.nBeats} beats (${res.beatSource})`,
  });
  model.dispose();
}

const req = workerData as JobRequest;
(req.kind === 'train' ? runTrain(req) : runScan(req)).catch((e: unknown) => {
  post({
    type: 'error',
    code: isBeatlensError(e) ? e.code : 'internal',
    message: (e instanceof Error ? e.message : String(e)).split('\n')[0],
  });
});
