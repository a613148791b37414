/**
 * Messages between the main process and the long-work worker thread (training and
 * cross-validation, whole-record inference for the viewer and grade studies, flagged-beat
 * scans). Plain structured-clone data only.
 */
import type { AamiClass, EcgRecord, Beat } from '../ecg/types';
import type { Protocol } from '../train/cross-validation';
import type { TrainFold, TrainProgress } from '../ipc/contract';
import type { RecordMaps } from './record-maps';

export interface TrainJobRequest {
  kind: 'train';
  /** Run folder (as `beatlens cv --out`): run.json, folds/<k>/ with checkpoints, so a cancelled run resumes. */
  runDir: string;
  /** The job id the run was started under (the model's library name and provenance use it). */
  runName: string;
  /** pvc-apb (the paper's), or with a class of all-normal segments (MIT-BIH only). */
  task: 'pvc-apb' | 'normal-apb-pvc';
  /** The two rhythm input channels after the leads (`beatlens cv --rhythm`). */
  rhythm: boolean;
  method: 'mil' | 'joint' | 'classifier' | 'cascaded';
  pooling: 'l2' | 'max';
  kernelSamples: number;
  protocol: Protocol;
  /** first: fold 0 only (hold-out); all: every fold of the protocol. */
  folds: 'first' | 'all';
  preset: 'tiny' | 'fast' | 'paper';
  seed: number;
  /** Optional epoch override (short demo runs, tests). */
  epochs?: number;
  /**
   * Which segments: the demo study's stored segments, or H6's named 'store' / 'mitdb'. 'demo'
   * and 'store' are read from the store with their ids.
   */
  source: 'demo' | 'store' | 'mitdb';
  /** The store file: run rows are written there, and sources 'demo' and 'store' read from it. */
  storePath: string;
  /** The model library the trained model is saved into. */
  libraryDir: string;
  modelWidth: number;
}

/** Whole records through inferRecord (the viewer's attention and beat labels, study items). */
export interface InferJobRequest {
  kind: 'infer';
  modelDir: string;
  items: Array<{ record: EcgRecord; beats: Beat[] | null }>;
}

export interface ScanJobRequest {
  kind: 'scan';
  modelDir: string;
  record: EcgRecord;
  beats: Beat[] | null;
  minProbability: number;
}

/** One beat of a finished scan, as the review store keeps it. */
export interface ScannedBeat {
  sample: number;
  label: AamiClass;
  /** Null when the map gives the beat no score (a segment whose map is 0 everywhere). */
  score: number | null;
  correlation: number | null;
  segmentLabel: string;
  /** Probability of the segment's predicted class. */
  segmentProbability: number;
  /** The annotation symbol when the scan used the record's annotations, else null. */
  symbol: string | null;
}

export type JobRequest = TrainJobRequest | InferJobRequest | ScanJobRequest;

/** Training messages are the renderer's events without the job id (main adds it). */
export type WorkerMessage =
  | TrainProgress
  | TrainFold
  | { type: 'train-done'; modelId: string; note: string }
  | { type: 'infer-progress'; recordId: string; done: number; total: number }
  | { type: 'infer-record'; maps: RecordMaps }
  | { type: 'infer-failed'; recordId: string; code: string; message: string }
  | { type: 'infer-done'; note: string }
  | { type: 'scan-progress'; done: number; total: number }
  | {
      type: 'scan-done';
      /** Every labelled beat of the record (the review keeps them all). */
      beats: ScannedBeat[];
      beatSource: 'annotations' | 'detector';
      /** Stretches left out as noise or lead-off, samples [start, end) (the rhythm episodes skip them). */
      excluded: Array<{ start: number; end: number }>;
      note: string;
    }
  | { type: 'error'; code: string; message: string };

export type MainMessage = { type: 'cancel' };
