/**
 * The datasets `beatlens train` / `beatlens cv` know by name: seeded synthetic PVC/APB segments
 * and MIT-BIH (prepared from its WFDB folder with the paper's segment builder).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import { synthesizeDataset } from '../ecg/synthetic';
import { prepareMitdb } from '../ecg/prepare';
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
  /** store: the SQLite store (default defaultStorePath()). */
  storePath?: string;
}

/** Class order shared by every PVC/APB dataset. */
export const PVC_APB_CLASSES = ['APB', 'PVC'];

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
  if (spec.task !== 'pvc-apb') {
    throw new BeatlensError(
      'dataset-task',
      `task '${spec.task}' is not supported here; use pvc-apb`,
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
    const prepared = prepareMitdb(dir, { maxSamples: 2000 });
    const segments = prepared.segments.filter((s) => PVC_APB_CLASSES.includes(s.label));
    if (segments.length === 0) {
      throw new BeatlensError('mitdb-empty', `${dir}: no PVC or APB segments found`);
    }
    return { data: segmentsToDataset(segments, PVC_APB_CLASSES), description: `mitdb(${dir})` };
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
