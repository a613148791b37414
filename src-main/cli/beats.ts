/**
 * `evaluate-beats`: beat-by-beat comparison of beats CSVs with WFDB reference annotations as
 * WFDB's bxb and sumstats do it (ANSI/AAMI EC57). Parses options and calls src-main/evaluate/bxb*.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { BXB_DEFAULTS, MITDB_PACED_RECORDS, summariseRecords } from '../evaluate/bxb';
import {
  bxbSource,
  directorySources,
  evaluateBeatFiles,
  type BxbSource,
} from '../evaluate/bxb-files';
import { bxbSummaryCsv, bxbSummaryJson, formatBxbTable } from '../evaluate/bxb-report';
import { writeJson } from '../evaluate/output';
import { writeFileAtomic } from '../train/run-info';

interface BeatsFlags {
  ref?: string;
  dir?: string;
  refDir?: string;
  records?: string;
  annotator: string;
  from: string;
  exclude: string;
  json?: string;
  csv?: string;
}

const usageError = (message: string): never => {
  throw new BeatlensError('cli-invalid', message);
};

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function learningMinutes(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    usageError(`--from '${value}' is not a number of minutes ≥ 0`);
  }
  return n;
}

/** Positional mode: `119.csv 119.atr [200.csv 200.atr …]`, or one CSV with `--ref`. */
function pairSources(files: string[], f: BeatsFlags): BxbSource[] {
  if (f.ref) {
    if (files.length !== 1) usageError(`--ref takes one beats CSV (got ${files.length})`);
    return [bxbSource(files[0], f.ref)];
  }
  if (files.length === 0 || files.length % 2 !== 0) {
    usageError(
      files.length === 0
        ? 'give a beats CSV and its reference annotation file (out/119.csv mitdb/119.atr), or --dir and --ref-dir'
        : `give each beats CSV followed by its reference annotation file (got ${files.length} files)`,
    );
  }
  return Array.from({ length: files.length / 2 }, (_, i) => {
    const [csv, reference] = [files[2 * i], files[2 * i + 1]];
    if (reference.toLowerCase().endsWith('.csv')) {
      usageError(
        `${reference}: a CSV where a reference annotation file (e.g. 119.atr) should follow ${csv}`,
      );
    }
    return bxbSource(csv, reference);
  });
}

function beatSources(files: string[], f: BeatsFlags): BxbSource[] {
  if (f.dir) {
    if (files.length > 0 || f.ref) usageError('give either --dir with --ref-dir, or files');
    if (!f.refDir) usageError('--dir needs --ref-dir, the folder of the reference records');
    return directorySources({
      dir: f.dir,
      refDir: f.refDir!,
      records: f.records ? list(f.records) : undefined,
      annotator: f.annotator,
    });
  }
  if (f.refDir || f.records) usageError('--ref-dir and --records go with --dir');
  return pairSources(files, f);
}

export function registerBeatCommands(program: Command): void {
  program
    .command('evaluate-beats')
    .description(
      'Beat-by-beat comparison of beats CSVs (columns sample, label) with WFDB reference annotations as WFDB bxb/sumstats do it (ANSI/AAMI EC57): QRS, VEB and SVEB sensitivity and positive predictivity per record, gross and average',
    )
    .argument('[files...]', 'a beats CSV and its reference annotation (119.csv 119.atr), or pairs')
    .option('--ref <annotation>', 'the reference annotation file of a single beats CSV')
    .option('--dir <folder>', 'a folder of <record>.csv beat files')
    .option('--ref-dir <folder>', 'with --dir: the folder of the reference records')
    .option('--records <list>', 'with --dir: records to compare (default: every <record>.csv)')
    .option('--annotator <ext>', 'with --dir: the reference annotator', 'atr')
    .option('--from <minutes>', 'learning period left out at the start (EC57)', '5')
    .option(
      '--exclude <records>',
      "records left out of gross and average (EC57: MIT-BIH's paced records); 'none' for none",
      MITDB_PACED_RECORDS.join(','),
    )
    .option('--json <file>', 'write the counts and statistics as JSON')
    .option('--csv <file>', 'write one CSV row per record, gross and average')
    .action((files: string[], f: BeatsFlags) => {
      const fromMinutes = learningMinutes(f.from);
      const sources = beatSources(files, f);
      const results = sources.map((s) => evaluateBeatFiles(s.csv, s.reference, { fromMinutes }));
      const summary = summariseRecords(results, {
        excludeRecords: f.exclude === 'none' ? [] : list(f.exclude),
      });
      process.stdout.write(`${formatBxbTable(summary)}\n`);
      if (f.json) {
        const settings = { fromMinutes, matchSeconds: BXB_DEFAULTS.matchSeconds, sources };
        writeJson(resolve(f.json), bxbSummaryJson(summary, settings));
        process.stdout.write(`wrote ${resolve(f.json)}\n`);
      }
      if (f.csv) {
        writeFileAtomic(resolve(f.csv), bxbSummaryCsv(summary));
        process.stdout.write(`wrote ${resolve(f.csv)}\n`);
      }
    });
}
