/**
 * The front door for every dataset `beatlens train` / `beatlens cv` (and the run-folder readers)
 * accept: the PVC/APB datasets of `loadNamedDataset` plus the paper's second task, PVC origin
 * (LVOT/RVOT, or LV/RV where labelled), on 12 leads at 500 Hz:
 *
 * - `origin`: the user's own labelled 12-lead records, `--dir DIR --labels CSV`
 *   (prepareOriginDataset: WFDB / CSV / EDF, resampled to 500 Hz, 5000-sample segments);
 * - `synthetic` with task `pvc-origin`: the seeded 12-lead generator (outflow-tract PVC axes);
 * - `store` with task `pvc-origin`: segments stored by `beatlens prepare origin`.
 *
 * Each is described by a string recorded in run.json (`origin(DIR; labels=CSV)`, …) from which
 * `loadTaskDataset(parseDatasetDescription(d))` rebuilds the very same data.
 */
import { resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { prepareOriginDataset } from '../ecg/prepare';
import { segmentsToDataset } from '../ecg/segments';
import { synthesizeDataset } from '../ecg/synthetic';
import type { SegmentDataset } from '../ecg/types';
import { defaultStorePath } from '../paths';
import { openStore } from '../store';
import { loadNamedDataset, parseMitdbDescription, type DatasetSpec } from './datasets';

export const ORIGIN_TASK = 'pvc-origin';

export interface TaskDatasetSpec extends DatasetSpec {
  /** origin: the labels CSV (`record,label[,patient]`). */
  labels?: string;
  /** origin: sampling frequency of CSV records. */
  csvFs?: number;
}

export interface LoadedDataset {
  data: SegmentDataset;
  description: string;
  segmentIds?: number[];
}

/** Loads any dataset by name and task (see the module comment). */
export function loadTaskDataset(spec: TaskDatasetSpec): LoadedDataset {
  if (spec.name === 'origin') {
    if (!spec.dataDir || !spec.labels) {
      throw new BeatlensError(
        'dataset-origin',
        'dataset origin needs --data-dir DIR (the 12-lead records) and --labels CSV (record,label[,patient])',
      );
    }
    if (spec.task !== ORIGIN_TASK) {
      throw new BeatlensError(
        'dataset-task',
        `dataset origin has task ${ORIGIN_TASK}, not '${spec.task}' (pass --task ${ORIGIN_TASK})`,
      );
    }
    const dir = resolve(spec.dataDir);
    const labels = resolve(spec.labels);
    const p = prepareOriginDataset(dir, labels, { csvFs: spec.csvFs });
    if (p.classes.length < 2) {
      throw new BeatlensError(
        'dataset-classes',
        `${labels}: only one origin (${p.classes.join('')}); training needs at least two classes`,
      );
    }
    const csvFs = spec.csvFs === undefined ? '' : `; csv-fs=${spec.csvFs}`;
    return {
      data: segmentsToDataset(p.segments, p.classes),
      description: `origin(${dir}; labels=${labels}${csvFs})`,
    };
  }
  if (spec.task === ORIGIN_TASK && spec.name === 'synthetic') {
    const nSegments = spec.nSegments ?? 60;
    const data = synthesizeDataset({ seed: spec.seed, nSegments, task: ORIGIN_TASK });
    return { data, description: `synthetic-origin(seed=${spec.seed}, n=${nSegments})` };
  }
  if (spec.task === ORIGIN_TASK && spec.name === 'store') {
    const path = spec.storePath ?? defaultStorePath();
    const store = openStore(path);
    try {
      // Classes: the origins present, sorted (LVOT/RVOT, or LV/RV where so labelled).
      const { ids, ...data } = store.segments.loadDataset({ task: ORIGIN_TASK });
      if (ids.length === 0) {
        throw new BeatlensError(
          'store-empty',
          `${path} has no ${ORIGIN_TASK} segments: run \`beatlens prepare origin --dir DIR --labels CSV\` first`,
        );
      }
      return { data, description: `store(${path}, task=${ORIGIN_TASK})`, segmentIds: ids };
    } finally {
      store.close();
    }
  }
  return loadNamedDataset(spec);
}

/** The spec that rebuilds a dataset from the description a run recorded. */
export function parseDatasetDescription(d: string, task: string): TaskDatasetSpec {
  let m: RegExpExecArray | null;
  if ((m = /^synthetic\(seed=(-?\d+), n=(\d+), fs=([\d.]+) Hz\)$/.exec(d))) {
    return {
      name: 'synthetic',
      task,
      seed: Number(m[1]),
      nSegments: Number(m[2]),
      fs: Number(m[3]),
    };
  }
  if ((m = /^synthetic-origin\(seed=(-?\d+), n=(\d+)\)$/.exec(d))) {
    return { name: 'synthetic', task, seed: Number(m[1]), nSegments: Number(m[2]) };
  }
  if ((m = /^origin\((.*?); labels=(.*?)(?:; csv-fs=([\d.]+))?\)$/.exec(d))) {
    return {
      name: 'origin',
      task,
      seed: 0,
      dataDir: m[1],
      labels: m[2],
      csvFs: m[3] === undefined ? undefined : Number(m[3]),
    };
  }
  const mitdb = parseMitdbDescription(d);
  if (mitdb) {
    return {
      name: 'mitdb',
      task,
      seed: 0,
      dataDir: mitdb.dir,
      records: mitdb.records,
      resampleHz: mitdb.fs,
    };
  }
  if ((m = /^store\((.*), task=(.*)\)$/.exec(d))) {
    return { name: 'store', task, seed: 0, storePath: m[1] };
  }
  throw new BeatlensError(
    'run-dataset',
    `cannot rebuild dataset '${d}' (expected synthetic(...), synthetic-origin(...), origin(...), mitdb(...) or store(...))`,
  );
}
