/**
 * Does the scan hold on records from other databases and sampling rates than MIT-BIH (360 Hz,
 * 2-lead Holter)? Scans every 12-lead 500 Hz record of LUDB (200) and of the CinC 2021 sample
 * (50) with a model and beatlens's own R peaks, and scores what can be scored without beat
 * labels (neither database labels beat types; both say in each record's diagnoses whether
 * premature ventricular beats are present):
 * - per record: the beats, the V and S beats called, whether the diagnosis names PVCs;
 * - record level: PVC records with at least one V beat (sensitivity), PVC-free records with none
 *   (specificity);
 * - beat level: V beats called per 1000 beats in PVC-free records — each of them is false.
 * Records with ventricular pacing are left out (paced beats are not PVCs, and EC57 leaves paced
 * records out too).
 *
 *   npx tsx scripts/cross-database.ts [--model DIR] [--out docs/results/cross-database]
 *
 * Writes <out>/<database>.csv (one row per record) and <out>/README.md.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatCsv } from '../src-main/csv';
import { loadRecordFile } from '../src-main/ecg/import/load';
import { compareBeats, summariseRecords, recordResult } from '../src-main/evaluate/bxb';
import { scanRecord } from '../src-main/evaluate/scan';
import { readBeats } from '../src-main/ecg/wfdb/annotations';
import { loadModelAsset } from '../src-main/infer/models';
import { initBackend } from '../src-main/model/backend';
import { dataRoot } from '../src-main/paths';
import { codeVersion } from '../src-main/train/code-version';
import { writeFileAtomic } from '../src-main/train/run-info';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Item {
  record: string;
  header: string;
  /** The diagnosis names premature ventricular beats. */
  pvc: boolean;
  /** Left out (ventricular pacing). */
  excluded: string | null;
  /** Reference QRS marks (LUDB: the cardiologists' QRS peaks in lead II), when there are any. */
  qrs: (() => number[]) | null;
}

/** LUDB: diagnoses in the header comments. */
function ludbItems(dir: string): Item[] {
  return Array.from({ length: 200 }, (_, i) => {
    const header = join(dir, 'data', `${i + 1}.hea`);
    const text = readFileSync(header, 'utf8');
    return {
      record: String(i + 1),
      header,
      pvc: /ventricular extrasystole/i.test(text),
      excluded: /ventricular pacing/i.test(text) ? 'ventricular pacing' : null,
      qrs: () => readBeats(join(dir, 'data', String(i + 1)), 'ii').map((b) => b.sample),
    };
  });
}

/** CinC 2021 sample: labels.csv (derived from the headers' SNOMED codes) has a PVC column. */
function cincItems(dir: string): Item[] {
  const lines = readFileSync(join(dir, 'labels.csv'), 'utf8').trim().split('\n');
  return lines.slice(1).map((line) => {
    const record = line.split(',')[0];
    const cells = line.split(',');
    const pvc = cells[cells.length - 2] === '1';
    const text = readFileSync(join(dir, `${record}.hea`), 'utf8');
    // SNOMED 10370003 pacing rhythm, 251266004 ventricular pacing pattern.
    const paced = /\b(10370003|251266004)\b/.test(text);
    return {
      record,
      header: join(dir, `${record}.hea`),
      pvc,
      excluded: paced ? 'paced' : null,
      qrs: null,
    };
  });
}

