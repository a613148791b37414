/**
 * Data commands: import, download, prepare, records, segments, info. Each parses its options,
 * calls the store / ECG modules and prints; every command takes `--store PATH`.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { downloadDatabase } from '../ecg/download';
import {
  formatOriginCounts,
  formatPreparedCounts,
  ORIGIN_FS,
  ORIGIN_SAMPLES,
  prepareMitdb,
  preparedCountsCsv,
  prepareOriginDataset,
} from '../ecg/prepare';
import type { SyntheticTask } from '../ecg/synthetic';
import { BeatlensError } from '../errors';
import { dataRoot, defaultStorePath } from '../paths';
import { openStore, type Store, type StoredRecord } from '../store';
import { writeFileAtomic } from '../train/run-info';
import {
  comparePaperCounts,
  expandImportPaths,
  importRecords,
  loadImports,
  ORIGIN_TASK,
  PAPER_TASK,
  type PrepareAction,
  prepareSyntheticIntoStore,
  storePreparedMitdb,
  storePreparedOrigin,
} from '../store/ingest';

const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new BeatlensError('cli-invalid', `${flag} '${value}' is not a positive number`);
  }
  return n;
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new BeatlensError('cli-invalid', `${flag} '${value}' is not an integer ≥ ${min}`);
  }
  return n;
}

function withStore<T>(path: string | undefined, fn: (store: Store) => T): T {
  const store = openStore(path ?? defaultStorePath());
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** Left-aligned text columns, numbers right-aligned. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const numeric = header.map(
    (_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'),
  );
  return cells
    .map((r) =>
      r
        .map((v, c) => (numeric[c] ? v.padStart(widths[c]) : v.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** '3 new, 0 replaced, 1 with segments rebuilt' for the actions of a prepare run. */
function describeActions(actions: Record<string, PrepareAction>): string {
  const n = (a: PrepareAction) => Object.values(actions).filter((x) => x === a).length;
  return `${n('new')} new, ${n('replaced')} replaced, ${n('segments')} with segments rebuilt`;
}

/** '12 LVOT, 8 RVOT' */
function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([label, count]) => `${count} ${label}`)
    .join(', ');
}

const SYNTHETIC_TASKS: readonly SyntheticTask[] = ['pvc-apb', 'pvc-origin'];

