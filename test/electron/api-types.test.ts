/**
 * The typecheck maps 'electron' to the subset in src-main/electron/electron-api.d.ts on every
 * machine (where the Electron binary cannot be downloaded, npm drops the package and its types).
 * Where the package is installed, this compiles api-types/compat.ts against Electron's own
 * declarations, so the subset cannot drift from the real API unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const REAL = resolve(ROOT, 'node_modules', 'electron', 'electron.d.ts');

describe('the Electron API subset', () => {
  it.skipIf(!existsSync(REAL))(
    existsSync(REAL)
      ? "matches Electron's own declarations"
      : `skipped: ${REAL} is not installed (the electron package was dropped)`,
    () => {
      const tsc = resolve(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = spawnSync(
        process.execPath,
        [tsc, '-p', resolve(import.meta.dirname, 'api-types', 'tsconfig.json')],
        { encoding: 'utf8' },
      );
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
    120_000,
  );
});
