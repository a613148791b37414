/**
 * `review`: the beat reviews kept in the store (scans made in the app). `review list` prints the
 * scans; `review export SCAN --format wfdb|csv|json` writes a scan's effective labels (the
 * reviewer's where given, else the model's): WFDB annotations go beside the record's data as
 * `<record>.rev` (or to --out), CSV and JSON to --out or stdout. Parses options and calls
 * src-main/app/review.ts.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { formatReviewExport, REVIEW_ANNOTATOR, reviewExportAnnotations } from '../app/review';
import { formatMitAnnotations, writeWfdbAnnotations } from '../ecg/wfdb/annotation-writer';
import { BeatlensError } from '../errors';
import { defaultStorePath } from '../paths';
import { openStore } from '../store/index';
import { writeFileAtomic } from '../train/run-info';

const FORMATS = ['wfdb', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function scanIdArg(value: string): number {
  if (!/^[1-9]\d{0,14}$/.test(value)) {
    throw new BeatlensError(
      'cli-invalid',
      `scan '${value}' is not a scan id (see beatlens review list)`,
    );
  }
  return Number(value);
}

export function registerReviewCommands(program: Command): void {
  const review = program
    .command('review')
    .description('Beat reviews of whole-record scans kept in the store (made in the app)');

  review
    .command('list')
    .argument('[record]', 'only the scans of this record')
    .option('--store <path>', 'SQLite store (default $BEATLENS_HOME/beatlens.sqlite)')
    .description('List the scans: id, record, model, beats, relabelled beats, date')
    .action((recordId: string | undefined, f: { store?: string }) => {
      const store = openStore(f.store ?? defaultStorePath());
      try {
        const scans = store.beatReviews.scans(recordId);
        if (scans.length === 0) say(recordId ? `no scans of ${recordId}` : 'no scans');
        for (const s of scans) {
          say(
            `${s.id}\t${s.recordId}\t${s.modelName ?? 'unknown model'}\t${s.nBeats} beats\t${s.nReviewed} relabelled\t${s.createdAt}`,
          );
        }
      } finally {
        store.close();
      }
    });

  review
    .command('export')
    .argument('<scan>', 'the scan id (beatlens review list)')
    .requiredOption('--format <format>', `${FORMATS.join(' | ')}`)
    .option(
      '--out <file>',
      "output file (wfdb default: <record>.rev beside the record's data; csv/json default: stdout)",
    )
    .option('--store <path>', 'SQLite store (default $BEATLENS_HOME/beatlens.sqlite)')
    .description(
      "Write a scan's labels (the reviewer's where given, else the model's) as WFDB annotations, CSV or JSON",
    )
    .action((scanArg: string, f: { format: string; out?: string; store?: string }) => {
      if (!(FORMATS as readonly string[]).includes(f.format)) {
        throw new BeatlensError(
          'cli-invalid',
          `--format '${f.format}' is not one of ${FORMATS.join(', ')}`,
        );
      }
      const format = f.format as Format;
      const scanId = scanIdArg(scanArg);
      const store = openStore(f.store ?? defaultStorePath());
      try {
        const scan = store.beatReviews.requireScan(scanId);
        if (format === 'wfdb') {
          const annotations = reviewExportAnnotations(store, scan);
          let path: string;
          if (f.out) {
            path = resolve(f.out);
            writeFileAtomic(path, formatMitAnnotations(annotations));
          } else {
            const source = store.records.get(scan.recordId)?.source ?? '';
            if (!/\.hea$/i.test(source)) {
              throw new BeatlensError(
                'cli-invalid',
                `record ${scan.recordId} was not imported from a WFDB header (${source || 'no source'}): give --out for the annotation file`,
              );
            }
            path = writeWfdbAnnotations(source, REVIEW_ANNOTATOR, annotations);
          }
          say(`wrote ${annotations.length} annotations to ${path}`);
          return;
        }
        const text = formatReviewExport(store, scan, format).text!;
        if (f.out) {
          writeFileAtomic(resolve(f.out), text);
          say(`wrote ${resolve(f.out)}`);
        } else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      } finally {
        store.close();
      }
    });
}
