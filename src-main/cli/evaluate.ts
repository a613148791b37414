/**
 * Evaluation commands: `ablate` (kernel / pooling / method sweeps with localisation metrics),
 * `evaluate-localisation RUN` (beat-level scores of a stored run's attention) and `scan`
 * (flagged beats of a whole record). They parse options and call src-main/evaluate/*.
 */
import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { segmentsToDataset } from '../ecg/segments';
import { prepareMitdb } from '../ecg/prepare';
import { inputChannelsLabel } from '../ecg/rhythm-channels';
import { synthesizeDataset } from '../ecg/synthetic';
import { loadRecordFile } from '../ecg/import/load';
import { BeatlensError } from '../errors';
import { initBackend, type BackendPreference } from '../model/backend';
import { dataRoot, defaultStorePath } from '../paths';
import { openStore } from '../store';
import { getPreset } from '../train/presets';
import { SWEEPS, runAblation, type AblationResult, type SweepName } from '../evaluate/ablate';
import { evaluateCvRunDir } from '../evaluate/cv-run';
import { mitdbTablesMarkdown, writeMitdbResults } from '../experiments/mitdb-results';
import { localisationMetrics, type LocalisationSummary } from '../evaluate/localisation';
import { MAP_SOURCES, type MapSource } from '../evaluate/pipeline';
import { foldLocalisationMarkdown, writeAblationReport, writeJson } from '../evaluate/output';
import { ablationMarkdown } from '../evaluate/report';
import { detectQrs } from '../ecg/qrs';
import { matchBeats } from '../evaluate/beat-match';
import { scanBeatsCsv, scanRecord } from '../evaluate/scan';
import {
  exportModel,
  importModel,
  listModels,
  loadModelAsset,
  modelLibraryDir,
} from '../infer/models';
import { writeFileAtomic } from '../train/run-info';

/** h:mm:ss.s */
const fmtTime = (seconds: number): string => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = (seconds % 60).toFixed(1).padStart(4, '0');
  return `${h}:${String(m).padStart(2, '0')}:${s}`;
};

const say = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

function num(flag: string, value: string, opts: { min?: number; int?: boolean } = {}): number {
  const n = Number(value);
  if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || n < (opts.min ?? -Infinity)) {
    throw new BeatlensError(
      'cli-invalid',
      `${flag} '${value}' is not ${opts.int ? 'an integer' : 'a number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}`,
    );
  }
  return n;
}

interface AblateFlags {
  data: string;
  sweep: string;
  preset: string;
  segments: string;
  nSamples?: string;
  folds: string;
  seed: string;
  width: string;
  epochs?: string;
  backend: string;
  out?: string;
  dataDir?: string;
  grouped?: boolean;
  workers: string;
  runsDir?: string;
  rrFraction: string;
  threshold: string;
}

/** `--data mitdb` needs the full MIT-BIH database; say exactly which folder is missing. */
export function mitdbDir(dataDir?: string): string {
  const dir = resolve(dataDir ?? join(dataRoot(), 'mitdb'));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new BeatlensError(
      'data-missing',
      `MIT-BIH folder ${dir} not found: download it (beatlens download mitdb) or pass --data-dir / set BEATLENS_DATA`,
    );
  }
  return dir;
}

/** The command line with every option resolved (defaults included), recorded beside results. */
function resolvedCommand(name: string, flags: object): string {
  const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const parts = Object.entries(flags).map(([k, v]) =>
    v === true ? `--${kebab(k)}` : `--${kebab(k)} ${v}`,
  );
  return `beatlens ${name} ${parts.join(' ')}`;
}

