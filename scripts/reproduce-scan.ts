/**
 * The clinic's scan across databases, in one command: every staged database scanned as a clinic
 * scans it, each scored as far as its labels allow, train and test disjoint by patient.
 *
 * - MIT-BIH DS2 (de Chazal's test records; the models and the beat head saw DS1 only): beat by
 *   beat against the reference annotations (bxb rules), with the annotated R peaks and with
 *   beatlens's own (`--detect`), per record and gross; and (`ds2-recorders`) as other recorders
 *   would give it — leads swapped and unnamed, inverted, one lead, 128 and 250 Hz — still scored
 *   beat by beat against its annotations.
 * - LUDB and the CinC 2021 sample (12-lead, 500 Hz, other recorders and patients; never trained
 *   on, so each is a leave-one-database-out test): neither labels beat types, so what their
 *   diagnoses allow — in records whose rhythm is sinus and whose diagnoses name no extrasystole,
 *   every S or V beat called is false (per 1,000 beats); records whose diagnoses name PVCs (PACs)
 *   with at least one V (S) beat; LUDB's QRS marks against beatlens's R peaks.
 *
 * Two variants of the beat decision, from the same model: `head` (shipped: the beat head decides
 * S and adds V, resources/beat-head/head.json, fitted with DS1's beat labels) and `rule`
 * (segment labels only: S is a premature beat in a segment the model called APB, V the beat
 * rule's — the paper's idea at beat level). Both: no S inside a detected AF/flutter episode.
 *
 *   npm run reproduce:scan [-- --model NAME] [--only ds2,ds2-recorders,ludb,cinc2021-sample,rhythm] [--variants head,rule]
 *
 * `rhythm` runs scripts/reproduce-rhythm.ts (AF/flutter episodes, pauses: docs/results/rhythm/).
 *
 * Writes docs/results/scan/: ds2/<variant>/<mode>/<record>.csv (beats), ds2/<variant>/<mode>.txt
 * and .json (bxb tables), <database>-<variant>.csv (one row per record), README.md (one table,
 * the commit, the command).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatCsv } from '../src-main/csv';
import { loadRecordFile } from '../src-main/ecg/import/load';
import type { EcgRecord } from '../src-main/ecg/types';
import {
  recordDiagnoses,
  sinusRecordSplit,
  type RecordDiagnosis,
  type SinusDatabase,
} from '../src-main/ecg/sinus-records';
import { readModelManifest } from '../src-main/model/weights';
import { readBeats } from '../src-main/ecg/wfdb/annotations';
import {
  compareBeats,
  recordResult,
  summariseRecords,
  type BxbSummary,
} from '../src-main/evaluate/bxb';
import { evaluateBeatFiles } from '../src-main/evaluate/bxb-files';
import { PRESENTATIONS, presented, type Presentation } from '../src-main/evaluate/presentations';
import { bxbSummaryJson, formatBxbTable } from '../src-main/evaluate/bxb-report';
import { scanBeatsCsv, scanRecord } from '../src-main/evaluate/scan';
import { loadModelAsset } from '../src-main/infer/models';
import { initBackend } from '../src-main/model/backend';
import { dataRoot } from '../src-main/paths';
import { codeVersion } from '../src-main/train/code-version';
import { writeFileAtomic, writeJsonAtomic } from '../src-main/train/run-info';
import { DS2_RECORDS } from '../src-main/train/splitters';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = resolve(import.meta.dirname, '..');
const out = resolve(arg('out') ?? join(root, 'docs', 'results', 'scan'));
const data = resolve(arg('data-dir') ?? dataRoot());
const only = new Set((arg('only') ?? 'ds2,ds2-recorders,ludb,cinc2021-sample,rhythm').split(','));
const VARIANTS = (arg('variants') ?? 'head,rule').split(',') as Variant[];
type Variant = 'head' | 'rule';
const VARIANT_TITLE: Record<Variant, string> = {
  head: 'beat head (beat labels of DS1)',
  rule: 'segment labels only',
};

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? 'n/a' : (100 * v).toFixed(1);

/** One row of the README's table. */
interface Row {
  where: string;
  variant: Variant;
  veb: [string, string];
  sveb: [string, string];
  falseEctopic: string;
  notes: string;
}

