/**
 * WFDB record reader: header + signal files → EcgRecord in physical units.
 * Physical value = (adc - baseline) / gain, as WFDB's `aduphys`. Every signal's decoded samples
 * are checked against the header's 16-bit checksum, so a corrupt or mismatched .dat is caught.
 */
import { basename, dirname, join } from 'node:path';
import { BeatlensError } from '../../errors';
import { readBytes } from '../import/files';
import type { EcgRecord } from '../types';
import {
  FLAC_FORMATS,
  decodeStream,
  invalidSampleValue,
  isSupportedFormat,
  samplesInBytes,
} from './formats';
import type { WfdbFormat } from './formats';
import { readWfdbHeader, wfdbStartTime } from './header';
import type { WfdbHeader, WfdbSignalSpec } from './header';

/** Signals that wfdb's edf2mit copies from an EDF+ annotation channel: text, not a waveform. */
const EDF_ANNOTATION_DESCRIPTION = 'EDF Annotations';

/** '/data/mitdb/100' or '/data/mitdb/100.hea' → '/data/mitdb/100'. */
export function wfdbRecordBase(recordPath: string): string {
  return recordPath.replace(/\.hea$/i, '');
}

export interface WfdbAdcSignals {
  header: WfdbHeader;
  /** Frames actually read (header nSamples, or derived from the file size when it has none). */
  nFrames: number;
  /** Per header signal, its ADC values, length nFrames × samplesPerFrame. */
  adc: Int32Array[];
}

/**
 * Reads every signal of a record as integer ADC values and verifies the header checksums.
 * Exposed for tools and tests that need raw values; most callers want `readWfdbRecord`.
 */
export function readWfdbAdc(recordPath: string): WfdbAdcSignals {
  const base = wfdbRecordBase(recordPath);
  const headerPath = `${base}.hea`;
  const header = readWfdbHeader(headerPath);
  const dir = dirname(headerPath);
  const hea = basename(headerPath);
  if (header.nSignals === 0) {
    throw new BeatlensError('wfdb-no-signals', `${headerPath}: record has no signals`);
  }

  header.signals.forEach((s, i) => {
    if ((FLAC_FORMATS as readonly number[]).includes(s.format)) {
      throw new BeatlensError(
        'wfdb-format-unsupported',
        `${headerPath}: signal ${i} uses FLAC-compressed format ${s.format}, which beatlens does not read; convert it with WFDB's xform (e.g. -f 16) first`,
      );
    }
    if (!isSupportedFormat(s.format)) {
      throw new BeatlensError(
        'wfdb-format-unknown',
        `${headerPath}: signal ${i} has unknown storage format ${s.format} (supported: 8, 16, 24, 32, 61, 80, 160, 212, 310, 311)`,
      );
    }
    if (s.skew !== 0) {
      throw new BeatlensError(
        'wfdb-skew-unsupported',
        `${headerPath}: signal ${i} is skewed by ${s.skew} frames, which beatlens does not support`,
      );
    }
    if (s.fileName === '~') {
      throw new BeatlensError(
        'wfdb-format-unsupported',
        `${headerPath}: signal ${i} is a null signal ('~') with no samples`,
      );
    }
  });

  // Signals stored in the same file form one interleaved group.
  const groups = new Map<string, number[]>();
  header.signals.forEach((s, i) => {
    const g = groups.get(s.fileName);
    if (g) g.push(i);
    else groups.set(s.fileName, [i]);
  });

  const adc: Int32Array[] = new Array<Int32Array>(header.nSignals);
  let nFramesAll: number | null = header.nSamples;
  const decoded: Array<{
    fileName: string;
    members: number[];
    frameSize: number;
    stream: Int32Array;
  }> = [];
  for (const [fileName, members] of groups) {
    const first = header.signals[members[0]];
    for (const i of members) {
      const s = header.signals[i];
      if (s.format !== first.format || s.byteOffset !== first.byteOffset) {
        throw new BeatlensError(
          'wfdb-header',
          `${headerPath}: signals ${members[0]} and ${i} share ${fileName} but differ in format or byte offset`,
        );
      }
    }
    const format = first.format as WfdbFormat;
    const filePath = join(dir, fileName);
    const bytes = readBytes(filePath, `signal file named by ${hea}`, 'wfdb-missing-file');
    const frameSize = members.reduce((acc, i) => acc + header.signals[i].samplesPerFrame, 0);
    const dataBytes = Math.max(0, bytes.length - first.byteOffset);
    const available = samplesInBytes(format, dataBytes);
    let nFrames: number;
    if (header.nSamples !== null) {
      nFrames = header.nSamples;
      if (available < nFrames * frameSize) {
        throw new BeatlensError(
          'wfdb-truncated',
          `${filePath}: truncated or header lies about length: ${hea} says ${nFrames} samples per signal (${nFrames * frameSize} format-${format} samples) but the file holds only ${Math.floor(available / frameSize)} (${bytes.length} bytes)`,
        );
      }
    } else {
      nFrames = Math.floor(available / frameSize);
      if (nFramesAll === null || nFrames < nFramesAll) nFramesAll = nFrames;
    }
    const stream = new Int32Array(nFrames * frameSize);
    decodeStream(format, bytes.subarray(first.byteOffset), stream);
    decoded.push({ fileName, members, frameSize, stream });
  }
  const nFrames = nFramesAll ?? 0;

  for (const { fileName, members, frameSize, stream } of decoded) {
    let offsetInFrame = 0;
    for (const i of members) {
      const spec = header.signals[i];
      adc[i] = deinterleave(stream, frameSize, offsetInFrame, spec, nFrames);
      offsetInFrame += spec.samplesPerFrame;
      verifyChecksum(adc[i], spec, i, join(dir, fileName), hea);
    }
  }
  return { header, nFrames, adc };
}

