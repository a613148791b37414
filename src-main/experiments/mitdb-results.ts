/**
 * The MIT-BIH result tables, made from the run folders of `npm run reproduce:mitdb` and written
 * where anyone can recompute them:
 *
 *   docs/results/mitdb/<protocol>/<method>-<pooling>/summary.json
 *   docs/results/mitdb/<protocol>/<method>-<pooling>/fold-<k>/predictions.csv
 *       record,offset,label,p_<class>…      one row per test segment
 *   docs/results/mitdb/<protocol>/<method>-<pooling>/fold-<k>/beats.csv
 *       record,segment_offset,sample,symbol,score   one row per annotated beat of a test segment
 *   docs/results/mitdb/<protocol>/<method>-<pooling>/curves.svg   (per-epoch validation curves)
 *   docs/results/mitdb/README.md   (the tables) and the README's Table 1 between its markers
 *
 * `score` is the beat's localisation score as src-main/infer/beat-scores.ts defines it (mean
 * of the map over 0.3 × local RR around the R peak): the attention for joint and cascaded
 * models, gradient × input for the classifier. Offsets and samples count at the dataset's rate
 * (summary.json → sampleFs).
 *
 * A row is refused when its folds were trained by different code (fingerprint) or on different
 * data; rows of one table must share the training settings. Rows may come from different code
 * (a row added later): the tables then say which code trained which row.
 *
 * Controls beside the rows, per protocol with a joint L2 row, scored on that row's test folds
 * exactly as the maps are (and written the same way, `<protocol>/control-<name>/fold-<k>/beats.csv`):
 * the signal energy Σ_leads x² (no model), the joint attention moved later by half a beat, and
 * the rhythm: each beat's prematurity (the segment's median RR over the RR from the previous R
 * peak) from the annotated R peaks alone. A map that does not beat all three has not learnt
 * where the abnormal beat is.
 *
 * Every row and control is also scored per class (summary.json → folds[].localisationByClass,
 * mean/std `pooledAurocAPB`, `pointingGamePVC`, …): the same beat AUROC and pointing game over
 * only the test segments holding an APB ('A' beat), and over only those holding a PVC ('V'), so
 * that the easy PVCs do not hide how the APBs are localised.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatCsv } from '../csv';
import { BeatlensError } from '../errors';
import type { SegmentDataset } from '../ecg/types';
import type { Method } from '../model/types';
import { codeVersion, type CodeVersion } from '../train/code-version';
import {
  readFoldResult,
  type CvConfig,
  type FoldResult,
  type Protocol,
} from '../train/cross-validation';
import {
  classificationMetrics,
  meanStd,
  type ClassificationMetrics,
  type MeanStd,
} from '../train/metrics';
import { ecgDescription, NORMAL_PER_RECORD } from '../train/task-data';
import { writeFileAtomic, writeJsonAtomic, type RunMetadata } from '../train/run-info';
import { energyMap, halfBeatShift, prematurityMap } from '../evaluate/controls';
import { datasetOfRun, evaluateCvFolds, type FoldMaps } from '../evaluate/cv-run';
import { scoreMaps } from '../evaluate/pipeline';
import {
  summariseFolds,
  summariseSegments,
  type LocalisationSummary,
  type SegmentLocalisation,
} from '../evaluate/localisation';
import { pickExamples } from '../evaluate/ablate';
import { curvesSeriesSvg, exampleSvg } from '../evaluate/report';

/** One row of the MIT-BIH tables. `pooling` is 'none' for the classifier (it has no attention). */
export interface MitdbRow {
  protocol: Protocol;
  method: Method;
  pooling: 'l2' | 'max' | 'none';
  /** Folds of the protocol (1 for inter-patient DS1 → DS2). */
  folds: number;
  /**
   * Beyond the paper: trained with a third class of all-normal segments (task normal-apb-pvc, at
   * most NORMAL_PER_RECORD of them per record) and scored on the APB and PVC test segments of its
   * folds only, APB vs PVC by the larger of the two probabilities (see `twoWay`).
   */
  normalClass?: boolean;
  /** Beyond the paper: the rhythm input channels (`--rhythm`, src-main/ecg/rhythm-channels.ts). */
  rhythm?: boolean;
}

export { NORMAL_PER_RECORD };

