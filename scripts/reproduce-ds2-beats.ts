/**
 * Beat-by-beat results on MIT-BIH DS2 (de Chazal's test records, never seen in training) for a
 * model: every DS2 record scanned with the annotated R peaks and with beatlens's own detector
 * (`--detect`), one beats CSV per record, then the bxb-style comparison (ANSI/AAMI EC57: 150 ms
 * window, first 5 min excluded) against the reference annotations.
 *
 *   npm run reproduce:ds2-beats                         # the shipped model
 *   npm run reproduce:ds2-beats -- --model runs/x/model --out docs/results/mitdb/ds2-beats-x
 *
 * Writes <out>/{annotated,detected}/<record>.csv, <out>/{annotated,detected}.{txt,csv,json} and
 * <out>/README.md (both tables, the model, the commit and the command).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatBxbTable, bxbSummaryCsv, bxbSummaryJson } from '../src-main/evaluate/bxb-report';
import { summariseRecords } from '../src-main/evaluate/bxb';
import { evaluateBeatFiles } from '../src-main/evaluate/bxb-files';
import { scanBeatsCsv, scanRecord } from '../src-main/evaluate/scan';
import { loadRecordFile } from '../src-main/ecg/import/load';
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
const out = resolve(arg('out') ?? join(root, 'docs', 'results', 'mitdb', 'ds2-beats'));
const mitdb = resolve(arg('data-dir') ?? join(dataRoot(), 'mitdb'));

async function main(): Promise<void> {
  await initBackend((arg('backend') as 'auto' | 'wasm') ?? 'auto');
  const { model, info, name, dir } = await loadModelAsset(arg('model'));
  const started = Date.now();
  const sections: string[] = [];
  for (const mode of ['annotated', 'detected'] as const) {
    const folder = join(out, mode);
    mkdirSync(folder, { recursive: true });
    const results = [];
    for (const rec of DS2_RECORDS) {
      const { record, beats } = loadRecordFile(join(mitdb, `${rec}.hea`));
      const t0 = Date.now();
      const r = await scanRecord(model, record, mode === 'annotated' ? beats : null, { info });
      const csv = join(folder, `${rec}.csv`);
      writeFileAtomic(csv, scanBeatsCsv(r, record.fs, model.config.classes));
      const res = evaluateBeatFiles(csv, join(mitdb, `${rec}.atr`));
      results.push(res);
      process.stderr.write(
        `${mode} ${rec}: ${r.beats.length} beats, V ${r.beats.filter((b) => b.label === 'V').length} in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
          `VEB Se ${fmt(res.statistics.vebSensitivity.value)} +P ${fmt(res.statistics.vebPositivePredictivity.value)}\n`,
      );
    }
    const summary = summariseRecords(results);
    const table = formatBxbTable(summary);
    writeFileAtomic(join(out, `${mode}.txt`), `${table}\n`);
    writeFileAtomic(join(out, `${mode}.csv`), bxbSummaryCsv(summary));
    writeJsonAtomic(
      join(out, `${mode}.json`),
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
    sections.push(
      `## ${mode === 'annotated' ? 'Reference R peaks (annotations)' : 'beatlens R peaks (--detect)'}\n\n\`\`\`\n${table}\n\`\`\`\n`,
    );
  }
  const code = codeVersion();
  const readme = [
    '# MIT-BIH DS2, beat by beat',
    '',
    `Model: **${name}** (\`${dir.replace(root + '/', '')}\`), classes ${model.config.classes.join('/')}, ${model.config.method}, ${model.config.nLeads} leads at ${model.config.fs} Hz; beat rule (src-main/infer/beat-rule.ts): threshold τ = ${info.beatThreshold ?? 0.5}, QRS correlation bound ρ = ${info.maxCorrelation ?? 'none'}, prematurity bound p = ${info.maxPrematurity ?? 'none'}, pause bound c = ${info.minCompensation ?? 'none'}.`,
    `Made by \`npm run reproduce:ds2-beats${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` at commit ${code.commit ?? 'n/a'}${code.dirty ? ' (with uncommitted changes)' : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    'Per record: one beats CSV per mode (`sample` at 360 Hz, `label` N/S/V, the beat score, the segment',
    'class and probabilities, RR intervals and their ratios to the local RR, the morphology cluster,',
    "the reference symbol); compared with `beatlens evaluate-beats` (bxb's rules:",
    '150 ms window, the first 5 min excluded, paced records not in DS2). Se = sensitivity, +P = positive',
    'predictivity, FPR = false positive rate, all in %.',
    '',
    ...sections,
  ].join('\n');
  writeFileAtomic(join(out, 'README.md'), readme);
  model.dispose();
  process.stderr.write(`wrote ${out}\n`);
}

const fmt = (v: number | null | undefined): string =>
  v === null || v === undefined ? 'n/a' : (100 * v).toFixed(1);

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
