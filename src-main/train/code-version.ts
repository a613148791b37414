/**
 * Which code produced a result: the git commit (when the checkout is a git repository), whether
 * the files that shape the numbers had uncommitted changes, and a fingerprint of those files.
 *
 * The fingerprint covers every source file that the training entry points (cross-validation and
 * the named datasets) import, directly or not: data preparation, models, kernels, training. Two
 * results with the same fingerprint were computed by the same numerical code, whatever else
 * changed in the project (the app, the scan, docs). Tables refuse to mix fingerprints.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SegmentDataset } from '../ecg/types';

export interface CodeVersion {
  /** `git rev-parse HEAD`, or null outside a git checkout. */
  commit: string | null;
  /** True when the fingerprinted folders differ from `commit` (uncommitted changes). */
  dirty: boolean | null;
  /** sha256 (first 16 hex digits) over the fingerprinted source files, paths and contents. */
  fingerprint: string;
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The modules whose import closure decides a cross-validation's numbers. */
export const FINGERPRINT_ENTRIES = [
  'src-main/train/cross-validation.ts',
  'src-main/train/datasets.ts',
];

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveModule(fromFile: string, spec: string): string | null {
  const base = resolve(dirname(fromFile), spec);
  for (const c of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

/** Every project source file `entries` reach through relative imports (sorted, absolute). */
export function importClosure(entries: readonly string[], root = projectRoot): string[] {
  const seen = new Set<string>();
  const stack = entries.map((e) => resolve(root, e));
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const dep = resolveModule(f, m[1]);
      if (dep && !seen.has(dep)) stack.push(dep);
    }
  }
  return [...seen].sort();
}

/**
 * Data reading and preparation (src-main/ecg) is left out: the data fingerprint of a run (a hash
 * of the very segments it trained on, `datasetFingerprint`) covers it more exactly. So are the
 * store and the error/path helpers, which do not touch the numbers.
 */
const NOT_NUMERICAL =
  /^src-main\/(ecg\/|store\/|errors\.ts$|paths\.ts$|csv\.ts$|train\/code-version\.ts$)/;

/** The files the code fingerprint covers (relative to the project root, sorted). */
export function fingerprintedFiles(root = projectRoot): string[] {
  return importClosure(FINGERPRINT_ENTRIES, root)
    .map((f) => relative(root, f).replace(/\\/g, '/'))
    .filter((f) => !NOT_NUMERICAL.test(f));
}

const hasSources = (root: string): boolean =>
  FINGERPRINT_ENTRIES.every((e) => existsSync(join(root, e)));

/**
 * sha256 over the fingerprinted files (relative paths, then contents). A bundled app has no
 * sources beside it: its fingerprint is then 'bundle', and tables refuse to mix it with others.
 */
export function codeFingerprint(root = projectRoot): string {
  if (!hasSources(root)) return 'bundle';
  const h = createHash('sha256');
  for (const f of fingerprintedFiles(root)) {
    h.update(f);
    h.update('\0');
    h.update(readFileSync(join(root, f)));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

function git(args: string[], root: string): string | null {
  try {
    return execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

let cached: CodeVersion | null = null;

/** The code version of this checkout (computed once per process). */
export function codeVersion(): CodeVersion {
  if (cached) return cached;
  const commit = git(['rev-parse', 'HEAD'], projectRoot);
  const files = hasSources(projectRoot) ? fingerprintedFiles() : [];
  const status =
    commit && files.length > 0 ? git(['status', '--porcelain', '--', ...files], projectRoot) : null;
  cached = {
    commit,
    dirty: status === null ? null : status.length > 0,
    fingerprint: codeFingerprint(),
  };
  return cached;
}

/**
 * sha256 (first 16 hex digits) of a dataset as a model sees it: shape, classes, every sample,
 * label and segment origin. Two runs with the same value trained on identical inputs.
 */
export function datasetFingerprint(d: SegmentDataset): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([d.nLeads, d.nSamples, d.fs, d.classes]));
  h.update(new Uint8Array(d.x.buffer, d.x.byteOffset, d.x.byteLength));
  h.update(new Uint8Array(d.y.buffer, d.y.byteOffset, d.y.byteLength));
  h.update(JSON.stringify(d.meta.map((m) => [m.recordId, m.patientId, m.offset, m.length])));
  return h.digest('hex').slice(0, 16);
}