/** Every row, in the order the reproduce script trains them (most important first). */
export const MITDB_ROWS: readonly MitdbRow[] = [
  { protocol: 'stratified', method: 'joint', pooling: 'l2', folds: 5 },
  { protocol: 'stratified', method: 'classifier', pooling: 'none', folds: 5 },
  { protocol: 'patient', method: 'joint', pooling: 'l2', folds: 5 },
  { protocol: 'patient', method: 'classifier', pooling: 'none', folds: 5 },
  { protocol: 'inter-patient', method: 'joint', pooling: 'l2', folds: 1 },
  { protocol: 'inter-patient', method: 'classifier', pooling: 'none', folds: 1 },
  { protocol: 'stratified', method: 'cascaded', pooling: 'l2', folds: 5 },
  { protocol: 'stratified', method: 'joint', pooling: 'max', folds: 5 },
  { protocol: 'stratified', method: 'mil', pooling: 'none', folds: 5 },
  { protocol: 'patient', method: 'mil', pooling: 'none', folds: 5 },
  { protocol: 'inter-patient', method: 'mil', pooling: 'none', folds: 1 },
  { protocol: 'stratified', method: 'mil', pooling: 'none', folds: 5, normalClass: true },
  { protocol: 'patient', method: 'mil', pooling: 'none', folds: 5, normalClass: true },
  { protocol: 'inter-patient', method: 'mil', pooling: 'none', folds: 1, normalClass: true },
  {
    protocol: 'stratified',
    method: 'mil',
    pooling: 'none',
    folds: 5,
    normalClass: true,
    rhythm: true,
  },
  { protocol: 'stratified', method: 'mil', pooling: 'none', folds: 5, rhythm: true },
  {
    protocol: 'patient',
    method: 'mil',
    pooling: 'none',
    folds: 5,
    normalClass: true,
    rhythm: true,
  },
  {
    protocol: 'inter-patient',
    method: 'mil',
    pooling: 'none',
    folds: 1,
    normalClass: true,
    rhythm: true,
  },
];

/** The training settings every row shares (the reproduce script passes them to `beatlens cv`). */
export const MITDB_SETTINGS: readonly string[] = [
  '--preset',
  'paper-fast',
  '--resample',
  '180',
  '--seed',
  '1',
];

/** The paper's PVC-vs-APB result (Table 1, joint model with L2 pooling). */
export const PAPER_TABLE1 = { accuracy: 0.988, auc: 0.993 };

export const rowName = (
  r: Pick<MitdbRow, 'method' | 'pooling' | 'normalClass' | 'rhythm'>,
): string => `${r.method}-${r.pooling}${r.normalClass ? '-normal' : ''}${r.rhythm ? '-rr' : ''}`;

/** How the tables name a row's method: 'mil', 'mil + normal class + rhythm', … */
export const methodLabel = (r: Pick<MitdbRow, 'method' | 'normalClass' | 'rhythm'>): string =>
  [r.method, ...(r.normalClass ? ['normal class'] : []), ...(r.rhythm ? ['rhythm'] : [])].join(
    ' + ',
  );

/** The `--out` folder of a row's `beatlens cv` (normal-class rows apart: their task differs). */
export function rowOutDir(runsDir: string, r: MitdbRow): string {
  return join(runsDir, r.normalClass ? `${r.protocol}-normal` : r.protocol);
}

/** The run folder `beatlens cv --out rowOutDir(…)` writes for a row. */
export function rowRunDir(runsDir: string, r: MitdbRow): string {
  const pooling = r.pooling === 'none' ? 'l2' : r.pooling;
  return join(
    rowOutDir(runsDir, r),
    `${r.method}-${pooling}${r.rhythm ? '-rr' : ''}-${r.protocol}`,
  );
}

/**
 * The `beatlens cv` arguments that train fold `fold` of a row into `rowRunDir(runsDir, r)`: its
 * method, pooling and protocol, MITDB_SETTINGS (with `seed` in place of seed 1), its task and
 * inputs, one process and one job (no store).
 */
export function rowCvArgs(runsDir: string, r: MitdbRow, fold: number, seed = 1): string[] {
  const settings = [...MITDB_SETTINGS];
  settings[settings.indexOf('--seed') + 1] = String(seed);
  return [
    'cv', 'mitdb', '--method', r.method,
    // The classifier ignores pooling; its run folder says l2 (see rowRunDir).
    '--pooling', r.pooling === 'none' ? 'l2' : r.pooling,
    '--protocol', r.protocol,
    // DS1 → DS2 is one fixed split; --folds is then ignored.
    '--folds', String(r.folds === 1 ? 5 : r.folds), '--fold', String(fold),
    ...settings,
    ...(r.normalClass
      ? ['--task', 'normal-apb-pvc', '--max-normal-per-record', String(NORMAL_PER_RECORD)]
      : []),
    ...(r.rhythm ? ['--rhythm'] : []),
    '--workers', '0', '--no-store', '--backend', 'wasm', '--out', rowOutDir(runsDir, r),
  ]; // prettier-ignore
}

/** Which map a row's beats are scored by: gradient × input for the classifier, else attention. */
export const rowMapSource = (r: Pick<MitdbRow, 'method'>): 'gradxinput' | 'attention' =>
  r.method === 'classifier' ? 'gradxinput' : 'attention';

const HEADLINE = ['accuracy', 'specificity', 'sensitivity', 'aucMacro'] as const;
const LOCALISATION = ['pooledAuroc', 'meanSegmentAuroc', 'pointingGame'] as const;
/** The per-class breakdown: each segment class and the beat symbol that makes it. */
const BEAT_CLASSES = [
  { name: 'APB', symbol: 'A' },
  { name: 'PVC', symbol: 'V' },
] as const;
type BeatClass = (typeof BEAT_CLASSES)[number]['name'];
const BY_CLASS = ['pooledAuroc', 'pointingGame'] as const;

