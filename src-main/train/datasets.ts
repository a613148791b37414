/**
 * The datasets `beatlens train` / `beatlens cv` know by name: seeded synthetic PVC/APB segments
 * and MIT-BIH (prepared from its WFDB folder with the paper's segment builder).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import { synthesizeDataset } from '../ecg/synthetic';
import { MITDB_TASKS, prepareMitdb, type MitdbTask } from '../ecg/prepare';
import { TASK_RULES } from '../ecg/segments';
import { segmentsToDataset } from '../ecg/segments';
import { dataRoot, defaultStorePath } from '../paths';
import { openStore } from '../store';

export type DatasetName = 'synthetic' | 'mitdb' | 'store';
export const DATASET_NAMES: DatasetName[] = ['synthetic', 'mitdb', 'store'];

export interface DatasetSpec {
  name: string;
  task: string;
  seed: number;
  /** synthetic: number of segments. */
  nSegments?: number;
  /** synthetic: sampling frequency in Hz (segment length scales: 2000 samples at 360 Hz). */
  fs?: number;
  /** mitdb: the WFDB folder; default $BEATLENS_DATA/mitdb. */
  dataDir?: string;
  /**
   * mitdb: resample to this rate (Hz) before segmenting; segments keep their duration (2000
   * samples at 360 Hz = 1000 at 180 Hz). Default: the records' own 360 Hz.
   */
  resampleHz?: number;
  /** mitdb: only these records (default all). */
  records?: string[];
  /** store: the SQLite store (default defaultStorePath()). */
  storePath?: string;
}

/** Class order shared by every PVC/APB dataset. */
export const PVC_APB_CLASSES = ['APB', 'PVC'];

/** MIT-BIH's sampling rate and the paper's segment length there. */
export const MITDB_FS = 360;
export const MITDB_SEGMENT_SAMPLES = 2000;

/**
 * How a MIT-BIH dataset is named in run.json, so `datasetOfRun` can rebuild it:
 * `mitdb(DIR)`, `mitdb(DIR; fs=180)`, `mitdb(DIR; fs=180; records=100,101)`.
 */
export function mitdbDescription(dir: string, fs: number, records?: string[]): string {
  const parts = [dir];
  if (fs !== MITDB_FS) parts.push(`fs=${fs}`);
  if (records?.length) parts.push(`records=${records.join(',')}`);
  return `mitdb(${parts.join('; ')})`;
}

/** The inverse of mitdbDescription (null when `d` is not a MIT-BIH description). */
export function parseMitdbDescription(
  d: string,
): { dir: string; fs: number; records?: string[] } | null {
  const m = /^mitdb\((.*)\)$/.exec(d);
  if (!m) return null;
  const [dir, ...opts] = m[1].split('; ');
  const out: { dir: string; fs: number; records?: string[] } = { dir, fs: MITDB_FS };
  for (const o of opts) {
    if (o.startsWith('fs=')) out.fs = Number(o.slice(3));
    else if (o.startsWith('records=')) out.records = o.slice(8).split(',');
  }
  return out;
}

/**
 * 'synthetic' and 'mitdb' build segments in memory; 'store' loads the task's segments already
 * in the store (after `beatlens prepare mitdb|synthetic`) with their ids, so a cv run can store
 * its predictions against them.
 */
export function loadNamedDataset(spec: DatasetSpec): {
  data: SegmentDataset;
  description: string;
  segmentIds?: number[];
} {
  if (spec.name !== 'mitdb' && spec.task !== 'pvc-apb') {
    throw new BeatlensError(
      'dataset-task',
      `task '${spec.task}' is not supported for dataset '${spec.name}'; use pvc-apb`,
    );
  }
  if (spec.name === 'synthetic') {
    const nSegments = spec.nSegments ?? 300;
    const fs = spec.fs ?? 360;
    const data = synthesizeDataset({ seed: spec.seed, nSegments, fs, task: 'pvc-apb' });
    return { data, description: `synthetic(seed=${spec.seed}, n=${nSegments}, fs=${fs} Hz)` };
  }
  if (spec.name === 'mitdb') {
    const dir = spec.dataDir ?? join(dataRoot(), 'mitdb');
    if (!existsSync(dir)) {
      throw new BeatlensError(
        'mitdb-missing',
        `MIT-BIH folder ${dir} not found: run \`beatlens download mitdb\` first (or pass --data-dir DIR)`,
      );
    }
    if (!(MITDB_TASKS as string[]).includes(spec.task)) {
      throw new BeatlensError(
        'dataset-task',
        `task '${spec.task}' is not a MIT-BIH task; use one of ${MITDB_TASKS.join(', ')}`,
      );
    }
    const task = spec.task as MitdbTask;
    const fs = spec.resampleHz ?? MITDB_FS;
    if (!(fs >= 90 && fs <= 1000)) {
      throw new BeatlensError('dataset-fs', `resample rate ${fs} Hz must be in 90–1000 Hz`);
    }
    const prepared = prepareMitdb(dir, {
      task,
      records: spec.records,
      maxSamples: Math.round((MITDB_SEGMENT_SAMPLES * fs) / MITDB_FS),
      preprocess: fs === MITDB_FS ? undefined : { fs },
    });
    const classes = TASK_RULES[task].classes;
    const segments = prepared.segments.filter((s) => classes.includes(s.label));
    if (segments.length === 0) {
      throw new BeatlensError('mitdb-empty', `${dir}: no ${classes.join('/')} segments found`);
    }
    return {
      data: segmentsToDataset(segments, classes),
      description: mitdbDescription(dir, fs, spec.records),
    };
  }
  if (spec.name === 'store') {
    const path = spec.storePath ?? defaultStorePath();
    const store = openStore(path);
    try {
      const { ids, ...data } = store.segments.loadDataset({ task: spec.task }, PVC_APB_CLASSES);
      if (ids.length === 0) {
        throw new BeatlensError(
          'store-empty',
          `${path} has no ${spec.task} segments: run \`beatlens prepare mitdb\` (or synthetic) first`,
        );
      }
      return { data, description: `store(${path}, task=${spec.task})`, segmentIds: ids };
    } finally {
      store.close();
    }
  }
  throw new BeatlensError(
    'dataset-unknown',
    `unknown dataset '${spec.name}': use one of ${DATASET_NAMES.join(', ')}`,
  );
}
