/**
 * Rhythm episodes on all 48 MIT-BIH records against their rhythm annotations (EC57 / epicmp
 * episode comparison, AF burden, pauses): each record's R peaks from the annotations and from
 * beatlens's QRS detector (the inference path's `detectBeats`), its beat labels from the shipped
 * model (inferRecord), then `evaluateRhythmRecord`. The AF thresholds were chosen on DS1; DS2
 * is reported apart and never tuned on.
 *
 *   npm run reproduce:rhythm                       # writes docs/results/rhythm/
 *   npm run reproduce:rhythm -- --out DIR --data-dir ../shared/data/mitdb
 *
 * Writes <out>/{annotated,detected}.csv (one row per record), <out>/{annotated,detected}-episodes.csv
 * (every detected AF/flutter episode and pause ≥ 3 s) and <out>/README.md (tables, commit, command).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluateRhythmRecord, type RhythmRecordResult } from '../src-main/evaluate/episodes';
import {
  rhythmEpisodesCsv,
  rhythmRecordsCsv,
  rhythmResultsReadme,
} from '../src-main/experiments/rhythm-results';
import { sequenceStarts } from '../src-main/ecg/rhythm-episodes';
import { loadRecordFile } from '../src-main/ecg/import/load';
import { readWfdbAnnotations } from '../src-main/ecg/wfdb/annotations';
import { inferRecord } from '../src-main/infer/infer-record';
import { loadModelAsset } from '../src-main/infer/models';
import { initBackend } from '../src-main/model/backend';
import { dataRoot } from '../src-main/paths';
import { codeVersion } from '../src-main/train/code-version';
import { writeFileAtomic } from '../src-main/train/run-info';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = resolve(import.meta.dirname, '..');
const out = resolve(arg('out') ?? join(root, 'docs', 'results', 'rhythm'));
const mitdb = resolve(arg('data-dir') ?? join(dataRoot(), 'mitdb'));

async function main(): Promise<void> {
  await initBackend('auto');
  const { model, info, name } = await loadModelAsset(arg('model'));
  const started = Date.now();
  const records = readdirSync(mitdb)
    .filter((f) => f.endsWith('.atr'))
    .map((f) => f.slice(0, -4))
    .sort();
  const results: Record<'annotated' | 'detected', RhythmRecordResult[]> = {
    annotated: [],
    detected: [],
  };
  for (const rec of records) {
    const { record, beats } = loadRecordFile(join(mitdb, `${rec}.hea`));
    const annotations = readWfdbAnnotations(join(mitdb, `${rec}.hea`));
    for (const mode of ['annotated', 'detected'] as const) {
      const inf = await inferRecord(model, record, {
        beats: mode === 'annotated' ? beats : null,
        info,
      });
      const samples = inf.beats.map((b) => b.sample);
      const r = evaluateRhythmRecord({
        recordId: rec,
        fs: record.fs,
        nSamples: record.nSamples,
        samples,
        labels: inf.beats.map((b) => b.label),
        runStarts: sequenceStarts(samples, inf.excluded),
        annotations,
      });
      results[mode].push(r);
      process.stderr.write(
        `${mode} ${rec}: AF ${r.afEpisodes.length} episodes, burden ${r.detectedBurdenPercent.toFixed(1)} % (ref ${r.refBurdenPercent.toFixed(1)} %), pauses >= 3 s ${r.pauses.length} (ref ${r.refPauses})\n`,
      );
    }
  }
  model.dispose();
  for (const mode of ['annotated', 'detected'] as const) {
    writeFileAtomic(join(out, `${mode}.csv`), rhythmRecordsCsv(results[mode]));
    writeFileAtomic(join(out, `${mode}-episodes.csv`), rhythmEpisodesCsv(results[mode]));
  }
  const code = codeVersion();
  const command = `npm run reproduce:rhythm${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const readme = rhythmResultsReadme(results, {
    command,
    commit: `${code.commit ?? 'n/a'}${code.dirty ? ' (with uncommitted changes)' : ''}`,
    model: name,
    seconds: (Date.now() - started) / 1000,
    notes: existsSync(join(out, 'notes.md'))
      ? readFileSync(join(out, 'notes.md'), 'utf8')
      : undefined,
  });
  writeFileAtomic(join(out, 'README.md'), readme);
  process.stdout.write(readme);
  process.stderr.write(`wrote ${out}\n`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