/**
 * Localisation over the test segments holding a beat of each class (`index` into `data`,
 * `perSegment` in the same order): beats pooled as for the fold's own summary.
 */
export function localisationByClass(
  data: SegmentDataset,
  index: readonly number[],
  perSegment: readonly SegmentLocalisation[],
): Record<BeatClass, LocalisationSummary> {
  const of = (symbol: string): LocalisationSummary =>
    summariseSegments(
      perSegment.filter((_, k) => data.meta[index[k]].beats.some((b) => b.symbol === symbol)),
    );
  return Object.fromEntries(BEAT_CLASSES.map((c) => [c.name, of(c.symbol)])) as Record<
    BeatClass,
    LocalisationSummary
  >;
}

export interface FoldSummary {
  fold: number;
  nTrain: number;
  nVal: number;
  nTest: number;
  seconds: number;
  selectedEpoch: number;
  metrics: Pick<ClassificationMetrics, (typeof HEADLINE)[number] | 'confusion' | 'classes'>;
  localisation: LocalisationSummary;
  /** The same over only the segments holding an APB, and over only those holding a PVC. */
  localisationByClass: Record<BeatClass, LocalisationSummary>;
  /** Normal-class rows: the model's own (3-class) accuracy over every test segment. */
  allTestSegments?: {
    nTest: number;
    classes: string[];
    accuracy: number;
    confusion: number[][];
  };
  /** Per-epoch training loss, validation loss and accuracy (the learning curve). */
  history: Array<{ epoch: number; trainLoss: number; valLoss: number; valAccuracy: number }>;
}

export interface RowSummary {
  protocol: Protocol;
  method: Method;
  pooling: MitdbRow['pooling'];
  /** Which map `beats.csv` scores: the attention, or gradient × input for the classifier. */
  beatScore: 'attention' | 'gradxinput';
  complete: boolean;
  foldsFinished: number[];
  k: number;
  /** The command that made the run folders and the one that wrote this folder. */
  command: string;
  resultsCommand: string;
  /** The code that trained the folds and the code that wrote these files. */
  trainingCode: CodeVersion;
  resultsCode: CodeVersion;
  dataFingerprint: string;
  dataset: string;
  sampleFs: number;
  /** The classes of the metrics and predictions.csv (APB, PVC for a normal-class row). */
  classes: string[];
  /** Normal-class rows: the model's classes. */
  modelClasses?: string[];
  normalClass?: boolean;
  rhythm?: boolean;
  config: CvConfig;
  seed: number;
  backend: RunMetadata['backend'];
  versions: RunMetadata['versions'];
  folds: FoldSummary[];
  mean: Record<string, number>;
  std: Record<string, number>;
}

function fail(message: string): never {
  throw new BeatlensError('results-mixed', message);
}

/** The finished folds of a row's run folder, checked to come from one code and one data set. */
function readRow(
  runsDir: string,
  r: MitdbRow,
): { meta: RunMetadata<CvConfig>; results: FoldResult[]; runDir: string } | null {
  const runDir = rowRunDir(runsDir, r);
  const runJson = join(runDir, 'run.json');
  if (!existsSync(runJson)) return null;
  const meta = JSON.parse(readFileSync(runJson, 'utf8')) as RunMetadata<CvConfig>;
  const results: FoldResult[] = [];
  for (let f = 0; f < r.folds; f++) {
    const res = readFoldResult(runDir, f);
    if (res) results.push(res);
  }
  if (results.length === 0) return null;
  const first = results[0];
  for (const res of results) {
    if (!res.code || res.code.fingerprint !== first.code?.fingerprint) {
      fail(
        `${runDir}: fold ${res.fold} was trained by code ${res.code?.fingerprint ?? '(unrecorded)'} but fold ${first.fold} by ${first.code?.fingerprint ?? '(unrecorded)'}; rerun the row (delete the folder)`,
      );
    }
    if (res.dataFingerprint !== first.dataFingerprint) {
      fail(`${runDir}: folds ${first.fold} and ${res.fold} were trained on different data`);
    }
  }
  return { meta, results, runDir };
}

/**
 * The settings a table's rows must share (everything but method, pooling, protocol and the row's
 * own variant: its task, its cap on normal segments and its rhythm channels).
 */
function sharedSettings(c: CvConfig): string {
  const { preset, seed, kernelSamples, width } = c;
  const dataset = ecgDescription(c.dataset).replace(/; max-normal=\d+/, '');
  return JSON.stringify({ dataset, preset, seed, kernelSamples, width });
}

