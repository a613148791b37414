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
 * `loadTaskDataset(parseDatasetDescription(d))` rebuilds the very same data. With `rhythm` any of
 * them gets the two rhythm input channels (src-main/ecg/rhythm-channels.ts), described as
 * `rhythm(<its description>)`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { MITDB_TASKS, prepareMitdb, prepareOriginDataset, type MitdbTask } from '../ecg/prepare';
import { withRhythmChannels } from '../ecg/rhythm-channels';
import { segmentsToDataset, TASK_RULES } from '../ecg/segments';
import { parseSinusDatabases, sinusSegments, type SinusDatabase } from '../ecg/sinus-records';
import { synthesizeDataset } from '../ecg/synthetic';
import type { Segment, SegmentDataset } from '../ecg/types';
import { dataRoot, defaultStorePath } from '../paths';
import { openStore } from '../store';
import {
  loadNamedDataset,
  MITDB_FS,
  MITDB_SEGMENT_SAMPLES,
  mitdbDescription,
  parseMitdbDescription,
  type DatasetSpec,
} from './datasets';
import type { LeadPools } from './augment-batch';

export const ORIGIN_TASK = 'pvc-origin';

/**
 * All-normal segments per MIT-BIH record a normal-apb-pvc training keeps (evenly spaced) where
 * beatlens picks the cap: the MIT-BIH results' normal-class rows and the app's Train screen.
 */
export const NORMAL_PER_RECORD = 60;

export interface TaskDatasetSpec extends DatasetSpec {
  /**
   * mitdb: what counts as a normal beat — 'symbol' (only N, the paper's reading; default) or
   * 'aami' (AAMI class N: N, L, R, e, j), so bundle-branch-block rhythms count as normal, as a
   * clinic's scan must treat them.
   */
  normal?: 'symbol' | 'aami';
  /** mitdb: keep at most this many NORMAL segments per record (evenly spaced), default all. */
  maxNormalPerRecord?: number;
  /** origin: the labels CSV (`record,label[,patient]`). */
  labels?: string;
  /** origin: sampling frequency of CSV records. */
  csvFs?: number;
  /** Append the rhythm input channels (early beat, pause after it; rhythm-channels.ts) to every segment. */
  rhythm?: boolean;
  /**
   * Add the training side's NORMAL segments of these 12-lead databases (src-main/ecg/sinus-records.ts,
   * from $BEATLENS_DATA/<name>), on a pair of their leads drawn with `seed`; the task needs a
   * NORMAL class. Described as `<dataset> + extra-normal(ludb, cinc2021-sample; seed=S)`.
   */
  extraNormal?: SinusDatabase[];
}

export interface LoadedDataset {
  data: SegmentDataset;
  description: string;
  segmentIds?: number[];
  /** Per segment, its record's other leads for the augmentation's pair draws (extraNormal). */
  leadPools?: LeadPools;
}

/** Loads any dataset by name and task (see the module comment). */
export function loadTaskDataset(spec: TaskDatasetSpec): LoadedDataset {
  let ecg = loadEcgDataset(spec);
  if (spec.extraNormal?.length) ecg = withExtraNormal(ecg, spec.extraNormal, spec.seed);
  return spec.rhythm ? withRhythm(ecg) : ecg;
}

/**
 * `ecg` plus the NORMAL segments of the training records of `databases` (sinus-records.ts),
 * at its rate and segment length. Its own segments have no lead pool.
 */
export function withExtraNormal(
  ecg: LoadedDataset,
  databases: SinusDatabase[],
  seed: number,
): LoadedDataset {
  const { data } = ecg;
  if (!data.classes.includes('NORMAL')) {
    throw new BeatlensError(
      'extra-normal',
      `--extra-normal needs a task with a NORMAL class (normal-apb-pvc); this one has ${data.classes.join(', ')}`,
    );
  }
  if (data.nLeads !== 2 || data.rhythmChannels) {
    throw new BeatlensError(
      'extra-normal',
      `--extra-normal adds 2-lead segments; the dataset has ${data.nLeads} input channels`,
    );
  }
  const segments: Segment[] = [];
  const pools: Array<Float32Array | undefined> = Array.from({ length: data.y.length });
  for (const db of databases) {
    const dir = join(dataRoot(), db);
    if (!existsSync(dir)) {
      throw new BeatlensError('extra-normal', `--extra-normal ${db}: folder ${dir} not found`);
    }
    const s = sinusSegments(db, dir, { fs: data.fs, nSamples: data.nSamples, seed });
    segments.push(...s.segments);
    pools.push(...s.pools);
  }
  const extra = segmentsToDataset(segments, data.classes);
  return {
    data: concatDatasets(data, extra),
    description: `${ecg.description} + extra-normal(${databases.join(', ')}; seed=${seed})`,
    leadPools: pools,
  };
}

