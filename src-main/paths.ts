/**
 * Where beatlens keeps its files: one setting each, used by the app and the CLI alike.
 * - BEATLENS_HOME (default ~/.beatlens): the store and saved models.
 * - BEATLENS_DATA (default ../shared/data beside the project root): public ECG databases.
 */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of this module: src-main/ when run from source, dist-main/ when bundled to CommonJS
 * for Electron (where esbuild leaves `import.meta.url` undefined). Both sit in the project root.
 */
function moduleDir(): string {
  const url = import.meta.url as string | undefined;
  if (typeof url === 'string') return dirname(fileURLToPath(url));
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

/** The project root (the folder holding src-main/ and package.json). */
export const projectRoot = resolve(moduleDir(), '..');

export function beatlensHome(): string {
  const env = process.env.BEATLENS_HOME;
  return env ? resolve(env) : join(homedir(), '.beatlens');
}

export function defaultStorePath(): string {
  return join(beatlensHome(), 'beatlens.sqlite');
}

export function dataRoot(): string {
  const env = process.env.BEATLENS_DATA;
  return env ? resolve(env) : resolve(projectRoot, '..', 'shared', 'data');
}