/** Refuses a run folder whose task or inputs are not those of its row. */
function checkVariant(runDir: string, r: MitdbRow, c: CvConfig): void {
  const task = r.normalClass ? 'normal-apb-pvc' : 'pvc-apb';
  const rhythm = ecgDescription(c.dataset) !== c.dataset;
  const cap = /; max-normal=(\d+)/.exec(c.dataset)?.[1];
  if (
    c.task !== task ||
    rhythm !== Boolean(r.rhythm) ||
    (r.normalClass && cap !== String(NORMAL_PER_RECORD))
  ) {
    fail(
      `${runDir}: trained on task ${c.task}, data ${c.dataset}; its row needs task ${task}` +
        `${r.normalClass ? ` with max-normal=${NORMAL_PER_RECORD}` : ''}${r.rhythm ? ' and rhythm channels' : ''}`,
    );
  }
}

/**
 * A normal-class row's test predictions as Table 1 reads them: the APB and PVC segments only,
 * with p(APB) and p(PVC) renormalised to sum to 1 (so the decision is the larger of the two).
 */
function twoWay(
  data: SegmentDataset,
  index: readonly number[],
  probabilities: readonly (readonly number[])[],
): { keep: number[]; classes: string[]; probabilities: number[][] } {
  const a = data.classes.indexOf('APB');
  const v = data.classes.indexOf('PVC');
  const keep: number[] = [];
  const probs: number[][] = [];
  index.forEach((i, j) => {
    const label = data.classes[data.y[i]];
    if (label !== 'APB' && label !== 'PVC') return;
    const p = probabilities[j];
    const sum = p[a] + p[v];
    keep.push(j);
    probs.push(sum > 0 ? [p[a] / sum, p[v] / sum] : [0.5, 0.5]);
  });
  return { keep, classes: ['APB', 'PVC'], probabilities: probs };
}

/** Mean and std over folds of the headline metrics (where given) and the localisation. */
function summarise(
  folds: ReadonlyArray<
    Pick<FoldSummary, 'localisation' | 'localisationByClass'> &
      Partial<Pick<FoldSummary, 'metrics'>>
  >,
): {
  mean: Record<string, number>;
  std: Record<string, number>;
} {
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  const put = (key: string, values: number[]): void => {
    const v = values.filter(Number.isFinite);
    const m: MeanStd = v.length ? meanStd(v) : { mean: NaN, std: NaN, n: 0 };
    mean[key] = m.mean;
    std[key] = v.length > 1 ? m.std : NaN; // one fold (DS1 → DS2) has no spread
  };
  if (folds.every((f) => f.metrics)) {
    for (const k of HEADLINE)
      put(
        k,
        folds.map((f) => f.metrics![k]),
      );
  }
  for (const k of LOCALISATION)
    put(
      k,
      folds.map((f) => f.localisation[k]),
    );
  const g = summariseFolds(folds.map((f) => f.localisation));
  for (const c of ['I', 'II', 'III'] as const) {
    mean[`grade${c}Percent`] = g.gradePercent[c].mean;
    std[`grade${c}Percent`] = g.gradePercent[c].std;
  }
  for (const { name } of BEAT_CLASSES) {
    for (const k of BY_CLASS)
      put(
        `${k}${name}`,
        folds.map((f) => f.localisationByClass[name][k]),
      );
  }
  return { mean, std };
}

export interface WriteMitdbResultsOptions {
  runsDir: string;
  outDir: string;
  /** README whose Table 1 (between the mitdb-table markers) is regenerated; null leaves it. */
  readme?: string | null;
  /** A doc whose localisation table (between mitdb-localisation markers) is regenerated. */
  localisationDoc?: string | null;
  /** The command line, for summary.json. */
  command?: string;
  onProgress?(message: string): void;
}

/** One fold of a row as the tables score it (see `scoreRowFolds`). */
export interface ScoredRowFold {
  /** The scored test segments: all of them, or a normal-class row's APB and PVC ones. */
  scored: FoldMaps;
  /** Every test segment of the fold. */
  all: FoldMaps;
  /** A normal-class row's APB-vs-PVC reading of `scored`; null for the other rows. */
  twoWay: ReturnType<typeof twoWay> | null;
  /** Table 1's metrics over `scored`. */
  metrics: ClassificationMetrics;
}

/**
 * Scores a row's finished folds: the map over every test segment (attention, or gradient ×
 * input for the classifier), and for a normal-class row only its APB and PVC test segments (its
 * all-normal ones hold no beat to find and are not Table 1's task), APB vs PVC by the larger of
 * the two probabilities.
 */
export async function scoreRowFolds(
  r: MitdbRow,
  runDir: string,
  data: SegmentDataset,
  results: readonly FoldResult[],
): Promise<ScoredRowFold[]> {
  const evaluated = await evaluateCvFolds(
    runDir,
    data,
    results.map((f) => f.fold),
    rowMapSource(r),
  );
  return evaluated.map((all, j) => {
    if (!r.normalClass) return { scored: all, all, twoWay: null, metrics: results[j].metrics };
    const tw = twoWay(data, all.index, all.probabilities);
    const perSegment = tw.keep.map((k) => all.perSegment[k]);
    const scored: FoldMaps = {
      fold: all.fold,
      index: tw.keep.map((k) => all.index[k]),
      probabilities: tw.keep.map((k) => all.probabilities[k]),
      maps: tw.keep.map((k) => all.maps[k]),
      perSegment,
      summary: summariseSegments(perSegment),
    };
    const metrics = classificationMetrics(
      scored.index.map((i) => tw.classes.indexOf(data.classes[data.y[i]])),
      tw.probabilities.flat(),
      tw.classes,
    );
    return { scored, all, twoWay: tw, metrics };
  });
}