/** Two datasets of one shape and class list, `a`'s segments first. */
function concatDatasets(a: SegmentDataset, b: SegmentDataset): SegmentDataset {
  if (b.y.length === 0) return a;
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y = new Int32Array(a.y.length + b.y.length);
  y.set(a.y);
  y.set(b.y, a.y.length);
  return { ...a, x, y, meta: [...a.meta, ...b.meta] };
}

/**
 * A loaded dataset with the rhythm input channels appended, described `rhythm(<description>)`
 * (what `ecgDescription` and `parseDatasetDescription` read back).
 */
export function withRhythm<T extends { data: SegmentDataset; description: string }>(ecg: T): T {
  return { ...ecg, data: withRhythmChannels(ecg.data), description: `rhythm(${ecg.description})` };
}

function loadEcgDataset(spec: TaskDatasetSpec): LoadedDataset {
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
  if (spec.name === 'mitdb' && (spec.normal === 'aami' || spec.maxNormalPerRecord !== undefined)) {
    return loadMitdbVariant(spec);
  }
  return loadNamedDataset(spec);
}

/** MIT-BIH with AAMI-normal beats and/or fewer NORMAL segments (see TaskDatasetSpec). */
function loadMitdbVariant(spec: TaskDatasetSpec): LoadedDataset {
  const task = spec.task as MitdbTask;
  if (!(MITDB_TASKS as string[]).includes(task)) {
    throw new BeatlensError(
      'dataset-task',
      `task '${spec.task}' is not a MIT-BIH task; use one of ${MITDB_TASKS.join(', ')}`,
    );
  }
  const dir = resolve(spec.dataDir ?? join(dataRoot(), 'mitdb'));
  if (!existsSync(dir)) {
    throw new BeatlensError(
      'mitdb-missing',
      `MIT-BIH folder ${dir} not found: run \`beatlens download mitdb\` first (or pass --data-dir DIR)`,
    );
  }
  const fs = spec.resampleHz ?? MITDB_FS;
  const prepared = prepareMitdb(dir, {
    task,
    records: spec.records,
    normal: spec.normal ?? 'symbol',
    maxSamples: Math.round((MITDB_SEGMENT_SAMPLES * fs) / MITDB_FS),
    preprocess: fs === MITDB_FS ? undefined : { fs },
  });
  const classes = TASK_RULES[task].classes;
  let segments = prepared.segments.filter((s) => classes.includes(s.label));
  const cap = spec.maxNormalPerRecord;
  if (cap !== undefined) {
    const byRecord = new Map<string, number[]>();
    segments.forEach((s, i) => {
      if (s.label === 'NORMAL') byRecord.set(s.recordId, [...(byRecord.get(s.recordId) ?? []), i]);
    });
    const drop = new Set<number>();
    for (const list of byRecord.values()) {
      if (list.length <= cap) continue;
      const keep = new Set(
        Array.from({ length: cap }, (_, k) => list[Math.floor((k * list.length) / cap)]),
      );
      for (const i of list) if (!keep.has(i)) drop.add(i);
    }
    segments = segments.filter((_, i) => !drop.has(i));
  }
  if (segments.length === 0) {
    throw new BeatlensError('mitdb-empty', `${dir}: no ${classes.join('/')} segments found`);
  }
  const extra = [
    ...(spec.normal === 'aami' ? ['normal=aami'] : []),
    ...(cap !== undefined ? [`max-normal=${cap}`] : []),
  ];
  const base = mitdbDescription(dir, fs, spec.records);
  return {
    data: segmentsToDataset(segments, classes),
    description: `${base.slice(0, -1)}; ${extra.join('; ')})`,
  };
}

/** The description of a dataset's ECG segments, without the rhythm channels' wrapper. */
export function ecgDescription(d: string): string {
  const m = /^rhythm\((.*)\)$/.exec(d);
  return m ? m[1] : d;
}

/** The spec that rebuilds a dataset from the description a run recorded. */
export function parseDatasetDescription(d: string, task: string): TaskDatasetSpec {
  let m: RegExpExecArray | null;
  if (ecgDescription(d) !== d) {
    return { ...parseDatasetDescription(ecgDescription(d), task), rhythm: true };
  }
  if ((m = /^(.*) \+ extra-normal\(([^;]*); seed=(-?\d+)\)$/.exec(d))) {
    return {
      ...parseDatasetDescription(m[1], task),
      extraNormal: parseSinusDatabases(m[2]),
      seed: Number(m[3]),
    };
  }
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
    const cap = /; max-normal=(\d+)/.exec(d);
    return {
      name: 'mitdb',
      task,
      seed: 0,
      dataDir: mitdb.dir,
      records: mitdb.records,
      resampleHz: mitdb.fs,
      ...(d.includes('; normal=aami') ? { normal: 'aami' as const } : {}),
      ...(cap ? { maxNormalPerRecord: Number(cap[1]) } : {}),
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
