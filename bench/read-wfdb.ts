/**
 * How fast the WFDB reader loads a database: every record under a folder (header, signals with
 * checksum verification, and .atr beats when present), timed end to end.
 *
 *   npx tsx bench/read-wfdb.ts [folder]
 *
 * Default folder: $BEATLENS_DATA/mitdb when present; otherwise wfdb-sample-data record 100 read
 * 48 times, which emulates the 48-record MIT-BIH load (each MIT-BIH record is the same size:
 * 650000 frames × 2 leads of format 212). The bar (issue 2): all 48 records in under 10 s.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readBeats } from '../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../src-main/ecg/wfdb/record';
import { dataRoot } from '../src-main/paths';

function recordsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hea'))
    .map((f) => join(dir, f.slice(0, -4)))
    .sort();
}

const arg = process.argv[2];
let records: string[];
let what: string;
if (arg) {
  records = recordsIn(arg);
  what = arg;
} else if (existsSync(join(dataRoot(), 'mitdb', '100.hea'))) {
  records = recordsIn(join(dataRoot(), 'mitdb'));
  what = join(dataRoot(), 'mitdb');
} else {
  const sample = join(dataRoot(), 'wfdb-sample-data', '100');
  if (!existsSync(`${sample}.hea`)) {
    console.error(
      `no data: neither ${dataRoot()}/mitdb nor ${sample}.hea exists (set BEATLENS_DATA)`,
    );
    process.exit(1);
  }
  records = Array.from({ length: 48 }, () => sample);
  what = `${sample} × 48 (emulating the 48 MIT-BIH records)`;
}
if (records.length === 0) {
  console.error(`no .hea files in ${what}`);
  process.exit(1);
}

let samples = 0;
let beats = 0;
const start = performance.now();
for (const r of records) {
  const rec = readWfdbRecord(r);
  samples += rec.nSamples * rec.signals.length;
  if (existsSync(`${r}.atr`)) beats += readBeats(r).length;
}
const seconds = (performance.now() - start) / 1000;
console.log(`read ${records.length} WFDB records from ${what}`);
console.log(`${samples} samples, ${beats} beats, checksums verified`);
console.log(
  `total ${seconds.toFixed(2)} s, ${(records.length / seconds).toFixed(1)} records/s (node ${process.version})`,
);