/**
 * A scored fold's per-item files in `dir`: beats.csv, and predictions.csv (a normal-class row's
 * APB and PVC segments, APB vs PVC renormalised, as Table 1 reads them). Used for the rows here
 * and by the experiment scripts (kernel sweep, seed stability).
 */
export function writeRowFoldCsvs(
  dir: string,
  data: SegmentDataset,
  { scored: fm, twoWay: tw }: Pick<ScoredRowFold, 'scored' | 'twoWay'>,
): void {
  writeFileAtomic(
    join(dir, 'predictions.csv'),
    predictionsCsv(data, fm.index, tw ? tw.probabilities : fm.probabilities, tw?.classes),
  );
  writeFileAtomic(join(dir, 'beats.csv'), beatsCsv(data, fm.index, fm.perSegment));
}

/** Writes the results folder and tables from every row that has finished folds. */
export async function writeMitdbResults(o: WriteMitdbResultsOptions): Promise<RowSummary[]> {
  const rows: RowSummary[] = [];
  const controls: ControlSummary[] = [];
  const datasets = new Map<string, SegmentDataset>();
  let settings: string | null = null;
  for (const r of MITDB_ROWS) {
    const read = readRow(o.runsDir, r);
    if (!read) {
      o.onProgress?.(`${r.protocol}/${rowName(r)}: no finished fold yet`);
      continue;
    }
    const { meta, results, runDir } = read;
    checkVariant(runDir, r, meta.config);
    const s = sharedSettings(meta.config);
    if (settings !== null && s !== settings) {
      fail(`${runDir}: trained with other settings than the rows before it (${s} vs ${settings})`);
    }
    settings = s;
    let data = datasets.get(meta.config.dataset);
    if (!data) {
      o.onProgress?.(`rebuilding the data set ${meta.config.dataset}`);
      data = datasetOfRun(runDir).data;
      datasets.set(meta.config.dataset, data);
    }
    const source = rowMapSource(r);
    o.onProgress?.(`${r.protocol}/${rowName(r)}: scoring ${results.length} fold(s) (${source})`);
    const rowFolds = await scoreRowFolds(r, runDir, data, results);
    const scored = rowFolds.map((x) => x.scored);
    const dir = join(o.outDir, r.protocol, rowName(r));
    rmSync(dir, { recursive: true, force: true });
    const folds: FoldSummary[] = [];
    rowFolds.forEach(({ scored: fm, all, twoWay: tw, metrics }, j) => {
      const res = results[j];
      const d = data!;
      writeRowFoldCsvs(join(dir, `fold-${fm.fold}`), d, { scored: fm, twoWay: tw });
      if (tw) {
        writeFileAtomic(
          join(dir, `fold-${fm.fold}`, 'predictions-all.csv'),
          predictionsCsv(d, all.index, all.probabilities),
        );
      }
      folds.push({
        fold: fm.fold,
        nTrain: res.nTrain,
        nVal: res.nVal,
        nTest: fm.index.length,
        seconds: res.seconds,
        selectedEpoch: res.history.selectedEpoch,
        metrics: {
          accuracy: metrics.accuracy,
          specificity: metrics.specificity,
          sensitivity: metrics.sensitivity,
          aucMacro: metrics.aucMacro,
          confusion: metrics.confusion,
          classes: metrics.classes,
        },
        ...(tw
          ? {
              allTestSegments: {
                nTest: res.nTest,
                classes: res.metrics.classes,
                accuracy: res.metrics.accuracy,
                confusion: res.metrics.confusion,
              },
            }
          : {}),
        localisation: fm.summary,
        localisationByClass: localisationByClass(d, fm.index, fm.perSegment),
        history: res.history.epochs.map((e) => ({
          epoch: e.epoch,
          trainLoss: e.trainLoss,
          valLoss: e.valLoss,
          valAccuracy: e.valAccuracy,
        })),
      });
    });
    const row: RowSummary = {
      protocol: r.protocol,
      method: r.method,
      pooling: r.pooling,
      beatScore: source,
      complete: results.length === r.folds,
      foldsFinished: results.map((f) => f.fold),
      k: r.folds,
      command: meta.command,
      resultsCommand: o.command ?? 'writeMitdbResults',
      trainingCode: results[0].code,
      resultsCode: codeVersion(),
      dataFingerprint: results[0].dataFingerprint,
      dataset: meta.config.dataset,
      sampleFs: data.fs,
      classes: r.normalClass ? ['APB', 'PVC'] : data.classes,
      ...(r.normalClass ? { modelClasses: data.classes } : {}),
      ...(r.normalClass ? { normalClass: true } : {}),
      ...(r.rhythm ? { rhythm: true } : {}),
      config: meta.config,
      seed: meta.seed,
      backend: meta.backend,
      versions: meta.versions,
      folds,
      ...summarise(folds),
    };
    writeJsonAtomic(join(dir, 'summary.json'), row);
    writeFileAtomic(
      join(dir, 'curves.svg'),
      curvesSeriesSvg(
        `Per-epoch curves, MIT-BIH ${r.protocol}, ${rowName(r)} (one line per fold)`,
        folds.map((f) => ({ name: `fold ${f.fold}`, folds: [{ history: f.history }] })),
      ),
    );
    // Fig. 3-style examples from the first finished fold: lead 1, the map as shading, beats marked.
    const examples = pickExamples(data, scored[0], source, 2);
    examples.forEach((ex, k) =>
      writeFileAtomic(
        join(dir, `fold-${scored[0].fold}`, `example-${k + 1}.svg`),
        exampleSvg(
          ex,
          data!.fs,
          `${r.protocol}/${rowName(r)} fold ${scored[0].fold}: record ${data!.meta[ex.segmentIndex].recordId} at ${data!.meta[ex.segmentIndex].offset}, ${ex.label} segment, predicted ${ex.predicted} (p=${ex.probability})`,
        ),
      ),
    );
    rows.push(row);
    if (r.method === 'joint' && r.pooling === 'l2' && !r.normalClass && !r.rhythm) {
      controls.push(...writeControls(o.outDir, r.protocol, data, scored));
    }
  }
  if (rows.length === 0) {
    throw new BeatlensError(
      'results-empty',
      `${o.runsDir}: no finished fold of any MIT-BIH row; run \`npm run reproduce:mitdb\` first`,
    );
  }
  const tables = mitdbTablesMarkdown(rows, controls);
  writeFileAtomic(join(o.outDir, 'README.md'), resultsReadme(rows, tables));
  if (o.readme) await replaceBetweenMarkers(o.readme, 'mitdb-table', tables);
  if (o.localisationDoc) {
    await replaceBetweenMarkers(
      o.localisationDoc,
      'mitdb-localisation',
      mitdbLocalisationMarkdown(rows, controls),
    );
  }
  return rows;
}

