/**
 * The worker thread that runs long work off the main process's event loop:
 * - training: the CLI's cross-validation (`runCrossValidation`, the same run folders and store
 *   rows as `beatlens cv`, per-epoch checkpoints so a cancelled run resumes), then the trained
 *   fold's model is saved into the model library with its run and fold provenance;
 * - inference: whole records through `inferRecord`, the one inference path, for the viewer's
 *   attention and beat labels and for grade-study items;
 * - flagged-beat scans (`scanRecord`, an adapter over the same path).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isBeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import { MITDB_SECOND_LEADS } from '../ecg/prepare';
import { inputChannelsLabel } from '../ecg/rhythm-channels';
import { initBackend } from '../model/backend';
import { getPreset } from '../train/presets';
import { rocCurve } from '../train/metrics';
import { loadNamedDataset } from '../train/datasets';
import { loadTaskDataset, NORMAL_PER_RECORD, withRhythm } from '../train/task-data';
import {
  planFolds,
  readFoldPredictions,
  runCrossValidation,
  type CvConfig,
  type CvEvent,
  type FoldResult,
} from '../train/cross-validation';
import { scanRecord } from '../evaluate/scan';
import { importModel, loadModelAsset } from '../infer/models';
import { openStore } from '../store/index';
import { loadDemoDataset } from './demo';
import { inferRecordMaps } from './record-maps';
import type {
  InferJobRequest,
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
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(m, transfer);
const errorOf = (e: unknown): { code: string; message: string } => ({
  code: isBeatlensError(e) ? e.code : 'internal',
  message: (e instanceof Error ? e.message : String(e)).split('\n')[0],
});

/**
 * The training segments: the demo study's as stored by `ensureDemoInStore`, or a named dataset.
 * `segmentIds[i]` is the store id of row i where the rows come from the store (null for mitdb);
 * `leads` the lead names the model is trained on, when known.
 */
function loadTrainingSet(req: TrainJobRequest): {
  ds: SegmentDataset;
  segmentIds: number[] | null;
  description: string;
  leads: string[] | undefined;
} {
  const set = loadEcgTrainingSet(req);
  if (!req.rhythm) return set;
  // The rhythm input channels after the leads, described as `beatlens cv --rhythm` describes them.
  const { data, description } = withRhythm({ data: set.ds, description: set.description });
  return { ...set, ds: data, description };
}

function loadEcgTrainingSet(req: TrainJobRequest): ReturnType<typeof loadTrainingSet> {
  if (req.source === 'mitdb') {
    // With a class of all-normal segments, at most NORMAL_PER_RECORD per record (the MIT-BIH
    // results' "mil + normal class" rows).
    const named = loadTaskDataset({
      name: 'mitdb',
      task: req.task,
      seed: req.seed,
      ...(req.task === 'normal-apb-pvc' ? { maxNormalPerRecord: NORMAL_PER_RECORD } : {}),
    });
    return {
      ds: named.data,
      segmentIds: null,
      description: named.description,
      leads: ['MLII|II', MITDB_SECOND_LEADS.join('|')].slice(0, named.data.nLeads),
    };
  }
  const store = openStore(req.storePath);
  try {
    let ds: SegmentDataset;
    let segmentIds: number[];
    let description: string;
    if (req.source === 'demo') {
      const { ids, ...data } = loadDemoDataset(store);
      [ds, segmentIds, description] = [data, ids, `demo(${req.storePath})`];
    } else {
      const named = loadNamedDataset({
        name: 'store',
        task: 'pvc-apb',
        seed: req.seed,
        storePath: req.storePath,
      });
      [ds, segmentIds, description] = [named.data, named.segmentIds ?? [], named.description];
    }
    const first = ds.meta.length > 0 ? store.records.get(ds.meta[0].recordId) : null;
    return { ds, segmentIds, description, leads: first?.leadNames.slice(0, ds.nLeads) };
  } finally {
    store.close();
  }
}

