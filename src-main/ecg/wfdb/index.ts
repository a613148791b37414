/** WFDB reader: headers, signal formats, annotations (PhysioNet WFDB file formats). */
export { readWfdbHeader, parseWfdbHeader, WFDB_DEFAULT_GAIN, WFDB_DEFAULT_FS } from './header';
export type { WfdbHeader, WfdbSignalSpec } from './header';
export { readWfdbRecord, readWfdbAdc, wfdbRecordBase } from './record';
export type { WfdbAdcSignals } from './record';
export {
  readWfdbAnnotations,
  parseMitAnnotations,
  readBeats,
  aamiClass,
  annotationSymbol,
} from './annotations';
export type { WfdbAnnotation } from './annotations';
export { annotationCode, formatMitAnnotations, writeWfdbAnnotations } from './annotation-writer';
export type { WfdbAnnotationOut } from './annotation-writer';
export { SUPPORTED_FORMATS, FLAC_FORMATS } from './formats';
export type { WfdbFormat } from './formats';
