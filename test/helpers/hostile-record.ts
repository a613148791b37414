/**
 * The hostile WFDB record of the file-read hole: a header in `rec/` that names `../secret.bin`
 * as its signal file, in format 80 (one byte per sample) and without a checksum, so that without
 * the file-name guard the secret's bytes would be imported as samples, byte-exact.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_TEXT = 'TOP-SECRET other patient 4711: do not read';

export interface HostileRecord {
  /** The header: `<dir>/rec/evil.hea`. */
  headerPath: string;
  /** The file it points at: `<dir>/secret.bin`. */
  secretPath: string;
}

/** Writes the hostile record and its target under `dir`; `signalFile` overrides the name. */
export function writeHostileRecord(dir: string, signalFile = '../secret.bin'): HostileRecord {
  const rec = join(dir, 'rec');
  mkdirSync(rec, { recursive: true });
  const secretPath = join(dir, 'secret.bin');
  writeFileSync(secretPath, SECRET_TEXT);
  const headerPath = join(rec, 'evil.hea');
  writeFileSync(headerPath, `evil 1 360\n${signalFile} 80\n`);
  return { headerPath, secretPath };
}

/** The secret's bytes as format-80 samples would decode them (physical = (byte - 128) / 200). */
export function secretAsSamples(): number[] {
  return [...Buffer.from(SECRET_TEXT)].map((b) => (b - 128) / 200);
}
