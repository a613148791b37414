/**
 * Where tests find real public ECG databases: one setting, BEATLENS_DATA, falling back to
 * ../shared/data beside the project root. Tests that need a database call `dataset(name)` and
 * skip with the returned reason when it is absent.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataRoot } from '../../src-main/paths';

export const DATA_ROOT = dataRoot();

export interface DatasetLocation {
  dir: string;
  present: boolean;
  /** Why a test that needs it is skipped. */
  skipReason: string;
}

export function dataset(name: string, requiredFile?: string): DatasetLocation {
  const dir = resolve(DATA_ROOT, name);
  const probe = requiredFile ? resolve(dir, requiredFile) : dir;
  const present = existsSync(probe);
  return {
    dir,
    present,
    skipReason: `${probe} not found (set BEATLENS_DATA to the folder holding ${name}/)`,
  };
}
