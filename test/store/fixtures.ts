/** Small hand-made records, beats and segments for store tests (independent of the ECG readers). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Beat, EcgRecord, Segment } from '../../src-main/ecg/types';
import { createRng } from '../../src-main/random';
import type { RecordImport, ScanBeatInput, Store } from '../../src-main/store';

export function tempDir(prefix = 'beatlens-store-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A record of `nSamples` noisy samples on `nLeads` leads with a beat every `beatEvery` samples
 * (every fifth one a V) and segments of `segSamples` samples tiling it.
 */
export function fakeImport(
  id: string,
  opts: {
    nSamples?: number;
    nLeads?: number;
    beatEvery?: number;
    segSamples?: number;
    seed?: number;
  } = {},
): RecordImport & { beats: Beat[]; segments: { task: string; items: Segment[] } } {
  const nSamples = opts.nSamples ?? 5000;
  const nLeads = opts.nLeads ?? 2;
  const beatEvery = opts.beatEvery ?? 300;
  const segSamples = opts.segSamples ?? 1000;
  const rng = createRng(opts.seed ?? 1);
  const signals = Array.from({ length: nLeads }, () => {
    const s = new Float32Array(nSamples);
    for (let i = 0; i < nSamples; i++) s[i] = rng.normal();
    return s;
  });
  const record: EcgRecord = {
    id,
    patientId: `p-${id}`,
    fs: 360,
    nSamples,
    leadNames: Array.from({ length: nLeads }, (_, l) => `L${l}`),
    units: Array.from({ length: nLeads }, () => 'mV'),
    signals,
    source: `test:${id}`,
  };
  const beats: Beat[] = [];
  for (let s = beatEvery / 2, k = 0; s < nSamples; s += beatEvery, k++) {
    beats.push(
      k % 5 === 4 ? { sample: s, symbol: 'V', aami: 'V' } : { sample: s, symbol: 'N', aami: 'N' },
    );
  }
  const items: Segment[] = [];
  for (let offset = 0; offset + segSamples <= nSamples; offset += segSamples) {
    const data = new Float32Array(nLeads * segSamples);
    for (let l = 0; l < nLeads; l++)
      data.set(signals[l].subarray(offset, offset + segSamples), l * segSamples);
    const inside = beats.filter((b) => b.sample >= offset && b.sample < offset + segSamples);
    items.push({
      recordId: id,
      patientId: record.patientId,
      offset,
      length: segSamples,
      nLeads,
      nSamples: segSamples,
      fs: 360,
      label: inside.some((b) => b.aami === 'V') ? 'PVC' : 'APB',
      beats: inside.map((b) => ({
        position: b.sample - offset,
        start: Math.max(0, b.sample - offset - 50),
        end: Math.min(segSamples, b.sample - offset + 50),
        symbol: b.symbol,
        aami: b.aami,
      })),
      data,
    });
  }
  return {
    record,
    format: 'other',
    checksum: `sha-${id}`,
    beats,
    segments: { task: 'pvc-apb', items },
  };
}

/** Shape of the records the crash test imports: two 0.2 MB signal blobs, ~170 beats, 50 segments. */
export const CRASH_RECORD = { nSamples: 50_000, nLeads: 2, beatEvery: 300, segSamples: 1000 };

/** One beat of a scan, an N beat in a normal segment unless told otherwise. */
export function scanBeat(
  sample: number,
  machineLabel: ScanBeatInput['machineLabel'] = 'N',
  over: Partial<ScanBeatInput> = {},
): ScanBeatInput {
  return {
    beatSample: sample,
    machineLabel,
    score: 0.5,
    correlation: 0.9,
    segmentLabel: 'NORMAL',
    segmentProbability: 0.8,
    referenceSymbol: null,
    ...over,
  };
}

/** Imports record '100' (fakeImport) into `s` and stores a scan of it with `beats`. */
export function fakeScan(s: Store, beats: readonly ScanBeatInput[]): number {
  s.records.import(fakeImport('100'));
  return s.beatReviews.createScan({
    recordId: '100',
    modelName: 'test model',
    beatSource: 'annotations',
    fs: 360,
    minProbability: 0.5,
    beats: [...beats],
  });
}
