/** Importers for ECG files other than WFDB, and the extension dispatcher. */
export { readCsvRecord } from './csv';
export type { CsvImportOptions } from './csv';
export { readEdfRecord, parseEdfHeader } from './edf';
export type { EdfHeader, EdfSignalHeader } from './edf';
export { loadRecordFile, IMPORT_EXTENSIONS } from './load';
