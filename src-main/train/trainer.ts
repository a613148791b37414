/**
 * The training loop of one model on one fold: class-weighted NLL, Adam, seeded shuffling,
 * per-epoch train loss / validation loss / validation accuracy (the paper's Fig. 2 curves),
 * progress events with an ETA, cancellation through an AbortSignal, and a checkpoint after every
 * epoch (weights + Adam state) so a killed run resumes from its last completed epoch.
 *
 * Reproducibility: the batch order of epoch e comes from createRng(seed + e), so a resumed fold
 * needs no RNG state and sees exactly the batches an uninterrupted run would. With the preset's
 * `augment`, each training segment is augmented afresh every epoch (augment-batch.ts), seeded
 * from (seed, epoch, segment), so that holds with augmentation too.
 */
import { rmSync } from 'node:fs';
import { BeatlensError } from '../errors';
import { createRng } from '../random';
import type { SegmentDataset } from '../ecg/types';
import { tf } from '../model/tf';
import type { BeatlensModel } from '../model/types';
import { datasetLabels, datasetToTensor } from '../model/input';
import { classWeights as balancedWeights, weightedNllLoss } from '../model/loss';
import { attentionPenalty, complementInput, complementPenalty } from '../model/regularisers';
import { augmentedBatch, type LeadPools } from './augment-batch';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { learningRateAt, type TrainPreset } from './presets';

/** What the loop needs of a model (BeatlensModel satisfies it). */
export type TrainableModel = Pick<
  BeatlensModel,
  'forward' | 'trainableWeights' | 'namedWeights' | 'forwardClassifier'
> &
  Partial<Pick<BeatlensModel, 'config'>>;

export interface TrainProgress {
  /** Fold index (0-based) or -1 when not part of cross-validation. */
  fold: number;
  /** 0-based epoch. */
  epoch: number;
  epochs: number;
  /** 0-based batch inside the epoch; equals `batches` on the end-of-epoch event. */
  batch: number;
  batches: number;
  /** Mean training loss of the epoch so far. */
  loss: number;
  /** Estimated seconds left for this fold's remaining training steps (validation excluded). */
  etaSeconds: number;
  /** 'batch' after each optimiser step, 'epoch' once validation of the epoch is done. */
  kind: 'batch' | 'epoch';
  valLoss?: number;
  valAccuracy?: number;
}

