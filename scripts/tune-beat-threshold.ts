/**
 * Chooses a model's beat rule (src-main/infer/beat-rule.ts) on its own training records (MIT-BIH
 * DS1 for the shipped model), never on the test records: each DS1 record is scanned once with
 * its annotated beats, then for every threshold τ, correlation bound ρ, prematurity bound p,
 * compensation bound c and rhythm-free correlation f the rule labels the beats and they are
 * compared beat by beat with the reference (bxb rules). The (τ, ρ, p, c, f) with the best gross
 * VEB F1 (harmonic mean of Se and +P) goes into the model's model.json (meta.beatThreshold,
 * meta.maxCorrelation, meta.maxPrematurity, meta.minCompensation, meta.rhythmFreeCorrelation).
 *
 *   npx tsx scripts/tune-beat-threshold.ts --model runs/default/model [--write] [--beats-dir D]
 *
 * With --cv-run DIR (a `beatlens cv mitdb --records ds1 --protocol patient` run of the same
 * training command) each DS1 record is scanned by the fold model that never saw it, so the rule
 * is chosen on out-of-fold scans, as the shipped model will meet new patients, and then written
 * into --model (trained on all of DS1).
 *
 * Prints the sweep table; without --write nothing is changed. --beats-dir keeps each record's
 * beats CSV (the scan's columns, as `beatlens scan --beats-csv` writes them).
 *
 * --presentations swapped,inverted,one-lead scans the same records again as other recorders would
 * give them (src-main/evaluate/presentations.ts; the annotated R peaks, so only the model's input
 * changes) and scores each with the chosen rule; --summary FILE writes the chosen rule and every
 * presentation's gross VEB/SVEB figures as JSON.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { f1Score, summariseRecords, type BxbSummary } from '../src-main/evaluate/bxb';
import { readBxbReference, scoreBeats, type BxbReference } from '../src-main/evaluate/bxb-files';
import {
  parsePresentations,
  presented,
  type Presentation,
} from '../src-main/evaluate/presentations';
import { scanBeatsCsv, scanRecord } from '../src-main/evaluate/scan';
import { loadRecordFile } from '../src-main/ecg/import/load';
import { labelBeats, type BeatRule } from '../src-main/infer/beat-rule';
import { loadModelAsset } from '../src-main/infer/models';
import { initBackend } from '../src-main/model/backend';
import { dataRoot } from '../src-main/paths';
import { writeFileAtomic, writeJsonAtomic } from '../src-main/train/run-info';
import { DS1_RECORDS } from '../src-main/train/splitters';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const THRESHOLDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8];
/** Largest QRS correlation with the record's dominant beat a V beat may have (1: no rule). */
const CORRELATIONS = [1, 0.95, 0.9, 0.85, 0.8];
/** Prematurity bounds p (0: no such sign) and compensation bounds c (Infinity: none). */
const PREMATURITIES = [0, 0.85, 0.9, 0.95];
const COMPENSATIONS = [Infinity, 1.1, 1.15, 1.2];
/** QRS correlations below which a V candidate needs no rhythm sign (−1: none). */
const RHYTHM_FREE = [-1, 0.4, 0.5, 0.6, 0.7];