export function registerEvaluateCommands(program: Command): void {
  const models = program
    .command('models')
    .description(
      'trained models: the shipped ones (default, localiser) and your library ($BEATLENS_HOME/models)',
    );
  models
    .command('list')
    .description('list the shipped models and the models in the library')
    .action(() => {
      const all = listModels();
      if (all.length === 0) say(`no models (library: ${modelLibraryDir()})`);
      for (const m of all) {
        say(
          `${m.name}${m.shipped ? ' (shipped)' : ''}\t${m.method}\t${m.classes.join('/')}\t${inputChannelsLabel(m.nLeads, m.rhythmChannels)} @ ${m.fs} Hz\t${m.savedAt.slice(0, 10)}\t${m.description}`,
        );
      }
    });
  models
    .command('import')
    .description('copy a model folder (written by train or cv) into the library')
    .argument('<dir>', 'model folder (model.json + weights.bin)')
    .requiredOption('--name <name>', 'name in the library')
    .action(async (dir: string, f: { name: string }) => {
      await initBackend('auto');
      const m = await importModel(dir, f.name);
      say(`imported ${m.name} (${m.method}, ${m.classes.join('/')}) into ${m.dir}`);
    });
  models
    .command('export')
    .description(
      "copy a model (a shipped name such as 'default', or a library name) to a new folder",
    )
    .argument('<name>', "shipped name ('default', 'localiser') or library name")
    .requiredOption('--out <dir>', 'new folder')
    .action(async (name: string, f: { out: string }) => {
      await initBackend('auto');
      say(`exported ${name} to ${await exportModel(name, f.out)}`);
    });

  program
    .command('results')
    .description(
      'write the MIT-BIH result tables (summary.json, per-fold predictions.csv and beats.csv, curves, README tables) from the run folders of `npm run reproduce:mitdb`',
    )
    .argument('<dataset>', 'mitdb')
    .option('--runs <dir>', 'the run folders', 'runs/mitdb')
    .option('--out <dir>', 'results folder', 'docs/results/mitdb')
    .option('--readme <file>', "README whose Table 1 is regenerated ('' to leave it)", 'README.md')
    .option(
      '--localisation-doc <file>',
      "doc whose MIT-BIH localisation table is regenerated ('' to leave it)",
      'docs/localisation.md',
    )
    .option('--backend <name>', 'auto|tensorflow|wasm|cpu', 'auto')
    .action(
      async (
        dataset: string,
        f: { runs: string; out: string; readme: string; localisationDoc: string; backend: string },
      ) => {
        if (dataset !== 'mitdb') {
          throw new BeatlensError(
            'cli-option',
            `results: dataset '${dataset}' is not known; use mitdb`,
          );
        }
        await initBackend(f.backend as BackendPreference);
        const rows = await writeMitdbResults({
          runsDir: resolve(f.runs),
          outDir: resolve(f.out),
          readme: f.readme ? resolve(f.readme) : null,
          localisationDoc: f.localisationDoc ? resolve(f.localisationDoc) : null,
          command: resolvedCommand('results mitdb', f),
          onProgress: (m) => process.stderr.write(`${m}\n`),
        });
        say(mitdbTablesMarkdown(rows));
        say(
          `wrote ${rows.length} rows to ${resolve(f.out)}${f.readme ? ` and the tables of ${f.readme}` : ''}`,
        );
      },
    );
  program
    .command('ablate')
    .description(
      'Paper ablations with beat-level localisation: kernel-size sweep, L2 vs max pooling, joint vs cascaded vs classifier (Fig. 2 curves); writes JSON, markdown and SVG',
    )
    .option('--data <name>', 'synthetic | mitdb', 'synthetic')
    .option('--sweep <name>', `one of ${SWEEPS.join(', ')}`, 'method')
    .option('--preset <name>', 'training preset (paper | fast | tiny)', 'tiny')
    .option('--segments <n>', 'synthetic: number of segments', '48')
    .option('--n-samples <n>', 'synthetic: samples per segment (default 2000 at 360 Hz)')
    .option('--folds <k>', 'cross-validation folds', '3')
    .option('--seed <n>', 'seed for data, folds, weights and batches', '1')
    .option('--width <f>', 'model width multiplier', '0.25')
    .option('--epochs <n>', 'override the preset epochs')
    .option('--backend <name>', 'auto | wasm | cpu | tensorflow', 'auto')
    .option('--out <dir>', 'output folder (default reports/ablate-<sweep>-<data>)')
    .option('--data-dir <dir>', 'mitdb: the folder holding the WFDB records')
    .option('--grouped', 'group folds by patient (no patient in train and test)')
    .option('--workers <n>', 'parallel fold processes (0 = in this process)', '0')
    .option('--runs-dir <dir>', "keep each variant's cv run folder (models, predictions) here")
    .option('--rr-fraction <f>', 'beat window as a fraction of the local RR', '0.3')
    .option(
      '--threshold <f>',
      "grade threshold as a fraction of the segment's top beat score",
      '0.5',
    )
    .action(async (f: AblateFlags) => {
      if (!(SWEEPS as readonly string[]).includes(f.sweep)) {
        throw new BeatlensError('cli-invalid', `--sweep '${f.sweep}': use ${SWEEPS.join(', ')}`);
      }
      if (f.data !== 'synthetic' && f.data !== 'mitdb') {
        throw new BeatlensError('cli-invalid', `--data '${f.data}': use synthetic or mitdb`);
      }
      const seed = num('--seed', f.seed, { int: true, min: 0 });
      const preset = getPreset(
        f.preset,
        f.epochs ? { epochs: num('--epochs', f.epochs, { int: true, min: 1 }) } : {},
      );
      let data;
      let dataName: string;
      if (f.data === 'mitdb') {
        const dir = mitdbDir(f.dataDir);
        const prepared = prepareMitdb(dir);
        data = segmentsToDataset(prepared.segments, ['APB', 'PVC']);
        dataName = `MIT-BIH (${dir})`;
      } else {
        const nSegments = num('--segments', f.segments, { int: true, min: 4 });
        data = synthesizeDataset({
          seed,
          nSegments,
          nSamples: f.nSamples ? num('--n-samples', f.nSamples, { int: true, min: 64 }) : undefined,
        });
        dataName = `synthetic (seed ${seed}, ${nSegments} segments)`;
      }
      const backend = await initBackend(f.backend as BackendPreference);
      say(`backend ${backend.name} (threads ${backend.threads}); ${data.y.length} segments`);
      const result = await runAblation({
        data,
        dataName,
        sweep: f.sweep as SweepName,
        preset,
        folds: num('--folds', f.folds, { int: true, min: 2 }),
        seed,
        width: num('--width', f.width, { min: 0.01 }),
        grouped: f.grouped ?? false,
        workers: num('--workers', f.workers, { int: true, min: 0 }),
        runsDir: f.runsDir ? resolve(f.runsDir) : undefined,
        localisation: {
          rrFraction: num('--rr-fraction', f.rrFraction, { min: 0.01 }),
          thresholdFraction: num('--threshold', f.threshold, { min: 0 }),
        },
        onProgress: (m) => say(m),
      });
      const outDir = resolve(f.out ?? join('reports', `ablate-${f.sweep}-${f.data}`));
      const files = writeAblationReport(result, outDir, {
        command: resolvedCommand('ablate', f),
        backend,
      });
      say(ablationMarkdown(result));
      say(`wrote ${files.length} files to ${outDir}`);
    });

  program
    .command('evaluate-localisation')
    .argument(
      '<run>',
      'a run id in the store, a cross-validation run folder (run.json), or a folder written by `beatlens ablate`',
    )
    .option('--source <map>', 'run folders: attention | gradxinput | gradcam', 'attention')
    .description(
      "Beat-level localisation of a stored run's test attention maps (beat AUROC, pointing game, automatic Class I/II/III grade), per fold and mean ± std",
    )
    .option('--store <path>', 'SQLite store', undefined)
    .option('--out <dir>', 'output folder (default reports/localisation-run-<id>)')
    .option('--rr-fraction <f>', 'beat window as a fraction of the local RR', '0.3')
    .option(
      '--threshold <f>',
      "grade threshold as a fraction of the segment's top beat score",
      '0.5',
    )
    .action(
      async (
        run: string,
        f: { store?: string; out?: string; rrFraction: string; threshold: string; source: string },
      ) => {
        const opts = {
          rrFraction: num('--rr-fraction', f.rrFraction, { min: 0.01 }),
          thresholdFraction: num('--threshold', f.threshold, { min: 0 }),
        };
        if (existsSync(join(run, 'ablation.json'))) {
          // Re-render the report of an ablation folder (its metrics were computed when it ran).
          const r = JSON.parse(readFileSync(join(run, 'ablation.json'), 'utf8')) as AblationResult;
          const files = writeAblationReport(r, resolve(f.out ?? run));
          say(ablationMarkdown(r));
          say(`wrote ${files.length} files to ${resolve(f.out ?? run)}`);
          return;
        }
        // A `beatlens cv` output folder holds one run folder (run.json) per method.
        const runDirs = existsSync(join(run, 'run.json'))
          ? [run]
          : existsSync(run) && statSync(run).isDirectory()
            ? readdirSync(run)
                .map((d) => join(run, d))
                .filter((d) => existsSync(join(d, 'run.json')))
            : [];
        const source = f.source as MapSource;
        if (runDirs.length > 0 && !MAP_SOURCES.includes(source)) {
          throw new BeatlensError(
            'cli-invalid',
            `--source '${f.source}': use ${MAP_SOURCES.join(', ')}`,
          );
        }
        if (runDirs.length > 0 && source !== 'attention') await initBackend('auto');
        for (const runDir of runDirs) {
          const r = await evaluateCvRunDir(runDir, source, opts);
          const outDir = resolve(
            f.out
              ? runDirs.length > 1
                ? join(f.out, basename(runDir))
                : f.out
              : join(runDir, `localisation-${source}`),
          );
          const md = foldLocalisationMarkdown(
            `Localisation (${source}) of the ${r.method} run ${resolve(runDir)} (${r.nSegments} test segments)`,
            r.folds,
          );
          writeJson(join(outDir, 'localisation.json'), {
            run: resolve(runDir),
            source,
            options: opts,
            folds: r.folds,
          });
          writeFileAtomic(join(outDir, 'localisation.md'), md);
          say(md);
          say(`wrote ${outDir}`);
        }
        if (runDirs.length > 0) return;
        const runId = num('RUN', run, { int: true, min: 1 });
        const store = openStore(f.store ?? defaultStorePath());
        try {
          if (!store.runs.get(runId)) {
            throw new BeatlensError(
              'run-missing',
              `run ${runId} is not in the store ${store.path}`,
            );
          }
          const preds = store.predictions.list({ runId }).filter((p) => p.attention);
          if (preds.length === 0) {
            throw new BeatlensError(
              'run-no-attention',
              `run ${runId} has no stored attention maps (a classifier-only run, or no test predictions)`,
            );
          }
          const byFold = new Map<number, Parameters<typeof localisationMetrics>[0][number][]>();
          for (const p of preds) {
            const seg = store.segments.get(p.segmentId);
            if (!seg) continue;
            const list = byFold.get(p.fold ?? 0) ?? [];
            list.push({ map: p.attention!, beats: seg.beats, length: seg.length });
            byFold.set(p.fold ?? 0, list);
          }
          const folds: LocalisationSummary[] = [...byFold.keys()]
            .sort((a, b) => a - b)
            .map((k) => localisationMetrics(byFold.get(k)!, opts));
          const outDir = resolve(f.out ?? join('reports', `localisation-run-${runId}`));
          const md = foldLocalisationMarkdown(
            `Localisation of run ${runId} (${preds.length} test segments)`,
            folds,
          );
          writeJson(join(outDir, 'localisation.json'), { runId, options: opts, folds });
          writeFileAtomic(join(outDir, 'localisation.md'), md);
          say(md);
          say(`wrote ${outDir}`);
        } finally {
          store.close();
        }
      },
    );

  program
    .command('scan')
    .argument('<record>', 'a record file (.hea, .csv, .edf)')
    .option(
      '--model <dir>',
      "a saved model folder, shipped name ('localiser') or library name (default: the shipped default model)",
    )
    .description(
      'Label every beat of a whole record (AAMI N/S/V) with a model and list the flagged (V, S) beats',
    )
    .option('--fs <hz>', 'sampling frequency (CSV only)')
    .option('--detect', 'use beatlens R peaks even when the record has annotations')
    .option(
      '--threshold <f>',
      "beat threshold as a fraction of the segment's top beat score (default: the model's)",
    )
    .option(
      '--beats-csv <file>',
      'write one row per beat: sample,time_s,label,score,segment_label,p_<class>…,reference',
    )
    .option('--backend <name>', 'auto | wasm | cpu | tensorflow', 'auto')
    .option('--json <path>', 'write the whole scan result as JSON')
    .action(
      async (
        recordPath: string,
        f: {
          model?: string;
          fs?: string;
          detect?: boolean;
          threshold?: string;
          beatsCsv?: string;
          backend: string;
          json?: string;
        },
      ) => {
        await initBackend(f.backend as BackendPreference);
        const { record, beats } = loadRecordFile(recordPath, {
          fs: f.fs ? num('--fs', f.fs, { min: 1 }) : undefined,
        });
        const { model, info, name } = await loadModelAsset(f.model);
        try {
          const t0 = performance.now();
          const r = await scanRecord(model, record, f.detect ? null : beats, {
            info,
            thresholdFraction:
              f.threshold === undefined ? undefined : num('--threshold', f.threshold, { min: 0 }),
          });
          const seconds = (performance.now() - t0) / 1000;
          for (const w of r.warnings) {
            // The leads and quality lines are printed once, below.
            if (w !== r.leadsLine && w !== r.quality.line) process.stderr.write(`warning: ${w}\n`);
          }
          for (const x of r.excluded) {
            process.stderr.write(
              `excluded ${fmtTime(x.start / record.fs)}–${fmtTime(x.end / record.fs)} (${x.reason}, lead ${x.lead}): not analysed\n`,
            );
          }
          const count = (l: string) => r.beats.filter((b) => b.label === l).length;
          say(
            `${record.id}: ${r.nBeats} beats (${r.beatSource}), ${r.nSegments} segments ${JSON.stringify(r.predictedCounts)}; ` +
              `labelled N ${count('N')}, S ${count('S')}, V ${count('V')}` +
              `${r.nBeatsExcluded ? `, ${r.nBeatsExcluded} in excluded stretches` : ''}; model ${name}; ${seconds.toFixed(1)} s`,
          );
          say(r.leadsLine);
          say(r.quality.line);
          if (f.beatsCsv) {
            writeFileAtomic(resolve(f.beatsCsv), scanBeatsCsv(r, record.fs, model.config.classes));
            say(`wrote ${r.beats.length} beats to ${f.beatsCsv}`);
          }
          if (f.json) writeJson(resolve(f.json), r);
        } finally {
          model.dispose();
        }
      },
    );

  program
    .command('detect-qrs')
    .argument('<record>', 'a record file (.hea, .csv, .edf)')
    .description(
      'Pan–Tompkins R-peak detection; with annotations, sensitivity and positive predictivity within a tolerance',
    )
    .option('--fs <hz>', 'sampling frequency (CSV only)')
    .option('--lead <n>', 'lead index', '0')
    .option('--tolerance-ms <ms>', 'match tolerance', '50')
    .action((recordPath: string, f: { fs?: string; lead: string; toleranceMs: string }) => {
      const { record, beats } = loadRecordFile(recordPath, {
        fs: f.fs ? num('--fs', f.fs, { min: 1 }) : undefined,
      });
      const lead = num('--lead', f.lead, { int: true, min: 0 });
      if (lead >= record.signals.length) {
        throw new BeatlensError(
          'cli-invalid',
          `--lead ${lead} but ${recordPath} has ${record.signals.length} leads`,
        );
      }
      const peaks = detectQrs(record.signals[lead], record.fs);
      say(`${record.id} lead ${record.leadNames[lead] ?? lead}: ${peaks.length} R peaks detected`);
      if (beats) {
        const tol = Math.round(
          (num('--tolerance-ms', f.toleranceMs, { min: 0 }) * record.fs) / 1000,
        );
        const m = matchBeats(
          peaks,
          beats.map((b) => b.sample),
          tol,
        );
        say(
          `vs ${beats.length} annotated beats within ±${tol} samples: sensitivity ${m.sensitivity.toFixed(4)}, positive predictivity ${m.positivePredictivity.toFixed(4)} (TP ${m.truePositives}, FN ${m.falseNegatives}, FP ${m.falsePositives})`,
        );
      }
    });
}