/** The per-segment file of test predictions: record, offset, label, p_<class>… */
export function predictionsCsv(
  data: SegmentDataset,
  index: readonly number[],
  probabilities: readonly (readonly number[])[],
  classes: readonly string[] = data.classes,
): string {
  return formatCsv(
    ['record', 'offset', 'label', ...classes.map((c) => `p_${c}`)],
    index.map((i, k) => [
      data.meta[i].recordId,
      data.meta[i].offset,
      data.meta[i].label,
      ...probabilities[k].map((p) => p.toPrecision(6)),
    ]),
  );
}

/**
 * The per-beat file of scored test segments: record, segment_offset, sample, symbol, score (one
 * row per annotated beat; offsets and samples at the dataset's rate).
 */
export function beatsCsv(
  data: SegmentDataset,
  index: readonly number[],
  perSegment: ReadonlyArray<{ scores: ArrayLike<number> }>,
): string {
  const rows: unknown[][] = [];
  index.forEach((i, k) => {
    const m = data.meta[i];
    m.beats.forEach((b, bi) =>
      rows.push([
        m.recordId,
        m.offset,
        m.offset + b.position,
        b.symbol,
        perSegment[k].scores[bi].toPrecision(6),
      ]),
    );
  });
  return formatCsv(['record', 'segment_offset', 'sample', 'symbol', 'score'], rows);
}

/** A control map scored on a joint L2 row's test folds (see the module comment). */
export interface ControlSummary {
  protocol: Protocol;
  /** Folder name under the protocol: control-energy, control-joint-l2-shifted. */
  name: string;
  description: string;
  folds: Array<Pick<FoldSummary, 'fold' | 'nTest' | 'localisation' | 'localisationByClass'>>;
  mean: Record<string, number>;
  std: Record<string, number>;
}

const CONTROLS = [
  {
    name: 'control-energy',
    description: 'signal energy Σ x² (no model)',
    map: (d: SegmentDataset, i: number): Float32Array => {
      const per = d.nLeads * d.nSamples;
      return energyMap(d.x.subarray(i * per, (i + 1) * per), d.nLeads, d.nSamples);
    },
  },
  {
    name: 'control-joint-l2-shifted',
    description: 'joint L2 attention moved half a beat later',
    map: (d: SegmentDataset, i: number, attention: Float32Array): Float32Array =>
      halfBeatShift(
        attention,
        d.meta[i].beats.map((b) => b.position),
      ),
  },
  {
    name: 'control-rhythm',
    description: 'rhythm: median RR / preceding RR (no map)',
    map: (d: SegmentDataset, i: number): Float32Array =>
      prematurityMap(
        d.meta[i].beats.map((b) => b.position),
        d.nSamples,
      ),
  },
] as const;

