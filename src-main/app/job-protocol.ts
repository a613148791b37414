/**
 * Messages between the main process and the long-work worker thread (training, cross-validation,
 * whole-record scans). Plain structured-clone data only.
 */
import type { EcgRecord, Beat } from '../ecg/types';
import type { TrainFold, TrainProgress } from '../ipc/contract';

export interface TrainJobRequest {
  kind: 'train';
  /** Run folder: per-fold checkpoints and results live here, so a cancelled run can resume. */
  runDir: string;
  method: 'joint' | 'classifier' | 'cascaded';
  pooling: 'l2' | 'max';
  kernelSamples: number;
  protocol: 'holdout' | 'cv5';
  preset: 'tiny' | 'fast' | 'paper';
  seed: number;
  /** Optional epoch override (short demo runs, tests). */
  epochs?: number;
  /**
   * Which segments: the demo study's stored segments, or H6's named 'store' / 'mitdb'. 'demo'
   * and 'store' are read from the store with their ids.
   */
  source: 'demo' | 'store' | 'mitdb';
  /** The store file for sources 'demo' and 'store'. */
  storePath: string;
  modelWidth: number;
}

export interface ScanJobRequest {
  kind: 'scan';
  modelDir: string;
  record: EcgRecord;
  beats: Beat[] | null;
  minProbability: number;
}

export type JobRequest = TrainJobRequest | ScanJobRequest;

/** Training messages are the renderer's events without the job id (main adds it). */
export type WorkerMessage =
  | TrainProgress
  | TrainFold
  | { type: 'train-done'; modelDir: string; note: string }
  | { type: 'scan-progress'; done: number; total: number }
  | {
      type: 'scan-done';
      flagged: Array<{
        sample: number;
        score: number;
        segmentLabel: string;
        segmentProbability: number;
      }>;
      note: string;
    }
  | { type: 'error'; code: string; message: string };

export type MainMessage = { type: 'cancel' };