async function runTrain(req: TrainJobRequest): Promise<void> {
  const { ds, segmentIds, description, leads } = loadTrainingSet(req);
  const preset = getPreset(req.preset, req.epochs ? { epochs: req.epochs } : {});
  const config: CvConfig = {
    dataset: description,
    task: req.task,
    protocol: req.protocol,
    k: 5,
    method: req.method,
    pooling: req.pooling,
    kernelSamples: req.kernelSamples,
    width: req.modelWidth,
    preset,
    seed: req.seed,
  };
  const plan = planFolds(ds, config.protocol, config.k, config.seed);
  const onlyFolds = req.folds === 'first' ? [0] : undefined;
  const nFolds = onlyFolds ? onlyFolds.length : plan.length;
  const onEvent = (e: CvEvent): void => {
    if (e.type === 'train' && e.kind === 'epoch') {
      post({
        type: 'train-progress',
        fold: e.fold,
        nFolds,
        epoch: e.epoch,
        nEpochs: e.epochs,
        loss: e.loss,
        valLoss: e.valLoss,
        valAccuracy: e.valAccuracy,
      });
    } else if (e.type === 'fold-done') {
      // The fold's test predictions, as the CLI wrote them, give the ROC curves.
      const p = readFoldPredictions(req.runDir, e.fold);
      const yTest = p.index.map((i) => ds.y[i]);
      const probs = Float64Array.from(p.probabilities.flat());
      post({
        type: 'train-fold',
        fold: e.fold,
        metrics: {
          accuracy: e.metrics.accuracy,
          sensitivity: e.metrics.sensitivity,
          specificity: e.metrics.specificity,
          aucMacro: e.metrics.aucMacro,
          nTest: e.metrics.n,
        },
        roc: ds.classes.map((className, c) => {
          const pts = rocCurve(yTest, probs, ds.classes.length, c);
          return { className, fpr: pts.map((q) => q.fpr), tpr: pts.map((q) => q.tpr) };
        }),
      });
    }
  };
  // Folds train one after another in this worker thread: the app forks no process (an Electron
  // binary cannot run as Node with its fuses set), and cancelling is an AbortSignal.
  const res = await runCrossValidation({
    config,
    data: ds,
    segmentIds: segmentIds ?? undefined,
    outDir: req.runDir,
    workers: 0,
    storePath: req.storePath,
    signal: abort.signal,
    onEvent,
    onlyFolds,
    command: `beatlens app: train ${req.runName}`,
  });
  const last = res.folds.reduce<FoldResult | null>(
    (a, f) => (a === null || f.fold > a.fold ? f : a),
    null,
  );
  if (!last) throw new Error('the run finished without a trained fold');
  const modelId = `${req.runName}-fold${last.fold + 1}`;
  if (!existsSync(join(req.libraryDir, modelId))) {
    const train = plan[last.fold].train;
    const source = req.source === 'demo' ? 'the demo study' : description;
    const m = last.metrics;
    await importModel(last.modelDir, modelId, {
      libraryDir: req.libraryDir,
      meta: {
        name: `${req.method}${req.task === 'normal-apb-pvc' ? ' + normal class' : ''}${req.rhythm ? ' + rhythm' : ''} · ${req.source} · ${req.protocol} fold ${last.fold + 1}/${plan.length} (${req.runName})`,
        description:
          `${ds.classes.join(' / ')} segments of ${source}, ` +
          `${inputChannelsLabel(ds.nLeads, ds.rhythmChannels)} at ${ds.fs} Hz; ` +
          `test fold: accuracy ${(100 * m.accuracy).toFixed(1)}% (n=${m.n})`,
        trainedBy: 'beatlens app',
        runId: res.meta.runId,
        storeRunId: res.storeRunId,
        runDir: res.outDir,
        fold: last.fold,
        folds: plan.length,
        protocol: req.protocol,
        preset: preset.name,
        seed: req.seed,
        dataset: description,
        task: req.task,
        dataFingerprint: last.dataFingerprint,
        code: last.code,
        versions: res.meta.versions,
        testMetrics: {
          accuracy: m.accuracy,
          sensitivity: m.sensitivity,
          specificity: m.specificity,
          aucMacro: m.aucMacro,
          n: m.n,
        },
        // What it learned from (its training folds, validation part included), so grade
        // studies leave it out; with patient-wise protocols, whole records.
        trainingSegments: train.map((i) => `${ds.meta[i].recordId}:${ds.meta[i].offset}`),
        ...(req.protocol === 'stratified'
          ? {}
          : { trainingRecords: [...new Set(train.map((i) => ds.meta[i].recordId))].sort() }),
        ...(leads && leads.length === ds.nLeads - (ds.rhythmChannels ?? 0) ? { leads } : {}),
        beatThreshold: 0.5,
      },
    });
  }
  const resumedEpochs = res.folds.reduce((n, f) => n + f.history.resumedEpochs, 0);
  post({
    type: 'train-done',
    modelId,
    note:
      `${req.method} model (${req.pooling}, k=${req.kernelSamples}) trained on ${req.source} with ${req.preset}, ` +
      `${req.protocol} protocol, ${res.folds.length} fold(s)` +
      (resumedEpochs ? `, ${resumedEpochs} epoch(s) restored from checkpoints` : '') +
      `; saved to the model library as '${modelId}' (choose it under Models)`,
  });
}

