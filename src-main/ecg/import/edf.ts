/**
 * EDF / EDF+ reader (https://www.edfplus.info/specs/edf.html). No maintained npm EDF reader
 * exists, and the format is small: a 256-byte ASCII header, 256 bytes per signal, then data
 * records of little-endian int16 samples, signal after signal. Physical value =
 * physMin + (digital - digMin) × (physMax - physMin) / (digMax - digMin).
 * "EDF Annotations" channels are skipped; EDF+D (discontinuous) files are rejected because a
 * record's samples would not be contiguous in time.
 */
import { basename, extname } from 'node:path';
import { BeatlensError } from '../../errors';
import type { EcgRecord } from '../types';
import { readBytes } from './files';

export interface EdfSignalHeader {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
}

export interface EdfHeader {
  version: string;
  patient: string;
  recording: string;
  startDate: string;
  startTime: string;
  headerBytes: number;
  /** 'EDF+C', 'EDF+D' or '' for plain EDF. */
  reserved: string;
  /** Data records in the file (after resolving -1 from the file size). */
  nRecords: number;
  recordSeconds: number;
  signals: EdfSignalHeader[];
}

const ANNOTATION_LABEL = 'EDF Annotations';

/** Parses the header; `bytes` is the whole file (its size resolves nRecords = -1 and truncation). */
export function parseEdfHeader(bytes: Uint8Array, path: string): EdfHeader {
  const bad = (what: string): never => {
    throw new BeatlensError('edf-header', `${path}: bad EDF header: ${what}`);
  };
  if (bytes.length < 256) bad(`file is ${bytes.length} bytes, shorter than the 256-byte header`);
  if (bytes[0] === 0xff) bad('this is a BDF (24-bit) file, which beatlens does not read');
  const ascii = (start: number, len: number): string =>
    Buffer.from(bytes.subarray(start, start + len))
      .toString('latin1')
      .trim();
  const num = (start: number, len: number, what: string, integer: boolean): number => {
    const s = ascii(start, len);
    const v = Number(s);
    if (s === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      bad(`${what} '${s}' is not ${integer ? 'an integer' : 'a number'}`);
    }
    return v;
  };
  const version = ascii(0, 8);
  if (version !== '0') bad(`version field '${version}' should be '0'`);
  const headerBytes = num(184, 8, 'header size', true);
  const reserved = ascii(192, 44);
  let nRecords = num(236, 8, 'number of data records', true);
  const recordSeconds = num(244, 8, 'data record duration', false);
  const ns = num(252, 4, 'number of signals', true);
  if (ns < 1 || ns > 4096) bad(`number of signals ${ns} is out of range`);
  if (headerBytes !== 256 * (ns + 1)) {
    bad(`header size ${headerBytes} should be 256 × (1 + ${ns} signals) = ${256 * (ns + 1)}`);
  }
  if (bytes.length < headerBytes)
    bad(`file is ${bytes.length} bytes, shorter than its ${headerBytes}-byte header`);
  // 0 is legal for annotation-only EDF+ files; readEdfRecord rejects those for lacking signals.
  if (!(recordSeconds >= 0)) bad(`data record duration ${recordSeconds} s is negative`);

  const field = (offset: number, width: number, i: number): [number, number] => [
    256 + offset * ns + width * i,
    width,
  ];
  const signals: EdfSignalHeader[] = [];
  for (let i = 0; i < ns; i++) {
    const label = ascii(...field(0, 16, i));
    const s: EdfSignalHeader = {
      label,
      transducer: ascii(...field(16, 80, i)),
      physicalDimension: ascii(...field(96, 8, i)),
      physicalMin: num(...field(104, 8, i), `signal ${i} physical minimum`, false),
      physicalMax: num(...field(112, 8, i), `signal ${i} physical maximum`, false),
      digitalMin: num(...field(120, 8, i), `signal ${i} digital minimum`, true),
      digitalMax: num(...field(128, 8, i), `signal ${i} digital maximum`, true),
      prefiltering: ascii(...field(136, 80, i)),
      samplesPerRecord: num(...field(216, 8, i), `signal ${i} samples per record`, true),
    };
    if (s.samplesPerRecord < 1)
      bad(`signal ${i} (${label}) has ${s.samplesPerRecord} samples per record`);
    if (!(s.digitalMax > s.digitalMin)) {
      bad(
        `signal ${i} (${label}) digital maximum ${s.digitalMax} is not above minimum ${s.digitalMin}`,
      );
    }
    if (s.physicalMax === s.physicalMin)
      bad(`signal ${i} (${label}) has equal physical minimum and maximum`);
    signals.push(s);
  }
  const recordBytes = 2 * signals.reduce((a, s) => a + s.samplesPerRecord, 0);
  const available = Math.floor((bytes.length - headerBytes) / recordBytes);
  if (nRecords === -1) nRecords = available;
  else if (nRecords < 0) bad(`number of data records ${nRecords} is negative`);
  else if (available < nRecords) {
    throw new BeatlensError(
      'edf-truncated',
      `${path}: truncated EDF file: header says ${nRecords} data records but the file holds ${available}`,
    );
  }
  return {
    version,
    patient: ascii(8, 80),
    recording: ascii(88, 80),
    startDate: ascii(168, 8),
    startTime: ascii(176, 8),
    headerBytes,
    reserved,
    nRecords,
    recordSeconds,
    signals,
  };
}