/** Scores and writes the controls on the folds of a joint L2 row. */
function writeControls(
  outDir: string,
  protocol: Protocol,
  data: SegmentDataset,
  scored: readonly FoldMaps[],
): ControlSummary[] {
  return CONTROLS.map((c) => {
    const dir = join(outDir, protocol, c.name);
    rmSync(dir, { recursive: true, force: true });
    const folds = scored.map((fm) => {
      const maps = fm.index.map((i, k) => c.map(data, i, fm.maps[k]));
      const ev = scoreMaps(data, fm.index, maps, 'attention');
      writeFileAtomic(
        join(dir, `fold-${fm.fold}`, 'beats.csv'),
        beatsCsv(data, fm.index, ev.perSegment),
      );
      return {
        fold: fm.fold,
        nTest: fm.index.length,
        localisation: ev.summary,
        localisationByClass: localisationByClass(data, fm.index, ev.perSegment),
      };
    });
    const { mean, std } = summarise(folds);
    const summary: ControlSummary = {
      protocol,
      name: c.name,
      description: c.description,
      folds,
      mean,
      std,
    };
    writeJsonAtomic(join(dir, 'summary.json'), summary);
    return summary;
  });
}

const meanOf = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const pct = (m: number, s: number): string =>
  Number.isFinite(m)
    ? `${(100 * m).toFixed(2)} ± ${Number.isFinite(s) ? (100 * s).toFixed(2) : '—'}`
    : 'n/a';
const num = (m: number, s: number): string =>
  Number.isFinite(m) ? `${m.toFixed(3)} ± ${Number.isFinite(s) ? s.toFixed(3) : '—'}` : 'n/a';

const PROTOCOL_NAMES: Record<Protocol, string> = {
  stratified: '5-fold stratified by class (the paper’s)',
  patient: '5-fold patient-grouped',
  'inter-patient': 'DS1 → DS2 (de Chazal)',
};

/** Table 1 and the localisation table, one line per row, the paper's row beside them. */
export function mitdbTablesMarkdown(
  rows: readonly RowSummary[],
  controls: readonly ControlSummary[] = [],
): string {
  const out: string[] = [];
  const c = rows[0].config;
  const codeOf = (r: RowSummary): string =>
    `${r.trainingCode.fingerprint} (commit ${r.trainingCode.commit?.slice(0, 10) ?? 'n/a'}${r.trainingCode.dirty ? ', with uncommitted changes' : ''})`;
  const codes = [...new Set(rows.map(codeOf))];
  const trainedBy =
    codes.length === 1
      ? `trained by code ${codes[0]}`
      : `trained by code ${codes
          .map(
            (k) =>
              `${k} for ${rows
                .filter((r) => codeOf(r) === k)
                .map((r) => `${r.protocol}/${rowName(r)}`)
                .join(', ')}`,
          )
          .join('; ')}`;
  out.push(
    `MIT-BIH PVC vs APB (${rows[0].classes.join('/')}), ${c.task}, preset ${c.preset.name} (Adam ${c.preset.learningRate}, ${c.preset.epochs} epochs, batch ${c.preset.batchSize}), segments at ${rows[0].sampleFs} Hz, seed ${c.seed}; ` +
      `${trainedBy}; data ${rows[0].dataFingerprint}. ` +
      'Mean ± sample std over folds; sensitivity and specificity with PVC positive.' +
      (rows.some((r) => r.normalClass || r.rhythm)
        ? ` Beyond the paper: rows “+ normal class” trained with a third class of all-normal segments (task normal-apb-pvc, at most ${NORMAL_PER_RECORD} per record, in their own folds) and are scored on their APB and PVC test segments, APB vs PVC by the larger of the two probabilities (the model's 3-class accuracy over all its test segments is in summary.json: ${rows
            .filter((r) => r.normalClass)
            .map(
              (r) =>
                `${r.protocol} ${pct(
                  meanOf(r.folds.map((f) => f.allTestSegments?.accuracy ?? NaN)),
                  NaN,
                ).replace(' ± —', '')} %`,
            )
            .join(
              ', ',
            )}); rows “+ rhythm” had the two rhythm input channels (from the R peaks: is the beat early, does a pause follow it).`
        : ''),
  );
  out.push('');
  out.push(
    '| Protocol | Method | Pooling | Accuracy (%) | Specificity (%) | Sensitivity (%) | ROC AUC | Folds |',
  );
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const folds = r.complete ? String(r.k) : `${r.foldsFinished.length} of ${r.k}`;
    out.push(
      `| ${PROTOCOL_NAMES[r.protocol]} | ${methodLabel(r)} | ${r.pooling} | ${pct(r.mean.accuracy, r.std.accuracy)} | ` +
        `${pct(r.mean.specificity, r.std.specificity)} | ${pct(r.mean.sensitivity, r.std.sensitivity)} | ` +
        `${num(r.mean.aucMacro, r.std.aucMacro)} | ${folds} |`,
    );
  }
  out.push(
    `| ${PROTOCOL_NAMES.stratified} | paper: joint | l2 | ${(100 * PAPER_TABLE1.accuracy).toFixed(1)} | — | — | ${PAPER_TABLE1.auc} | 5 |`,
  );
  out.push('');
  out.push(mitdbLocalisationMarkdown(rows, controls));
  return out.join('\n');
}