function duration(nSamples: number, fs: number): string {
  const s = Math.round(nSamples / fs);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function describeRecord(r: StoredRecord): string {
  return (
    `${r.id}: ${plural(r.nLeads, 'lead')} × ${r.nSamples} samples at ${r.fs} Hz ` +
    `(${duration(r.nSamples, r.fs)}), ${plural(r.nBeats, 'beat')}, patient ${r.patientId} [${r.format}: ${r.source}]`
  );
}

const STORE_HELP =
  'SQLite store (default $BEATLENS_HOME/beatlens.sqlite, ~/.beatlens/beatlens.sqlite)';

export function registerDataCommands(program: Command): void {
  program
    .command('import')
    .description(
      'import ECG records (WFDB .hea or folder of records, CSV with --fs, EDF) into the store',
    )
    .argument('<paths...>', 'record files or folders')
    .option('--fs <hz>', 'sampling frequency in Hz (required for CSV)')
    .option('--patient <id>', 'patient id for the imported records')
    .option('--replace', 'overwrite records already in the store')
    .option('--store <path>', STORE_HELP)
    .action(
      (
        paths: string[],
        o: { fs?: string; patient?: string; replace?: boolean; store?: string },
      ) => {
        const fs = o.fs === undefined ? undefined : positiveNumber('--fs', o.fs);
        // Read and validate everything before the store is even opened.
        const imports = loadImports(expandImportPaths(paths), { fs, patientId: o.patient });
        withStore(o.store, (store) =>
          importRecords(store, imports, {
            replace: o.replace,
            onRecord: (r) => out(`imported ${describeRecord(r)}`),
          }),
        );
      },
    );

  program
    .command('download')
    .description('download a public ECG database (mitdb: MIT-BIH Arrhythmia, 48 records)')
    .argument('<database>', 'database name: mitdb')
    .option('--dest <dir>', 'target folder (default $BEATLENS_DATA/<database>)')
    .option('--base-url <url>', 'mirror to download from (default PhysioNet)')
    .option('--store <path>', STORE_HELP)
    .action(async (name: string, o: { dest?: string; baseUrl?: string }) => {
      if (name !== 'mitdb') {
        throw new BeatlensError('cli-invalid', `unknown database '${name}'; available: mitdb`);
      }
      const dest = o.dest ?? join(dataRoot(), name);
      const tty = process.stderr.isTTY;
      let lastTenth = -1;
      const dir = await downloadDatabase(name, dest, {
        baseUrl: o.baseUrl,
        onProgress(done, total, file) {
          const line = `downloading ${name}: ${done}/${total} files (${file})`;
          if (tty) process.stderr.write(`\r${line}\x1b[K`);
          else if (Math.floor((10 * done) / total) !== lastTenth) {
            lastTenth = Math.floor((10 * done) / total);
            process.stderr.write(`${line}\n`);
          }
        },
      });
      if (tty) process.stderr.write('\n');
      out(`${name} is in ${dir}`);
    });

  const prepare = program
    .command('prepare')
    .description(
      'build the paper segments of a database and write records, beats and segments to the store',
    );
  prepare
    .command('mitdb')
    .description('MIT-BIH Arrhythmia: N+PVC and N+APB segments of at most --max-samples samples')
    .option('--dir <dir>', 'folder with the WFDB records (default $BEATLENS_DATA/mitdb)')
    .option('--records <ids>', 'comma-separated record names (default: all in the folder)')
    .option('--max-samples <n>', 'segment length in samples', '2000')
    .option('--counts-csv <file>', 'also write the per-record counts as CSV')
    .option('--replace', 'overwrite stored records that came from different files')
    .option('--store <path>', STORE_HELP)
    .action(
      (o: {
        dir?: string;
        records?: string;
        maxSamples: string;
        countsCsv?: string;
        replace?: boolean;
        store?: string;
      }) => {
        const dir = o.dir ?? join(dataRoot(), 'mitdb');
        const records = o.records
          ?.split(',')
          .map((r) => r.trim())
          .filter(Boolean);
        const maxSamples = integer('--max-samples', o.maxSamples, 2);
        const tty = process.stderr.isTTY;
        const prepared = prepareMitdb(dir, {
          records,
          maxSamples,
          onProgress(done, total, id) {
            if (tty) process.stderr.write(`\rpreparing ${done}/${total} (record ${id})\x1b[K`);
          },
        });
        if (tty) process.stderr.write('\n');
        const actions = withStore(o.store, (store) => storePreparedMitdb(store, dir, prepared, o));
        out(formatPreparedCounts(prepared));
        out(comparePaperCounts(prepared));
        if (o.countsCsv) {
          writeFileAtomic(o.countsCsv, preparedCountsCsv(prepared));
          out(`wrote the per-record counts to ${o.countsCsv}`);
        }
        out(
          `stored ${plural(prepared.segments.length, `${PAPER_TASK} segment`)} of ${plural(prepared.perRecord.length, 'record')} ` +
            `(${describeActions(actions)})`,
        );
      },
    );
  prepare
    .command('origin')
    .description(
      `12-lead PVC segments labelled by origin (e.g. LVOT/RVOT): ${ORIGIN_SAMPLES} samples at ${ORIGIN_FS} Hz from a folder of WFDB/CSV/EDF records`,
    )
    .requiredOption('--dir <dir>', 'folder with the 12-lead records (.hea, .csv, .edf)')
    .requiredOption(
      '--labels <csv>',
      'CSV with one row per record: record,label[,patient] (record = file name without extension)',
    )
    .option('--fs <hz>', 'sampling frequency of CSV records in Hz (WFDB and EDF carry their own)')
    .option('--replace', 'overwrite stored records that came from different files')
    .option('--store <path>', STORE_HELP)
    .action(
      (o: { dir: string; labels: string; fs?: string; replace?: boolean; store?: string }) => {
        const csvFs = o.fs === undefined ? undefined : positiveNumber('--fs', o.fs);
        const tty = process.stderr.isTTY;
        // Reads and checks every labelled record before the store is opened.
        const prepared = prepareOriginDataset(o.dir, o.labels, {
          csvFs,
          onProgress(done, total, id) {
            if (tty) process.stderr.write(`\rpreparing ${done}/${total} (record ${id})\x1b[K`);
          },
        });
        if (tty) process.stderr.write('\n');
        const actions = withStore(o.store, (store) => storePreparedOrigin(store, prepared, o));
        out(formatOriginCounts(prepared));
        if (prepared.unlabelled.length > 0) {
          const shown = prepared.unlabelled.slice(0, 10).join(', ');
          const more = prepared.unlabelled.length > 10 ? ', …' : '';
          out(
            `not in the labels CSV, left out: ${plural(prepared.unlabelled.length, 'record')} (${shown}${more})`,
          );
        }
        if (prepared.classes.length < 2) {
          out(`note: only one class (${prepared.classes.join('')}); training needs at least two`);
        }
        out(
          `stored ${plural(prepared.segments.length, `${ORIGIN_TASK} segment`)} ` +
            `(${describeCounts(prepared.counts)}) of ${plural(prepared.records.length, 'record')} at ${prepared.fs} Hz ` +
            `(${describeActions(actions)})`,
        );
      },
    );
  prepare
    .command('synthetic')
    .description(
      'the built-in synthetic demo study: records with PVC-like / APB-like beats at known positions ' +
        '(--task pvc-origin: 12-lead 500 Hz records with LVOT- or RVOT-like PVCs)',
    )
    .option('--task <task>', `segment task: ${SYNTHETIC_TASKS.join(' or ')}`, 'pvc-apb')
    .option('--seed <n>', 'random seed', '1')
    .option('--n-segments <n>', 'segments to build, half of each class', '40')
    .option('--replace', 'overwrite synthetic records already in the store')
    .option('--store <path>', STORE_HELP)
    .action(
      (o: { task: string; seed: string; nSegments: string; replace?: boolean; store?: string }) => {
        if (!(SYNTHETIC_TASKS as readonly string[]).includes(o.task)) {
          throw new BeatlensError(
            'cli-invalid',
            `--task '${o.task}' is not one of ${SYNTHETIC_TASKS.join(', ')}`,
          );
        }
        const task = o.task as SyntheticTask;
        const seed = integer('--seed', o.seed, 0);
        const nSegments = integer('--n-segments', o.nSegments, 1);
        withStore(o.store, (store) => {
          const stored = prepareSyntheticIntoStore(store, {
            seed,
            nSegments,
            task,
            replace: o.replace,
          });
          for (const r of stored)
            out(`imported ${describeRecord(r)}, ${plural(r.nSegments, 'segment')}`);
          const ids = new Set(stored.map((r) => r.id));
          const byLabel: Record<string, number> = {};
          for (const s of store.segments.list({ task })) {
            if (ids.has(s.recordId)) byLabel[s.label] = (byLabel[s.label] ?? 0) + 1;
          }
          out(
            `stored ${plural(stored.length, 'synthetic record')} (${task}), ${plural(nSegments, 'segment')}: ` +
              describeCounts(byLabel),
          );
        });
      },
    );

  program
    .command('records')
    .description('list the records in the store')
    .option('--json', 'print JSON')
    .option('--store <path>', STORE_HELP)
    .action((o: { json?: boolean; store?: string }) => {
      withStore(o.store, (store) => {
        const records = store.records.list();
        if (o.json) return out(JSON.stringify(records, null, 2));
        if (records.length === 0) return out(`no records in ${store.path}`);
        out(
          formatTable(
            ['id', 'patient', 'format', 'fs', 'leads', 'samples', 'duration', 'beats', 'segments'],
            records.map((r) => [
              r.id,
              r.patientId,
              r.format,
              r.fs,
              r.nLeads,
              r.nSamples,
              duration(r.nSamples, r.fs),
              r.nBeats,
              r.nSegments,
            ]),
          ),
        );
      });
    });

  program
    .command('segments')
    .description('list the segments in the store')
    .option('--record <id>', 'only this record')
    .option('--task <task>', 'only this task (e.g. pvc-apb)')
    .option('--label <label>', 'only this label (e.g. PVC)')
    .option('--json', 'print JSON')
    .option('--store <path>', STORE_HELP)
    .action(
      (o: { record?: string; task?: string; label?: string; json?: boolean; store?: string }) => {
        withStore(o.store, (store) => {
          const segs = store.segments.list({ recordId: o.record, task: o.task, label: o.label });
          if (o.json) return out(JSON.stringify(segs, null, 2));
          if (segs.length === 0) return out(`no segments match in ${store.path}`);
          out(
            formatTable(
              [
                'id',
                'record',
                'patient',
                'task',
                'label',
                'offset',
                'length',
                'samples',
                'beats',
                'abnormal',
              ],
              segs.map((s) => [
                s.id,
                s.recordId,
                s.patientId,
                s.task,
                s.label,
                s.offset,
                s.length,
                s.nSamples,
                s.nBeats,
                s.nAbnormalBeats,
              ]),
            ),
          );
          const byLabel = new Map<string, number>();
          for (const s of segs) byLabel.set(s.label, (byLabel.get(s.label) ?? 0) + 1);
          out(
            `${segs.length} segments: ${[...byLabel].map(([label, count]) => `${count} ${label}`).join(', ')}`,
          );
        });
      },
    );

  program
    .command('info')
    .description('show the store path, schema version and row counts')
    .option('--json', 'print JSON')
    .option('--store <path>', STORE_HELP)
    .action((o: { json?: boolean; store?: string }) => {
      withStore(o.store, (store) => {
        const info = { path: store.path, schemaVersion: store.version, counts: store.counts() };
        if (o.json) return out(JSON.stringify(info, null, 2));
        out(`store ${info.path} (schema version ${info.schemaVersion})`);
        out(formatTable(['table', 'rows'], Object.entries(info.counts)));
      });
    });
}