/**
 * How DS2 is presented to the scan: as recorded with its annotated or with beatlens's R peaks,
 * or (beatlens's R peaks) as another recorder would give it — the leads in the other order with
 * names the model does not know, both leads inverted, the second lead only, or resampled to
 * 128 or 250 Hz. Beat labels are still the reference's, so each is scored beat by beat.
 */
type Ds2Mode = 'annotated' | 'detected' | Presentation;
const RECORDER_MODES: readonly Ds2Mode[] = PRESENTATIONS;
const MODE_TITLE: Record<Ds2Mode, string> = {
  annotated: 'annotated R peaks',
  detected: "beatlens's R peaks",
  swapped: "beatlens's R peaks; leads swapped, named ECG1/ECG2",
  inverted: "beatlens's R peaks; both leads inverted",
  'one-lead': "beatlens's R peaks; second lead only",
  '128hz': "beatlens's R peaks; resampled to 128 Hz",
  '250hz': "beatlens's R peaks; resampled to 250 Hz",
};

/** The record as scanned in `mode` (src-main/evaluate/presentations.ts). */
function shownAs(record: EcgRecord, mode: Ds2Mode): EcgRecord {
  return mode === 'annotated' || mode === 'detected' ? record : presented(record, mode);
}

async function ds2(variant: Variant, model: Loaded, modes: readonly Ds2Mode[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const mode of modes) {
    const folder = join(out, 'ds2', variant, mode);
    mkdirSync(folder, { recursive: true });
    const results = [];
    for (const rec of DS2_RECORDS) {
      const { record, beats } = loadRecordFile(join(data, 'mitdb', `${rec}.hea`));
      const shown = shownAs(record, mode);
      const r = await scanRecord(model.model, shown, mode === 'annotated' ? beats : null, {
        info: model.info,
      });
      // Beats at the reference's rate for the comparison (the scan ran at the presented rate).
      const back = record.fs / shown.fs;
      const atRecordRate = {
        ...r,
        beats: r.beats.map((x) => ({ ...x, sample: Math.round(x.sample * back) })),
      };
      const csv = join(folder, `${rec}.csv`);
      writeFileAtomic(csv, scanBeatsCsv(atRecordRate, record.fs, model.model.config.classes));
      results.push(evaluateBeatFiles(csv, join(data, 'mitdb', `${rec}.atr`)));
      process.stderr.write(`ds2 ${variant} ${mode} ${rec}\n`);
    }
    const summary = summariseRecords(results);
    writeFileAtomic(join(out, 'ds2', variant, `${mode}.txt`), `${formatBxbTable(summary)}\n`);
    writeJsonAtomic(
      join(out, 'ds2', variant, `${mode}.json`),
      bxbSummaryJson(summary, {
        fromMinutes: 5,
        matchSeconds: 0.15,
        sources: DS2_RECORDS.map((r) => ({
          record: r,
          csv: `${mode}/${r}.csv`,
          reference: `mitdb/${r}.atr`,
        })),
      }),
    );
    rows.push(ds2Row(summary, variant, mode));
  }
  return rows;
}

function ds2Row(summary: BxbSummary, variant: Variant, mode: Ds2Mode): Row {
  const g = summary.gross;
  return {
    where: `MIT-BIH DS2, ${MODE_TITLE[mode]}`,
    variant,
    veb: [pct(g.vebSensitivity.value), pct(g.vebPositivePredictivity.value)],
    sveb: [pct(g.svebSensitivity.value), pct(g.svebPositivePredictivity.value)],
    falseEctopic: '—',
    notes: `[per record](ds2/${variant}/${mode}.txt)`,
  };
}

/** A record of a database without beat types (its diagnoses: sinus-records.ts) and its QRS marks. */
interface Item extends RecordDiagnosis {
  qrs: (() => number[]) | null;
}

/** LUDB: ludb.csv's diagnoses; the lead-II QRS marks. */
function ludbItems(dir: string): Item[] {
  return recordDiagnoses('ludb', dir).map((d) => ({
    ...d,
    qrs: () => readBeats(join(dir, 'data', d.record), 'ii').map((b) => b.sample),
  }));
}

/** CinC 2021 sample: labels.csv's diagnoses; no QRS marks. */
function cincItems(dir: string): Item[] {
  return recordDiagnoses('cinc2021-sample', dir).map((d) => ({ ...d, qrs: null }));
}

