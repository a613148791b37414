/**
 * Writes synthetic 12-lead records as the files a clinic would hand over (CSV; WFDB format 16
 * with a MIT .atr), for the origin-prepare tests. Independent of the readers under test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Beat, EcgRecord } from '../../src-main/ecg/types';

/** CSV with a header of lead names; `columns` picks and orders the leads (default all). */
export function writeCsvRecord(path: string, record: EcgRecord, columns?: number[]): void {
  const cols = columns ?? record.signals.map((_, l) => l);
  const lines = [cols.map((l) => record.leadNames[l]).join(',')];
  for (let i = 0; i < record.nSamples; i++) {
    lines.push(cols.map((l) => record.signals[l][i].toFixed(4)).join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** MIT annotation codes of the beat symbols used here. */
const CODES: Record<string, number> = { N: 1, V: 5, A: 8 };

/**
 * WFDB record `name` in `dir`: format 16 (gain 200 adu/mV) with checksums, and `name.atr` with
 * the beats (MIT format: 6-bit code, 10-bit interval; SKIP for longer gaps).
 */
export function writeWfdbRecord(
  dir: string,
  name: string,
  record: EcgRecord,
  beats: readonly Beat[],
): void {
  const gain = 200;
  const nLeads = record.signals.length;
  const adc = record.signals.map((s) => Int16Array.from(s, (v) => Math.round(v * gain)));
  const dat = Buffer.alloc(2 * nLeads * record.nSamples);
  for (let i = 0; i < record.nSamples; i++) {
    for (let l = 0; l < nLeads; l++) dat.writeInt16LE(adc[l][i], 2 * (i * nLeads + l));
  }
  writeFileSync(join(dir, `${name}.dat`), dat);
  const lines = [`${name} ${nLeads} ${record.fs} ${record.nSamples}`];
  adc.forEach((a, l) => {
    const sum = a.reduce((s, v) => s + v, 0);
    const checksum = ((((sum % 65536) + 65536) % 65536) << 16) >> 16;
    lines.push(`${name}.dat 16 ${gain}/mV 16 0 ${a[0]} ${checksum} 0 ${record.leadNames[l]}`);
  });
  writeFileSync(join(dir, `${name}.hea`), `${lines.join('\n')}\n`);
  const words: number[] = [];
  let previous = 0;
  for (const b of beats) {
    const interval = b.sample - previous;
    if (interval > 1023) {
      words.push(59 << 10, interval >>> 16, interval & 0xffff);
      words.push((CODES[b.symbol] << 10) | 0);
    } else {
      words.push((CODES[b.symbol] << 10) | interval);
    }
    previous = b.sample;
  }
  words.push(0);
  const atr = Buffer.alloc(2 * words.length);
  words.forEach((w, i) => atr.writeUInt16LE(w, 2 * i));
  writeFileSync(join(dir, `${name}.atr`), atr);
}