export interface EpochRecord {
  epoch: number;
  learningRate: number;
  trainLoss: number;
  /** NaN when there is no validation set. */
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

export interface TrainHistory {
  epochs: EpochRecord[];
  /** Epoch whose weights the model holds at the end (last, or lowest validation loss). */
  selectedEpoch: number;
  select: TrainPreset['select'];
  classWeights: number[];
  /** Epochs restored from a checkpoint instead of trained (0 for a fresh run). */
  resumedEpochs: number;
  nTrain: number;
  nVal: number;
}

export interface TrainOptions {
  model: TrainableModel;
  /** The dataset the indices refer to. */
  train: SegmentDataset;
  trainIdx: number[];
  /** Validation indices (from the training folds only) for curves and model selection. */
  valIdx?: number[];
  preset: TrainPreset;
  seed: number;
  /** Defaults to balanced weights over trainIdx (H5's classWeights: n / (nClasses · n_c)). */
  classWeights?: number[];
  fold?: number;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  /** Folder for per-epoch checkpoints; an existing checkpoint there is resumed. */
  checkpointDir?: string;
  /** With `preset.augment`: per segment, its record's other leads for lead-pair draws. */
  leadPools?: LeadPools;
}

interface CheckpointState {
  history: EpochRecord[];
  bestEpoch: number;
  bestValLoss: number;
  fingerprint: string;
}

function fingerprintOf(o: TrainOptions, classWeights: number[]): string {
  return JSON.stringify({
    seed: o.seed,
    preset: o.preset,
    nTrain: o.trainIdx.length,
    nVal: o.valIdx?.length ?? 0,
    firstTrain: o.trainIdx.slice(0, 8),
    classWeights,
  });
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw new BeatlensError('cancelled', 'training cancelled; resume it from its last checkpoint');
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Trains `model` in place and returns the per-epoch history. */
export async function trainModel(o: TrainOptions): Promise<TrainHistory> {
  const { model, train: ds, preset } = o;
  const nClasses = ds.classes.length;
  if (o.trainIdx.length === 0) {
    throw new BeatlensError('train-config', 'no training segments (trainIdx is empty)');
  }
  const classWeights =
    o.classWeights ??
    balancedWeights(
      o.trainIdx.map((i) => ds.y[i]),
      nClasses,
    );
  if (classWeights.length !== nClasses) {
    throw new BeatlensError(
      'train-config',
      `classWeights has ${classWeights.length} values but the dataset has ${nClasses} classes`,
    );
  }
  const valIdx = o.valIdx ?? [];
  const fold = o.fold ?? -1;
  const vars = model.trainableWeights();
  const optimizer = tf.train.adam(preset.learningRate);
  const optimizerLr = optimizer as unknown as { learningRate: number };
  const nBatches = Math.ceil(o.trainIdx.length / preset.batchSize);
  // The attention penalty enters the training loss only; validation loss (model selection, the
  // Fig. 2 curves) stays the class-weighted NLL so runs with and without it compare directly.
  const penaltyWeight = preset.attentionPenalty ?? 0;
  const complementWeight = preset.complementPenalty ?? 0;
  const fingerprint = fingerprintOf(o, classWeights);

  let history: EpochRecord[] = [];
  let bestEpoch = -1;
  let bestValLoss = Number.POSITIVE_INFINITY;
  let best: tf.Tensor[] | null = null;
  let resumedEpochs = 0;

  try {
    if (o.checkpointDir) {
      const restored = await restoreCheckpoint(o.checkpointDir, model, optimizer, fingerprint);
      if (restored) {
        ({ history, bestEpoch, bestValLoss } = restored.state);
        best = restored.best;
        resumedEpochs = history.length;
      }
    }

    for (let epoch = history.length; epoch < preset.epochs; epoch++) {
      throwIfAborted(o.signal);
      const started = performance.now();
      optimizerLr.learningRate = learningRateAt(preset, epoch);
      const order = createRng(o.seed + epoch).shuffle([...o.trainIdx]);
      let lossSum = 0;
      let weightSum = 0;
      for (let b = 0; b < nBatches; b++) {
        throwIfAborted(o.signal);
        const idx = order.slice(b * preset.batchSize, (b + 1) * preset.batchSize);
        const batchWeight = idx.reduce((a, i) => a + classWeights[ds.y[i]], 0);
        // With augmentation the batch is a fresh copy of its segments (labels unchanged).
        const batch = preset.augment
          ? augmentedBatch(ds, idx, preset.augment, o.seed, epoch, o.leadPools)
          : null;
        const loss = tf.tidy(() => {
          const x = batch
            ? datasetToTensor(
                batch,
                idx.map((_, j) => j),
              )
            : datasetToTensor(ds, idx);
          const y = datasetLabels(ds, idx);
          return optimizer.minimize(
            () => {
              const out = model.forward(x, true);
              const nll = weightedNllLoss(out.logits, y, classWeights);
              if (!out.attention) return nll;
              let total: tf.Scalar = nll;
              if (penaltyWeight > 0) {
                const penalty = attentionPenalty(out.attention, preset.attentionPenaltyKind);
                total = tf.add(total, tf.mul(penalty, penaltyWeight));
              }
              // Deletion game (joint only): the classifier on (1 − Â) ⊙ D should know nothing.
              // BN runs in inference mode (moving averages, not updated) so the complement
              // batches do not corrupt the statistics the real inputs are normalised with.
              if (
                complementWeight > 0 &&
                model.forwardClassifier &&
                model.config?.method === 'joint'
              ) {
                const logp = model.forwardClassifier(complementInput(x, out.attention), false);
                total = tf.add(total, tf.mul(complementPenalty(logp), complementWeight));
              }
              return total;
            },
            true,
            vars,
          )!;
        });
        const lossValue = (await loss.data())[0];
        loss.dispose();
        if (!Number.isFinite(lossValue)) {
          throw new BeatlensError(
            'train-diverged',
            `training loss became ${lossValue} at epoch ${epoch + 1} batch ${b + 1}; lower the learning rate`,
          );
        }
        lossSum += lossValue * batchWeight;
        weightSum += batchWeight;
        const secondsPerStep = (performance.now() - started) / 1000 / (b + 1);
        const stepsLeft = nBatches - b - 1 + (preset.epochs - epoch - 1) * nBatches;
        o.onProgress?.({
          fold,
          epoch,
          epochs: preset.epochs,
          batch: b,
          batches: nBatches,
          loss: lossSum / weightSum,
          etaSeconds: secondsPerStep * stepsLeft,
          kind: 'batch',
        });
        await yieldToEventLoop();
      }
      const val =
        valIdx.length > 0
          ? await evaluateLoss(model, ds, valIdx, preset.batchSize, classWeights)
          : { loss: Number.NaN, accuracy: Number.NaN };
      const record: EpochRecord = {
        epoch,
        learningRate: optimizerLr.learningRate,
        trainLoss: lossSum / weightSum,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(record);
      if (preset.select === 'best-val-loss' && val.loss < bestValLoss) {
        bestValLoss = val.loss;
        bestEpoch = epoch;
        tf.dispose(best ?? []);
        best = model.namedWeights().map((w) => w.variable.clone());
      }
      if (o.checkpointDir) {
        await saveCheckpoint(o.checkpointDir, model, optimizer, best, {
          history,
          bestEpoch,
          bestValLoss,
          fingerprint,
        });
      }
      o.onProgress?.({
        fold,
        epoch,
        epochs: preset.epochs,
        batch: nBatches,
        batches: nBatches,
        loss: record.trainLoss,
        etaSeconds: record.seconds * (preset.epochs - epoch - 1),
        kind: 'epoch',
        valLoss: val.loss,
        valAccuracy: val.accuracy,
      });
    }
    let selectedEpoch = history.length - 1;
    if (preset.select === 'best-val-loss' && best && bestEpoch >= 0) {
      const weights = model.namedWeights();
      weights.forEach((w, i) => w.variable.assign(best![i]));
      selectedEpoch = bestEpoch;
    }
    return {
      epochs: history,
      selectedEpoch,
      select: preset.select,
      classWeights,
      resumedEpochs,
      nTrain: o.trainIdx.length,
      nVal: valIdx.length,
    };
  } finally {
    tf.dispose(best ?? []);
    optimizer.dispose();
  }
}

/** Weighted NLL (same weights as training) and accuracy over `idx`, in inference mode. */
export async function evaluateLoss(
  model: TrainableModel,
  ds: SegmentDataset,
  idx: number[],
  batchSize: number,
  classWeights: number[],
): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let weightSum = 0;
  let correct = 0;
  for (let b = 0; b < idx.length; b += batchSize) {
    const part = idx.slice(b, b + batchSize);
    const [loss, pred] = tf.tidy(() => {
      const x = datasetToTensor(ds, part);
      const y = datasetLabels(ds, part);
      const { logits } = model.forward(x, false);
      return [weightedNllLoss(logits, y, classWeights), logits.argMax(1)];
    });
    const [l, p] = await Promise.all([loss.data(), pred.data()]);
    tf.dispose([loss, pred]);
    const w = part.reduce((a, i) => a + classWeights[ds.y[i]], 0);
    lossSum += l[0] * w;
    weightSum += w;
    part.forEach((i, j) => {
      if (p[j] === ds.y[i]) correct++;
    });
  }
  return { loss: lossSum / weightSum, accuracy: correct / idx.length };
}

export interface Predictions {
  /** (n × nClasses) row-major class probabilities. */
  probs: Float32Array;
  /** Per segment, its attention map (nSamples values) or null for the classifier-only method. */
  attention: Float32Array[] | null;
}

/** Class probabilities (and attention maps) of `idx` in inference mode. */
export async function predictIndices(
  model: Pick<BeatlensModel, 'forward'>,
  ds: SegmentDataset,
  idx: number[],
  batchSize: number,
): Promise<Predictions> {
  const nClasses = ds.classes.length;
  const probs = new Float32Array(idx.length * nClasses);
  let attention: Float32Array[] | null = [];
  for (let b = 0; b < idx.length; b += batchSize) {
    const part = idx.slice(b, b + batchSize);
    const out: { p: tf.Tensor; a?: tf.Tensor } = tf.tidy(() => {
      const o = model.forward(datasetToTensor(ds, part), false);
      const p = tf.exp(o.logits);
      return o.attention ? { p, a: o.attention } : { p };
    });
    const { p, a } = out;
    probs.set(await p.data(), b * nClasses);
    if (a && attention) {
      const values = await a.data();
      for (let j = 0; j < part.length; j++) {
        attention.push(Float32Array.from(values.subarray(j * ds.nSamples, (j + 1) * ds.nSamples)));
      }
    } else attention = null;
    tf.dispose([p, ...(a ? [a] : [])]);
  }
  return { probs, attention: attention && attention.length ? attention : null };
}

async function saveCheckpoint(
  dir: string,
  model: TrainableModel,
  optimizer: tf.AdamOptimizer,
  best: tf.Tensor[] | null,
  state: CheckpointState,
): Promise<void> {
  const weights = model.namedWeights();
  const optState = await optimizer.getWeights();
  const tensors = [
    ...weights.map((w) => ({ name: `model/${w.name}`, tensor: w.variable as tf.Tensor })),
    ...optState.map((t, i) => ({ name: `optimizer/${i}`, tensor: t.tensor })),
    ...(best ?? []).map((t, i) => ({ name: `best/${weights[i].name}`, tensor: t })),
  ];
  await writeCheckpoint(dir, state.history.length, state, tensors);
  tf.dispose(optState[0].tensor); // the step counter scalar is created by getWeights
}

async function restoreCheckpoint(
  dir: string,
  model: TrainableModel,
  optimizer: tf.AdamOptimizer,
  fingerprint: string,
): Promise<{ state: CheckpointState; best: tf.Tensor[] | null } | null> {
  const ck = readCheckpoint<CheckpointState>(dir);
  if (!ck) return null;
  const { file, tensors } = ck;
  try {
    if (file.state.fingerprint !== fingerprint) {
      // A checkpoint from different settings must not leak into this run: start afresh.
      rmSync(dir, { recursive: true, force: true });
      return null;
    }
    const weights = model.namedWeights();
    for (const w of weights) {
      const t = tensors.get(`model/${w.name}`);
      if (!t || t.shape.join() !== w.variable.shape.join()) {
        throw new BeatlensError(
          'checkpoint-mismatch',
          `checkpoint in ${dir} has no weight '${w.name}' of shape [${w.variable.shape}]`,
        );
      }
      w.variable.assign(t);
    }
    const opt: Parameters<tf.AdamOptimizer['setWeights']>[0] = [];
    for (let i = 0; tensors.has(`optimizer/${i}`); i++) {
      opt.push({ name: `optimizer/${i}`, tensor: tensors.get(`optimizer/${i}`)! });
    }
    if (opt.length > 1) await optimizer.setWeights(opt);
    const best = tensors.has(`best/${weights[0].name}`)
      ? weights.map((w) => tensors.get(`best/${w.name}`)!.clone())
      : null;
    return { state: file.state, best };
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