async function runInfer(req: InferJobRequest): Promise<void> {
  const { model, info, name } = await loadModelAsset(req.modelDir);
  try {
    let failed = 0;
    for (const { record, beats } of req.items) {
      try {
        const maps = await inferRecordMaps(model, record, beats, info, {
          signal: abort.signal,
          onProgress: (done, total) =>
            post({ type: 'infer-progress', recordId: record.id, done, total }),
        });
        post({ type: 'infer-record', maps }, [maps.map.buffer as ArrayBuffer]);
      } catch (e) {
        if (isBeatlensError(e) && e.code === 'cancelled') throw e;
        failed++;
        post({ type: 'infer-failed', recordId: record.id, ...errorOf(e) });
      }
    }
    post({
      type: 'infer-done',
      note: `${name}: ${req.items.length - failed} of ${req.items.length} record(s) inferred`,
    });
  } finally {
    model.dispose();
  }
}

async function runScan(req: ScanJobRequest): Promise<void> {
  const { model, info, name } = await loadModelAsset(req.modelDir);
  try {
    const res = await scanRecord(model, req.record, req.beats, {
      info,
      signal: abort.signal,
      onProgress: (done, total) => post({ type: 'scan-progress', done, total }),
    });
    const flagged = res.flagged.filter((b) => b.segmentProbability >= req.minProbability);
    post({
      type: 'scan-done',
      beats: res.beats.map((b) => {
        const seg = res.segmentsOf[b.segment];
        return {
          sample: b.sample,
          label: b.label,
          score: Number.isFinite(b.score) ? b.score : null,
          correlation: Number.isFinite(b.correlation) ? b.correlation : null,
          segmentLabel: seg.label,
          segmentProbability: Math.max(...seg.probabilities),
          symbol: b.symbol,
        };
      }),
      beatSource: res.beatSource,
      excluded: res.excluded.map(({ start, end }) => ({ start, end })),
      note: `${name}: ${res.nSegments} segments, ${res.nBeats} beats (${res.beatSource}), ${flagged.length} flagged`,
    });
  } finally {
    model.dispose();
  }
}

const RUN: { [K in JobRequest['kind']]: (req: Extract<JobRequest, { kind: K }>) => Promise<void> } =
  { train: runTrain, infer: runInfer, scan: runScan };

const req = workerData as JobRequest;
initBackend('auto')
  .then(() => (RUN[req.kind] as (r: JobRequest) => Promise<void>)(req))
  .catch((e: unknown) => post({ type: 'error', ...errorOf(e) }));
