/**
 * `report`: the Holter (PVC-burden) report of one record with a model: report.json,
 * report.html (self-contained) and report.pdf (headless Chromium). Parses options and calls
 * the inference path (inferRecord) and src-main/holter/*. Everything is computed and printed
 * before the first file is written, and each file is written to a temporary name and renamed,
 * so an error leaves no half-written report.
 *
 * Exit codes: 0 when the report was written (also when the PDF was skipped because no Chromium
 * was found: one `warning:` line on stderr says so and why); 1 for bad input (one line); 2 for an
 * internal error.
 */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { loadRecordFile } from '../ecg/import/load';
import { BeatlensError } from '../errors';
import { inferRecord } from '../infer/infer-record';
import { loadModelAsset, resolveModelDir } from '../infer/models';
import { initBackend, type BackendPreference } from '../model/backend';
import { readModelManifest } from '../model/weights';
import { recordMaps } from '../app/record-maps';
import { buildHolterReport, machineLabels, reportModel } from '../holter/report';
import { reportHtml } from '../holter/report-html';
import { defaultPdfPrinter } from '../holter/pdf';
import { timeLabel } from '../holter/burden';
import { writeFileAtomic } from '../train/run-info';
import { checkReviewerName } from '../store/report-signoffs';

interface ReportFlags {
  model?: string;
  detect?: boolean;
  out: string;
  reviewer?: string;
  fs?: string;
  backend: string;
}

const err = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .argument('<record>', 'a record file (.hea, .csv, .edf)')
    .description(
      'Holter report of a whole record: PVC count and burden, heart rate, runs, bigeminy, pauses, AF/flutter episodes and burden, hour by hour, strips with the model’s map; writes report.json, report.html and report.pdf',
    )
    .option(
      '--model <dir>',
      "a saved model folder, shipped name ('localiser') or library name (default: the shipped default model)",
    )
    .option('--detect', 'use beatlens R peaks even when the record has annotations')
    .requiredOption('--out <dir>', 'folder for report.json, report.html and report.pdf')
    .option('--reviewer <name>', 'the reviewer named on the report')
    .option('--fs <hz>', 'sampling frequency (CSV only)')
    .option('--backend <name>', 'auto | wasm | cpu | tensorflow', 'auto')
    .action(async (recordPath: string, f: ReportFlags) => {
      const reviewer = f.reviewer === undefined ? null : checkReviewerName(f.reviewer);
      const fs = f.fs === undefined ? undefined : Number(f.fs);
      if (fs !== undefined && !(fs > 0)) {
        throw new BeatlensError('cli-invalid', `--fs '${f.fs}' is not a frequency > 0 Hz`);
      }
      const outDir = resolve(f.out);
      const modelDir = resolveModelDir(f.model);
      const manifest = readModelManifest(modelDir);
      await initBackend(f.backend as BackendPreference);
      const { record, beats } = loadRecordFile(recordPath, { fs });
      const { model, info } = await loadModelAsset(modelDir);
      let lastTenth = -1;
      let inference;
      try {
        err(
          `report: ${record.id}: running the model over ${(record.nSamples / record.fs / 60).toFixed(1)} min`,
        );
        inference = await inferRecord(model, record, {
          beats: f.detect ? null : beats,
          info,
          keepMaps: true,
          onProgress: (done, total) => {
            const tenth = total > 0 ? Math.floor((10 * done) / total) : 10;
            if (tenth !== lastTenth) {
              lastTenth = tenth;
              err(`report: ${record.id}: ${done}/${total} segments`);
            }
          },
        });
      } finally {
        model.dispose();
      }
      const maps = recordMaps(inference, record.nSamples);
      const report = buildHolterReport({
        record,
        maps,
        beats: machineLabels(maps),
        model: reportModel(f.model ?? 'default', manifest),
        reviewer,
      });
      const html = reportHtml(report);
      const { printer, reason } = defaultPdfPrinter();
      let pdf: Uint8Array | null = null;
      if (printer) {
        err(`report: printing report.pdf with ${printer.name}`);
        pdf = await printer.print(html);
      }
      writeFileAtomic(join(outDir, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
      writeFileAtomic(join(outDir, 'report.html'), html);
      if (pdf) writeFileAtomic(join(outDir, 'report.pdf'), pdf);
      else err(`warning: report.pdf skipped: ${reason}`);
      for (const w of report.warnings) err(`warning: ${w}`);
      for (const u of report.urgent) err(`urgent: ${u.message}`);
      const b = report.burdenPercent;
      process.stdout.write(
        `${record.id}: ${report.totalBeats} beats (${report.beatSource}), PVCs ${report.pvcCount}, burden ${b === null ? '—' : b.toFixed(2)} %, SVEBs ${report.supraventricular.count}, ` +
          `HR ${report.heartRate.minimum ? Math.round(report.heartRate.minimum.bpm) : '—'}–${report.heartRate.maximum ? Math.round(report.heartRate.maximum.bpm) : '—'} bpm` +
          `${report.ventricular.longestRun ? `, longest run ${report.ventricular.longestRun.beats} beats at ${timeLabel(report.ventricular.longestRun.start)}` : ''}, ` +
          `AF/flutter ${report.afBurdenPercent === null ? 'no verdict' : `${report.afBurdenPercent.toFixed(1)} % (${report.af.episodes} episode${report.af.episodes === 1 ? '' : 's'})`}; ` +
          `model ${report.model.name}\nwrote ${['report.json', 'report.html', ...(pdf ? ['report.pdf'] : [])].join(', ')} to ${outDir}\n`,
      );
    });
}