async function main(): Promise<void> {
  await initBackend((arg('backend') as 'auto' | 'wasm') ?? 'auto');
  const root = resolve(import.meta.dirname, '..');
  const out = resolve(arg('out') ?? join(root, 'docs', 'results', 'cross-database'));
  const data = resolve(arg('data-dir') ?? dataRoot());
  const { model, info, name } = await loadModelAsset(arg('model'));
  const started = Date.now();
  const databases = [
    { id: 'ludb', title: 'LUDB (12-lead, 10 s, 500 Hz)', items: ludbItems },
    { id: 'cinc2021-sample', title: 'CinC 2021 sample (12-lead, 10 s, 500 Hz)', items: cincItems },
  ].filter((d) => existsSync(join(data, d.id)));
  if (databases.length === 0) throw new Error(`${data}: neither ludb/ nor cinc2021-sample/ found`);
  mkdirSync(out, { recursive: true });
  const summary: string[] = [];
  for (const db of databases) {
    const rows: unknown[][] = [];
    const qrsResults: ReturnType<typeof recordResult>[] = [];
    const tally = { pvcRecs: 0, pvcHit: 0, cleanRecs: 0, cleanZero: 0, cleanBeats: 0, cleanV: 0 };
    let leadsUsed = '';
    let excluded = 0;
    for (const item of db.items(join(data, db.id))) {
      if (item.excluded) {
        rows.push([item.record, item.pvc ? 1 : 0, item.excluded, '', '', '', '', '', '', '']);
        excluded++;
        continue;
      }
      const { record } = loadRecordFile(item.header);
      const r = await scanRecord(model, record, null, { info });
      const v = r.beats.filter((b) => b.label === 'V').length;
      const s = r.beats.filter((b) => b.label === 'S').length;
      leadsUsed ||= `${record.leadNames.length} leads, ${record.fs} Hz; used: ${r.warnings.some((w) => w.includes('by position')) ? 'by position' : 'by name'}`;
      let qrs: [number | null, number | null] = [null, null];
      if (item.qrs) {
        // QRS detection against the reference marks (bxb's 150 ms window, from the first sample).
        const ref = item.qrs().map((sample) => ({ sample, label: 'N' as const }));
        // LUDB leaves the first and the last beat of a record unmarked: compare within the span
        // its marks cover (± the match window).
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
        item.pvc ? 1 : 0,
        '',
        record.fs,
        r.nBeats,
        v,
        s,
        qrs[0] === null ? '' : qrs[0].toFixed(4),
        qrs[1] === null ? '' : qrs[1].toFixed(4),
        r.warnings.join(' | '),
      ]);
      if (item.pvc) {
        tally.pvcRecs++;
        if (v > 0) tally.pvcHit++;
      } else {
        tally.cleanRecs++;
        if (v === 0) tally.cleanZero++;
        tally.cleanBeats += r.nBeats;
        tally.cleanV += v;
      }
    }
    writeFileAtomic(
      join(out, `${db.id}.csv`),
      formatCsv(
        [
          'record',
          'pvc_in_diagnosis',
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
    const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)} %` : 'n/a');
    let qrsCell = '—';
    if (qrsResults.length > 0) {
      const g = summariseRecords(qrsResults).gross;
      const f = (x: number | null): string => (x === null ? 'n/a' : (100 * x).toFixed(2));
      qrsCell = `${f(g.qrsSensitivity.value)} / ${f(g.qrsPositivePredictivity.value)}`;
    }
    summary.push(
      `| ${db.title} | ${tally.pvcHit} / ${tally.pvcRecs} (${pct(tally.pvcHit, tally.pvcRecs)}) | ` +
        `${tally.cleanZero} / ${tally.cleanRecs} (${pct(tally.cleanZero, tally.cleanRecs)}) | ` +
        `${tally.cleanV} in ${tally.cleanBeats} (${tally.cleanBeats ? ((1000 * tally.cleanV) / tally.cleanBeats).toFixed(1) : 'n/a'}) | ${qrsCell} | ${excluded} |`,
    );
    process.stderr.write(`${db.id}: ${rows.length} records (${leadsUsed})\n`);
  }
  const code = codeVersion();
  const readme = [
    '# Other databases and sampling rates',
    '',
    `Model: **${name}**. Made by \`npx tsx scripts/cross-database.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` at commit ${code.commit ?? 'n/a'}${code.dirty ? ' (with uncommitted changes)' : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    'Every record is scanned as a clinic would scan it: beatlens finds the R peaks, resamples 500 Hz to',
    "the model's rate and takes the leads by name (II for MLII, V1). Neither database labels beat",
    'types, so only what the diagnoses say can be scored: whether a record has premature ventricular',
    'beats. In a record whose diagnosis names none, every V beat called is false.',
    '',
    '| Database | PVC records with ≥ 1 V beat | PVC-free records with no V beat | V beats called in PVC-free records (per 1000 beats) | QRS Se / +P (%) | left out (paced) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...summary,
    '',
    "QRS Se / +P: beatlens's R peaks against LUDB's QRS marks in lead II (bxb's 150 ms window, within",
    "the span the marks cover: LUDB leaves each record's first and last beat unmarked; gross).",
    'Per record: `<database>.csv` (beats, V and S beats called, QRS Se and +P, warnings).',
    '',
  ].join('\n');
  writeFileAtomic(join(out, 'README.md'), readme);
  model.dispose();
  process.stderr.write(`wrote ${out}\n`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