/** Reads an EDF/EDF+ file into physical units (one lead per non-annotation signal). */
export function readEdfRecord(path: string): EcgRecord {
  const bytes = readBytes(path, 'EDF file');
  const h = parseEdfHeader(bytes, path);
  if (h.reserved.startsWith('EDF+D')) {
    throw new BeatlensError(
      'edf-discontinuous',
      `${path}: EDF+D (discontinuous) recordings are not supported; export a continuous EDF+C file`,
    );
  }
  const keep = h.signals.map((s, i) => ({ s, i })).filter(({ s }) => s.label !== ANNOTATION_LABEL);
  if (keep.length === 0) {
    throw new BeatlensError('edf-no-signals', `${path}: EDF file holds only annotation channels`);
  }
  if (!(h.recordSeconds > 0)) {
    throw new BeatlensError('edf-header', `${path}: bad EDF header: data record duration is 0 s`);
  }
  const spr = keep[0].s.samplesPerRecord;
  const odd = keep.find(({ s }) => s.samplesPerRecord !== spr);
  if (odd) {
    throw new BeatlensError(
      'edf-multifrequency',
      `${path}: signals are sampled at different rates (${keep[0].s.label}: ${spr / h.recordSeconds} Hz, ${odd.s.label}: ${odd.s.samplesPerRecord / h.recordSeconds} Hz); multi-frequency files are not supported`,
    );
  }
  const nSamples = h.nRecords * spr;
  // Byte offset of each signal inside one data record.
  const offsets: number[] = [];
  let acc = 0;
  for (const s of h.signals) {
    offsets.push(acc);
    acc += 2 * s.samplesPerRecord;
  }
  const recordBytes = acc;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signals = keep.map(({ s, i }) => {
    const out = new Float32Array(nSamples);
    const scale = (s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin);
    const { digitalMin, physicalMin } = s;
    for (let r = 0; r < h.nRecords; r++) {
      let p = h.headerBytes + r * recordBytes + offsets[i];
      const base = r * spr;
      for (let k = 0; k < spr; k++, p += 2) {
        out[base + k] = physicalMin + (view.getInt16(p, true) - digitalMin) * scale;
      }
    }
    return out;
  });
  const id = basename(path, extname(path));
  return {
    id,
    patientId: (h.reserved.startsWith('EDF+') ? edfPatientCode(h.patient) : null) ?? id,
    fs: spr / h.recordSeconds,
    nSamples,
    leadNames: keep.map(({ s }) => s.label),
    units: keep.map(({ s }) => s.physicalDimension),
    signals,
    source: path,
  };
}

/** EDF+ patient field: "code sex birthdate name", 'X' for unknown subfields. */
function edfPatientCode(patient: string): string | null {
  const code = patient.split(/\s+/)[0];
  return code && code !== 'X' && code !== '0' ? code : null;
}