async function otherDatabase(
  id: string,
  title: string,
  items: Item[],
  variant: Variant,
  model: Loaded,
): Promise<Row> {
  const rows: unknown[][] = [];
  const qrsResults: ReturnType<typeof recordResult>[] = [];
  const t = {
    cleanRecs: 0,
    cleanBeats: 0,
    cleanS: 0,
    cleanV: 0,
    pvc: 0,
    pvcHit: 0,
    pac: 0,
    pacHit: 0,
  };
  for (const item of items) {
    if (item.leftOut) {
      rows.push([item.record, +item.sinusClean, +item.pvc, +item.pac, item.leftOut]);
      continue;
    }
    const { record } = loadRecordFile(item.header);
    const r = await scanRecord(model.model, record, null, { info: model.info });
    const v = r.beats.filter((b) => b.label === 'V').length;
    const s = r.beats.filter((b) => b.label === 'S').length;
    let qrs: [number | null, number | null] = [null, null];
    if (item.qrs) {
      // LUDB leaves each record's first and last beat unmarked: compare within the marks' span.
      const ref = item.qrs().map((sample) => ({ sample, label: 'N' as const }));
      const w = 0.15 * record.fs;
      const [lo, hi] = ref.length ? [ref[0].sample - w, ref[ref.length - 1].sample + w] : [0, -1];
      const test = r.beats
        .filter((b) => b.sample >= lo && b.sample <= hi)
        .map((b) => ({ sample: b.sample, label: 'N' as const }));
      const res = recordResult(
        item.record,
        compareBeats(ref, test, record.fs, { fromMinutes: 0, endSample: record.nSamples }),
      );
      qrsResults.push(res);
      qrs = [res.statistics.qrsSensitivity.value, res.statistics.qrsPositivePredictivity.value];
    }
    rows.push([
      item.record,
      +item.sinusClean,
      +item.pvc,
      +item.pac,
      '',
      record.fs,
      r.beats.length,
      v,
      s,
      qrs[0] === null ? '' : qrs[0].toFixed(4),
      qrs[1] === null ? '' : qrs[1].toFixed(4),
      r.warnings.join(' | '),
    ]);
    if (item.sinusClean) {
      t.cleanRecs++;
      t.cleanBeats += r.beats.length;
      t.cleanS += s;
      t.cleanV += v;
    }
    if (item.pvc) t.pvc++;
    if (item.pvc && v > 0) t.pvcHit++;
    if (item.pac) t.pac++;
    if (item.pac && s > 0) t.pacHit++;
  }
  writeFileAtomic(
    join(out, `${id}-${variant}.csv`),
    formatCsv(
      [
        'record',
        'sinus_without_ectopy',
        'pvc_in_diagnosis',
        'pac_in_diagnosis',
        'left_out',
        'fs',
        'beats',
        'v_beats',
        's_beats',
        'qrs_se',
        'qrs_pp',
        'warnings',
      ],
      rows,
    ),
  );
  process.stderr.write(`${id} ${variant}: ${rows.length} records\n`);
  const per1000 = (n: number): string =>
    t.cleanBeats ? ((1000 * n) / t.cleanBeats).toFixed(1) : 'n/a';
  let qrsNote = '';
  if (qrsResults.length > 0) {
    const g = summariseRecords(qrsResults).gross;
    qrsNote = `; QRS Se / +P ${pct(g.qrsSensitivity.value)} / ${pct(g.qrsPositivePredictivity.value)} %`;
  }
  return {
    where: title,
    variant,
    veb: [`PVC records with a V: ${t.pvcHit} / ${t.pvc}`, '—'],
    sveb: [`PAC records with an S: ${t.pacHit} / ${t.pac}`, '—'],
    falseEctopic: `${per1000(t.cleanS + t.cleanV)} (S ${t.cleanS}, V ${t.cleanV} in ${t.cleanBeats} beats, ${t.cleanRecs} records)`,
    notes: `[per record](${id}-${variant}.csv)${qrsNote}`,
  };
}

type Loaded = Awaited<ReturnType<typeof loadModelAsset>>;

