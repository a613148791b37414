/**
 * What every run records beside its outputs (run.json) and in the store: the resolved config,
 * the seed, the compute backend and the versions of the packages that shaped the numbers.
 */
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeVersion } from './code-version';

export interface PackageVersions {
  beatlens: string;
  node: string;
  /** @tensorflow/tfjs (core namespace) version. */
  tfjs: string;
  /** Versions of the optional backends that are installed, by package name. */
  backends: Record<string, string>;
}

export interface BackendSummary {
  name: string;
  package?: string;
  version?: string;
  threads?: number;
  simd?: boolean;
}

export interface RunMetadata<C = unknown> {
  runId: string;
  createdAt: string;
  command: string;
  seed: number;
  config: C;
  backend: BackendSummary;
  versions: PackageVersions;
  host: { platform: string; arch: string; cpus: number };
  /** The code that made the run (git commit, dirty flag, numerical-code fingerprint). */
  code?: CodeVersion;
  /** Hash of the very segments the run used (see datasetFingerprint). */
  dataFingerprint?: string;
}

const require = createRequire(import.meta.url);
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function versionOf(pkg: string): string | null {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Versions of node, beatlens and the tfjs packages actually resolvable from this checkout. */
export function packageVersions(): PackageVersions {
  const own = JSON.parse(readFileSync(resolve(projectRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  const backends: Record<string, string> = {};
  for (const p of [
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
  ]) {
    const v = versionOf(p);
    if (v) backends[p] = v;
  }
  return {
    beatlens: own.version,
    node: process.versions.node,
    tfjs: versionOf('@tensorflow/tfjs') ?? 'unknown',
    backends,
  };
}

/** Writes JSON to a temporary name then renames, so a killed process never leaves half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Same as writeJsonAtomic for binary data. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