function deinterleave(
  stream: Int32Array,
  frameSize: number,
  offsetInFrame: number,
  spec: WfdbSignalSpec,
  nFrames: number,
): Int32Array {
  const spf = spec.samplesPerFrame;
  const out = new Int32Array(nFrames * spf);
  if (spf === 1) {
    for (let t = 0, k = offsetInFrame; t < nFrames; t++, k += frameSize) out[t] = stream[k];
  } else {
    for (let t = 0; t < nFrames; t++) {
      const src = t * frameSize + offsetInFrame;
      for (let j = 0; j < spf; j++) out[t * spf + j] = stream[src + j];
    }
  }
  if (spec.format === 8) {
    // Format 8 stores first differences; WFDB starts the running sum at the initial value.
    let v = spec.initValue;
    for (let t = 0; t < out.length; t++) {
      v += out[t];
      out[t] = v;
    }
  }
  return out;
}

/** WFDB's checksum is the sum of a signal's samples modulo 2^16 (stored as a signed short). */
function verifyChecksum(
  values: Int32Array,
  spec: WfdbSignalSpec,
  index: number,
  filePath: string,
  hea: string,
): void {
  if (spec.checksum === null) return;
  let sum = 0;
  for (let t = 0; t < values.length; t++) sum = (sum + values[t]) & 0xffff;
  const expected = ((spec.checksum % 65536) + 65536) % 65536;
  if (sum !== expected) {
    const signed = sum >= 32768 ? sum - 65536 : sum;
    throw new BeatlensError(
      'wfdb-checksum',
      `${filePath}: checksum mismatch for signal ${index} (${spec.description || 'unnamed'}): ${hea} says ${spec.checksum}, the decoded samples sum to ${signed} (mod 2^16); the file is corrupt or does not belong to this header`,
    );
  }
}

/**
 * Reads a WFDB record into physical units. `recordPath` is the path without extension
 * ('/data/mitdb/100'); a '.hea' suffix is accepted. Signals converted from an EDF+ annotation
 * channel are dropped; the remaining signals must share one sampling rate.
 */
export function readWfdbRecord(recordPath: string, opts: { patientId?: string } = {}): EcgRecord {
  const { header, nFrames, adc } = readWfdbAdc(recordPath);
  const keep = header.signals
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.description !== EDF_ANNOTATION_DESCRIPTION);
  if (keep.length === 0) {
    throw new BeatlensError(
      'wfdb-no-signals',
      `${header.headerPath}: record has no waveform signals`,
    );
  }
  const spf = keep[0].s.samplesPerFrame;
  const odd = keep.find(({ s }) => s.samplesPerFrame !== spf);
  if (odd) {
    throw new BeatlensError(
      'wfdb-multifrequency',
      `${header.headerPath}: signals are sampled at different rates (signal ${keep[0].i}: ${spf * header.fs} Hz, signal ${odd.i}: ${odd.s.samplesPerFrame * header.fs} Hz); multi-frequency records are not supported`,
    );
  }
  const signals = keep.map(({ s, i }) => toPhysical(adc[i], s));
  const id = header.recordName;
  return {
    id,
    patientId: opts.patientId ?? id,
    fs: header.fs * spf,
    nSamples: nFrames * spf,
    leadNames: keep.map(({ s, i }) => s.description || `signal ${i}`),
    units: keep.map(({ s }) => s.units),
    signals,
    source: header.headerPath,
    ...startOf(header),
  };
}

/** `{ startTime }` when the header gives a valid base time, else nothing (older shapes kept). */
function startOf(header: WfdbHeader): Pick<EcgRecord, 'startTime'> {
  const startTime = wfdbStartTime(header.baseTime, header.baseDate);
  return startTime ? { startTime } : {};
}

function toPhysical(values: Int32Array, spec: WfdbSignalSpec): Float32Array {
  const out = new Float32Array(values.length);
  const invalid = invalidSampleValue(spec.format as WfdbFormat);
  const { baseline } = spec;
  const { gain } = spec;
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    out[t] = v === invalid ? NaN : (v - baseline) / gain;
  }
  return out;
}