/**
 * The localisation tables: every row's map and the controls over all test segments, the paper's
 * raters beside them; then the same rows over only the APB segments and only the PVC segments.
 */
export function mitdbLocalisationMarkdown(
  rows: readonly RowSummary[],
  controls: readonly ControlSummary[] = [],
): string {
  const lines = [
    ...rows.map((r) => ({
      label: `| ${PROTOCOL_NAMES[r.protocol]} | ${methodLabel(r)} | ${r.pooling} | ${r.beatScore === 'gradxinput' ? 'gradient × input' : r.method === 'mil' ? 'class evidence' : 'attention'} |`,
      mean: r.mean,
      std: r.std,
    })),
    ...controls.map((k) => ({
      label: `| ${PROTOCOL_NAMES[k.protocol]} | control | — | ${k.description} |`,
      mean: k.mean,
      std: k.std,
    })),
  ];
  const cell = (l: (typeof lines)[number], key: string): string => num(l.mean[key], l.std[key]);
  const out: string[] = [];
  out.push(
    'Does the map point at the abnormal beat? Each annotated beat of every test segment scored by its map (attention; gradient × input for the classifier; class evidence for MIL), against the annotations:',
  );
  out.push('');
  out.push(
    '| Protocol | Method | Pooling | Map | Beat AUROC (pooled) | Beat AUROC (per segment) | Pointing game | Class I:II:III (%) |',
  );
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const l of lines) {
    const g = (k: string): string => (Number.isFinite(l.mean[k]) ? l.mean[k].toFixed(0) : 'n/a');
    out.push(
      `${l.label} ${cell(l, 'pooledAuroc')} | ${cell(l, 'meanSegmentAuroc')} | ` +
        `${cell(l, 'pointingGame')} | ${g('gradeIPercent')}:${g('gradeIIPercent')}:${g('gradeIIIPercent')} |`,
    );
  }
  out.push('| paper (human raters, by eye) | joint | l2 | attention | — | — | — | 50:27:23 |');
  out.push('');
  out.push(
    'Per class: the same beat AUROC (abnormal against normal beats, pooled) and pointing game over only the test segments holding an APB, and over only those holding a PVC:',
  );
  out.push('');
  out.push(
    `| Protocol | Method | Pooling | Map | ${BEAT_CLASSES.map((c) => `${c.name} beat AUROC | ${c.name} pointing game`).join(' | ')} |`,
  );
  out.push(`|${' --- |'.repeat(4 + 2 * BEAT_CLASSES.length)}`);
  for (const l of lines) {
    out.push(
      `${l.label} ${BEAT_CLASSES.map((c) => BY_CLASS.map((k) => cell(l, `${k}${c.name}`)).join(' | ')).join(' | ')} |`,
    );
  }
  out.push('');
  return out.join('\n');
}

function resultsReadme(rows: readonly RowSummary[], tables: string): string {
  const lines = [
    '# MIT-BIH results',
    '',
    'Made by `npm run reproduce:mitdb` (scripts/reproduce-mitdb.ts: every fold of every row below is',
    'a resumable `beatlens cv mitdb … --fold k` job, two at a time on a 2-core machine), then',
    '`beatlens results mitdb`, which wrote this folder. Per row: `summary.json` (commands, code and',
    'data fingerprints, resolved config, seed, backend, versions, per-fold metrics, mean, std),',
    '`curves.svg` (per-epoch curves of every fold) and per fold `predictions.csv` and `beats.csv`.',
    `Offsets and samples count at ${rows[0].sampleFs} Hz (the records resampled from 360 Hz).`,
    '',
    tables,
    '',
    'Rows, per-fold seconds:',
    '',
    ...rows.map(
      (r) =>
        `- ${r.protocol}/${rowName(r)}: ${r.folds.map((f) => `fold ${f.fold} ${Math.round(f.seconds)} s`).join(', ')}`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in a file. */
export async function replaceBetweenMarkers(
  file: string,
  name: string,
  text: string,
): Promise<void> {
  const src = readFileSync(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = src.indexOf(start);
  const b = src.indexOf(end);
  if (a < 0 || b < a) {
    throw new BeatlensError('readme-markers', `${file}: markers ${start} … ${end} not found`);
  }
  const next = `${src.slice(0, a + start.length)}\n\n${text.trim()}\n\n${src.slice(b)}`;
  writeFileAtomic(file, await formatMarkdown(next, file));
}

/**
 * The project's Prettier style for generated markdown (so `npm test`'s format check passes);
 * unchanged where Prettier is not installed (a packaged app).
 */
async function formatMarkdown(text: string, file: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...options, filepath: file });
  } catch {
    return text;
  }
}