async function main(): Promise<void> {
  await initBackend((arg('backend') as 'auto' | 'wasm') ?? 'auto');
  const started = Date.now();
  const table: Row[] = [];
  let modelName = '';
  let modelDir = '';
  for (const variant of VARIANTS) {
    const loaded = await loadModelAsset(arg('model'), undefined, undefined, {
      beatHead: variant === 'head',
    });
    if (variant === 'head' && !loaded.info.beatHead) {
      throw new Error(
        'no beat head at resources/beat-head/head.json: run scripts/train-beat-head.ts',
      );
    }
    modelName = loaded.name;
    modelDir = loaded.dir;
    if (only.has('ds2')) table.push(...(await ds2(variant, loaded, ['annotated', 'detected'])));
    // Other recorders, simulated on DS2 (the shipped decision only).
    if (only.has('ds2-recorders') && variant === 'head') {
      table.push(...(await ds2(variant, loaded, RECORDER_MODES)));
    }
    const dbs = [
      { id: 'ludb', title: 'LUDB (12-lead, 10 s, 500 Hz)', items: ludbItems },
      {
        id: 'cinc2021-sample',
        title: 'CinC 2021 sample (12-lead, 10 s, 500 Hz)',
        items: cincItems,
      },
    ];
    // A model trained with --extra-normal saw the train half of these databases' sinus records:
    // it is scored on the test half only (sinusRecordSplit, the split its training used).
    const dataset = String(readModelManifest(loaded.dir).meta?.dataset ?? '');
    const sawExtra = dataset.includes('extra-normal');
    for (const db of dbs) {
      if (!only.has(db.id) || !existsSync(join(data, db.id))) continue;
      const items = db
        .items(join(data, db.id))
        .filter((i) => !sawExtra || sinusRecordSplit(db.id as SinusDatabase, i.record) === 'test');
      const title = sawExtra ? `${db.title}, test half (never trained on)` : db.title;
      table.push(await otherDatabase(db.id, title, items, variant, loaded));
    }
    loaded.model.dispose();
  }
  const code = codeVersion();
  const lines = [
    '# The scan across databases',
    '',
    `Model: **${modelName}** (\`${modelDir.replace(`${root}/`, '')}\`), with the beat decision of each row. Made by \`npm run reproduce:scan${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` at commit ${code.commit ?? 'n/a'}${code.dirty ? ' (with uncommitted changes)' : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    'Beat decisions: **beat head** (shipped) — V by the segment model and the beat rule, or by the beat head;',
    "S by the beat head (src-main/infer/beat-head.ts: RR ratios, QRS correlation with the record's dominant beat,",
    'cluster share, RR irregularity; fitted with the beat labels of MIT-BIH DS1, thresholds chosen out of fold on',
    'DS1: [docs/results/mitdb/beat-head](../mitdb/beat-head/README.md)); **segment labels only** — S is a premature',
    'beat (RR before < 0.9 × the local RR) in a segment the model called APB, V by the beat rule. Both: no S inside',
    'a detected AF or flutter episode; V labels on the dominant morphology and S on > 90 % of beats withdrawn (a',
    'warning per record). The model and the head were trained on MIT-BIH DS1 only: DS2 is other patients',
    'of the same recorder, LUDB and the CinC sample are other recorders, patients and rates',
    '(leave-one-database-out by construction).',
    '',
    '| where | beat decision | VEB Se | VEB +P | SVEB Se | SVEB +P | false S + V per 1,000 beats in sinus rhythm without ectopy | per record |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...table.map(
      (r) =>
        `| ${r.where} | ${VARIANT_TITLE[r.variant]} | ${r.veb[0]} | ${r.veb[1]} | ${r.sveb[0]} | ${r.sveb[1]} | ${r.falseEctopic} | ${r.notes} |`,
    ),
    '',
    'DS2: bxb rules (150 ms window, first 5 min excluded), gross over the 22 records. LUDB and CinC: neither',
    'labels beat types; "sinus rhythm without ectopy" are the records whose rhythm diagnosis is sinus (any rate,',
    'sinus arrhythmia) and whose diagnoses name no extrasystole or other rhythm finding, where every S or V',
    "beat called is false. LUDB's QRS: beatlens's R peaks against its lead-II QRS marks within the span they cover.",
    '',
  ];
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, 'README.md'), lines.join('\n'));
  console.log(lines.join('\n'));
  // Rhythm episodes (AF/flutter, pauses) on all of MIT-BIH: its own script, its own folder.
  if (only.has('rhythm')) {
    const model = arg('model');
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(root, 'scripts', 'reproduce-rhythm.ts'),
        ...(model ? ['--model', model] : []),
      ],
      { stdio: 'inherit' },
    );
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