async function main(): Promise<void> {
  await initBackend('auto');
  const mitdb = resolve(arg('data-dir') ?? join(dataRoot(), 'mitdb'));
  const { model, info, dir } = await loadModelAsset(arg('model'));
  const beatsDir = arg('beats-dir');
  // Which model scans which record: the model itself on every DS1 record, or with --cv-run each
  // fold's model on the records it did not train on (patient-grouped folds over DS1).
  const cvRun = arg('cv-run');
  const jobs: Array<{ modelDir: string | null; records: string[] }> = cvRun
    ? foldsOf(resolve(cvRun))
    : [{ modelDir: null, records: [...DS1_RECORDS] }];
  const presentations = parsePresentations(arg('presentations') ?? '');
  for (const how of presentations) {
    if (how === '128hz' || how === '250hz') {
      throw new Error(
        `--presentations ${how}: resampling moves the annotated R peaks; not measured here`,
      );
    }
  }
  const scans: Scan[] = [];
  const presentedScans = new Map<Presentation, Scan[]>(presentations.map((h) => [h, []]));
  for (const job of jobs) {
    const asset = job.modelDir ? await loadModelAsset(job.modelDir) : { model, info };
    for (const rec of job.records) {
      const { record, beats } = loadRecordFile(join(mitdb, `${rec}.hea`));
      const ref = readBxbReference(join(mitdb, `${rec}.atr`));
      for (const how of [null, ...presentations]) {
        const r = await scanRecord(asset.model, how ? presented(record, how) : record, beats, {
          info: asset.info,
          thresholdFraction: 1,
        });
        const scan = { rec, r, ref, fs: record.fs, classes: asset.model.config.classes };
        if (how) presentedScans.get(how)?.push(scan);
        else scans.push(scan);
      }
      process.stderr.write(`scanned ${rec}${job.modelDir ? ` with ${job.modelDir}` : ''}\n`);
    }
    if (job.modelDir) asset.model.dispose();
  }
  let best = { tau: 0.5, rho: 1, p: 0, c: Infinity, f: -1, f1: -1 };
  console.log('tau  rho  p    c      f     VEB Se  VEB +P  VEB F1  SVEB Se SVEB +P');
  for (const tau of THRESHOLDS)
    for (const rho of CORRELATIONS)
      for (const p of PREMATURITIES)
        for (const c of COMPENSATIONS)
          for (const f of RHYTHM_FREE) {
            // The rhythm-free bound only relaxes the rhythm rule: without one it changes nothing.
            if (f > -1 && p === 0 && !Number.isFinite(c)) continue;
            const rule = ruleOf({ tau, rho, p, c, f });
            const g = grossOf(scans, rule);
            const se = g.vebSensitivity.value ?? 0;
            const pp = g.vebPositivePredictivity.value ?? 0;
            const f1 = f1Score(se, pp);
            const pct = (v: number | null): string =>
              v === null ? '  n/a ' : (100 * v).toFixed(1).padStart(6);
            console.log(
              `${tau.toFixed(2)} ${rho.toFixed(2)} ${p.toFixed(2)} ${String(c).padEnd(6)} ${f.toFixed(2).padStart(5)} ${pct(se)}  ${pct(pp)}  ${pct(f1)}  ${pct(g.svebSensitivity.value)}  ${pct(g.svebPositivePredictivity.value)}`,
            );
            if (f1 > best.f1 + 1e-12) best = { tau, rho, p, c, f, f1 };
          }
  if (beatsDir) {
    // Each record's beats as the chosen rule labels them.
    mkdirSync(beatsDir, { recursive: true });
    for (const { rec, r, fs, classes } of scans) {
      const labels = labelBeats(
        r.beats,
        r.segmentsOf.map((s) => s.label),
        ruleOf(best),
      );
      const beats = r.beats.map((b, i) => ({ ...b, label: labels[i] }));
      writeFileAtomic(join(beatsDir, `${rec}.csv`), scanBeatsCsv({ ...r, beats }, fs, classes));
    }
  }
  console.log(
    `best on DS1: τ = ${best.tau}, ρ = ${best.rho}, p = ${best.p || 'none'}, c = ${best.c}, f = ${best.f > -1 ? best.f : 'none'} (VEB F1 ${(100 * best.f1).toFixed(2)} %)`,
  );
  const figures = (g: ReturnType<typeof grossOf>): Record<string, number | null> => {
    const se = g.vebSensitivity.value;
    const pp = g.vebPositivePredictivity.value;
    return {
      vebSe: se,
      vebPp: pp,
      vebF1: se !== null && pp !== null && se + pp > 0 ? f1Score(se, pp) : null,
      svebSe: g.svebSensitivity.value,
      svebPp: g.svebPositivePredictivity.value,
    };
  };
  const measured: Record<string, Record<string, number | null>> = {
    'as-recorded': figures(grossOf(scans, ruleOf(best))),
  };
  for (const [how, list] of presentedScans) {
    measured[how] = figures(grossOf(list, ruleOf(best)));
    const m = measured[how];
    const pct = (v: number | null): string => (v === null ? 'n/a' : (100 * v).toFixed(1));
    console.log(
      `${how}: VEB Se ${pct(m.vebSe)} / +P ${pct(m.vebPp)} (F1 ${pct(m.vebF1)}), SVEB Se ${pct(m.svebSe)} / +P ${pct(m.svebPp)} with the chosen rule`,
    );
  }
  const summaryPath = arg('summary');
  if (summaryPath) {
    writeJsonAtomic(summaryPath, {
      model: dir.replace(/.*\/(runs\/|resources\/)/, '$1'),
      cvRun: cvRun ? cvRun.replace(/.*runs\//, 'runs/') : null,
      folds: jobs.map((j) => ({
        model: j.modelDir?.replace(/.*runs\//, 'runs/') ?? null,
        records: j.records,
      })),
      rule: { tau: best.tau, rho: best.rho, p: best.p, c: best.c, f: best.f },
      criterion: 'gross VEB F1 of the annotated beats, as recorded',
      measured,
    });
  }
  if (process.argv.includes('--write')) {
    const path = join(dir, 'model.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    manifest.meta = {
      ...manifest.meta,
      beatThreshold: best.tau,
      maxCorrelation: best.rho < 1 ? best.rho : undefined,
      maxPrematurity: best.p > 0 ? best.p : undefined,
      minCompensation: Number.isFinite(best.c) ? best.c : undefined,
      rhythmFreeCorrelation: best.f > -1 ? best.f : undefined,
      beatThresholdChosenOn: `MIT-BIH DS1, annotated beats, ${cvRun ? `each record scanned by a fold model that did not train on it (${jobs.length} patient-grouped folds of ${cvRun.replace(/.*runs\//, 'runs/')})` : 'the model itself (its training records)'}: best gross VEB F1 over τ ∈ {${THRESHOLDS.join(', ')}} × ρ ∈ {${CORRELATIONS.join(', ')}} (1: none) × p ∈ {${PREMATURITIES.join(', ')}} (0: none) × c ∈ {${COMPENSATIONS.join(', ')}} × f ∈ {${RHYTHM_FREE.join(', ')}} (−1: none)`,
    };
    writeJsonAtomic(path, manifest);
    console.log(`wrote beatThreshold ${best.tau} into ${path}`);
  }
  model.dispose();
}

/** One DS1 record's scan with its reference (and the rate and classes of its beats CSV). */
interface Scan {
  rec: string;
  r: Awaited<ReturnType<typeof scanRecord>>;
  ref: BxbReference;
  fs: number;
  classes: readonly string[];
}

/** Gross bxb figures of the scans labelled by `rule`. */
function grossOf(scans: readonly Scan[], rule: BeatRule): BxbSummary['gross'] {
  const results = scans.map(({ rec, r, ref }) => {
    const labels = labelBeats(
      r.beats,
      r.segmentsOf.map((s) => s.label),
      rule,
    );
    const test = r.beats.map((b, i) => ({ sample: b.sample, label: labels[i] }));
    return scoreBeats(ref, test, {}, rec);
  });
  return summariseRecords(results).gross;
}

/** The rule of a grid point (ρ 1, p 0, c ∞, f −1: that part off). */
function ruleOf(g: { tau: number; rho: number; p: number; c: number; f: number }): BeatRule {
  return {
    beatThreshold: g.tau,
    maxCorrelation: g.rho < 1 ? g.rho : undefined,
    maxPrematurity: g.p > 0 ? g.p : undefined,
    minCompensation: Number.isFinite(g.c) ? g.c : undefined,
    rhythmFreeCorrelation: g.f > -1 ? g.f : undefined,
  };
}

/** Each fold's model and held-out records (the records of its predictions.json) in a cv run. */
function foldsOf(runDir: string): Array<{ modelDir: string; records: string[] }> {
  const run = readdirSync(runDir)
    .map((d) => join(runDir, d))
    .find((d) => existsSync(join(d, 'folds')));
  if (!run) throw new Error(`${runDir}: no cross-validation run (no */folds) in it`);
  const folds = readdirSync(join(run, 'folds')).sort();
  return folds.map((f) => {
    const dirOf = join(run, 'folds', f);
    if (!existsSync(join(dirOf, 'result.json'))) {
      throw new Error(`${dirOf}: fold ${f} has not finished (no result.json)`);
    }
    const preds = JSON.parse(readFileSync(join(dirOf, 'predictions.json'), 'utf8')) as {
      segments: Array<{ recordId: string }>;
    };
    return {
      modelDir: join(dirOf, 'model'),
      // Only DS1's records: --extra-normal adds other databases' records (ludb:1) to the folds.
      records: [...new Set(preds.segments.map((s) => s.recordId))]
        .filter((r) => (DS1_RECORDS as readonly string[]).includes(r))
        .sort(),
    };
  });
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
