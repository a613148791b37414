/**
 * Trained models as assets: the shipped models (every folder of resources/models with a
 * model.json: `default`, the one the clinic scan and the app use when none is chosen, and
 * `localiser`, the one whose map localises the abnormal beats best), and a model library in
 * $BEATLENS_HOME/models/<name>/ that `beatlens models list|import|export` and the app share. A
 * shipped model's name always means the shipped one: a library folder of that name is neither
 * listed nor resolved, and importing under that name is refused. A model folder is what
 * `saveModel` writes (model.json with its config, weights checksum and `meta`, weights.bin) plus,
 * for shipped models, MODEL_CARD.md.
 *
 * `meta` carries what a user and the inference path need: the training data fingerprint,
 * protocol, metrics, the ids of its training segments (so studies can avoid them), the lead
 * names and the beat threshold (ModelRunInfo).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { loadModel, MANIFEST_FILE, readModelManifest, type ModelManifest } from '../model/weights';
import type { BeatlensModel } from '../model/types';
import { beatlensHome, projectRoot } from '../paths';
import type { ModelRunInfo } from './infer-record';
import { validateBeatHead, type BeatHead } from './beat-head';
import { parseQualityBounds } from './record-quality';

/** The name of the shipped model the clinic scan and the app use when none is chosen. */
export const DEFAULT_MODEL = 'default';

/** The model the clinic scan and the app use when none is chosen. */
export function defaultModelDir(): string {
  return resolve(projectRoot, 'resources', 'models', DEFAULT_MODEL);
}

/** A model name: a library folder's, or a shipped one's. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface ShippedModel {
  name: string;
  dir: string;
}

/**
 * The shipped models: the default model's folder `defaultDir` (listed when it holds a
 * model.json) as 'default', then every other folder beside it that holds a model.json, by name
 * (their folder names are their names). Tests move the shipped models by passing another
 * default folder; its parent is then the shipped root.
 */
export function shippedModels(defaultDir: string = defaultModelDir()): ShippedModel[] {
  const out: ShippedModel[] = [];
  const def = resolve(defaultDir);
  if (existsSync(join(def, MANIFEST_FILE))) out.push({ name: DEFAULT_MODEL, dir: def });
  const root = dirname(def);
  if (!existsSync(root)) return out;
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (dir === def || name === DEFAULT_MODEL || !NAME_RE.test(name)) continue;
    if (existsSync(join(dir, MANIFEST_FILE))) out.push({ name, dir });
  }
  return out;
}

/** Whether `name` is a shipped model's name (with the default folder `defaultDir`). */
function isShippedName(name: string, defaultDir: string): boolean {
  return name === DEFAULT_MODEL || shippedModels(defaultDir).some((m) => m.name === name);
}

/** Where imported and app-trained models live. */
export function modelLibraryDir(): string {
  return join(beatlensHome(), 'models');
}

export interface ModelSummary {
  name: string;
  dir: string;
  method: string;
  classes: string[];
  fs: number;
  /** Input channels: the ECG leads, then `rhythmChannels` rhythm channels. */
  nLeads: number;
  /** How many of the input channels are rhythm channels (src-main/ecg/rhythm-channels.ts). */
  rhythmChannels: number;
  savedAt: string;
  /** One line: what it was trained on and how it scored. */
  description: string;
  shipped: boolean;
  /** meta.name, else the folder's name. */
  title: string;
  /** meta.leads (names the model was trained on, 'V1|V2' = alternatives), null when absent. */
  leads: string[] | null;
  nSamples: number;
  /** The manifest's meta (provenance: run, fold, training segments, …). */
  meta: Record<string, unknown>;
}

/** The run information a manifest's meta holds (lead names, beat threshold). */
export function runInfoOf(m: ModelManifest): ModelRunInfo {
  const meta = m.meta ?? {};
  const leads = Array.isArray(meta.leads) ? (meta.leads as unknown[]).map(String) : undefined;
  const t = Number(meta.beatThreshold);
  const r = Number(meta.maxCorrelation);
  const p = Number(meta.maxPrematurity);
  const c = Number(meta.minCompensation);
  const f = Number(meta.rhythmFreeCorrelation);
  return {
    leads,
    beatThreshold: Number.isFinite(t) && t > 0 && t <= 1 ? t : undefined,
    maxCorrelation: Number.isFinite(r) && r > -1 && r <= 1 ? r : undefined,
    maxPrematurity: Number.isFinite(p) && p > 0 && p <= 2 ? p : undefined,
    minCompensation: Number.isFinite(c) && c > 0 && c <= 4 ? c : undefined,
    rhythmFreeCorrelation: Number.isFinite(f) && f > -1 && f <= 1 ? f : undefined,
    qualityBounds: parseQualityBounds(meta.qualityBounds),
  };
}

function summarise(dir: string, shipped: boolean, name: string = basename(dir)): ModelSummary {
  const m = readModelManifest(dir);
  const meta = m.meta ?? {};
  return {
    name,
    dir,
    method: m.method,
    classes: m.classes,
    fs: m.fs,
    nLeads: m.nLeads,
    rhythmChannels: m.config.rhythmChannels ?? 0,
    savedAt: m.savedAt,
    description: typeof meta.description === 'string' ? meta.description : `${m.method} model`,
    shipped,
    title: typeof meta.name === 'string' ? meta.name : basename(dir),
    leads: runInfoOf(m).leads ?? null,
    nSamples: m.nSamples,
    meta,
  };
}

/**
 * The shipped models ('default' first, then the others by name; see shippedModels) and every
 * model in the library (`libraryDir`, default modelLibraryDir(); the app passes its own home's),
 * by name. `shippedDir` is the default model's folder (tests move it; its parent holds the other
 * shipped models). A library folder named like a shipped model is left out: the name means the
 * shipped one. A damaged default model fails the list; another damaged folder is left out.
 */
export function listModels(
  libraryDir: string = modelLibraryDir(),
  shippedDir: string = defaultModelDir(),
): ModelSummary[] {
  const out: ModelSummary[] = [];
  const shipped = shippedModels(shippedDir);
  for (const s of shipped) {
    try {
      out.push(summarise(s.dir, true, s.name));
    } catch (e) {
      if (s.name === DEFAULT_MODEL) throw e;
    }
  }
  const taken = new Set([DEFAULT_MODEL, ...shipped.map((s) => s.name)]);
  const lib = libraryDir;
  if (existsSync(lib)) {
    for (const name of readdirSync(lib).sort()) {
      const dir = join(lib, name);
      if (taken.has(name) || !existsSync(join(dir, 'model.json'))) continue;
      try {
        out.push(summarise(dir, false));
      } catch {
        // A damaged folder is listed by `models check`, not here.
      }
    }
  }
  return out;
}

/**
 * A model folder by shipped name ('default' when `ref` is absent, 'localiser', …), path, or
 * library name (in `libraryDir`), in that order: a shipped name always means the shipped model
 * (`./localiser` names a folder of that name). `shippedDir` as in listModels.
 */
export function resolveModelDir(
  ref?: string,
  libraryDir: string = modelLibraryDir(),
  shippedDir: string = defaultModelDir(),
): string {
  if (!ref || ref === DEFAULT_MODEL) {
    const dir = resolve(shippedDir);
    if (!existsSync(join(dir, 'model.json'))) {
      throw new BeatlensError(
        'model-missing',
        `no shipped model at ${dir}: pass --model DIR (a folder written by train or cv)`,
      );
    }
    return dir;
  }
  const shipped = shippedModels(shippedDir);
  const named = shipped.find((m) => m.name === ref);
  if (named) return named.dir;
  if (existsSync(join(ref, 'model.json'))) return resolve(ref);
  const inLibrary = join(libraryDir, ref);
  if (existsSync(join(inLibrary, 'model.json'))) return inLibrary;
  throw new BeatlensError(
    'model-missing',
    `model '${ref}' is neither a shipped model (${shipped.map((m) => m.name).join(', ')}), a model folder (no model.json there) nor a model in ${libraryDir}`,
  );
}

/** Loads a model (checksum and architecture checked) with its run information. */
export async function loadModelAsset(
  ref?: string,
  libraryDir: string = modelLibraryDir(),
  shippedDir: string = defaultModelDir(),
  /** beatHead false: the beat rule alone (the segment-labels-only variant). */
  opts: { beatHead?: boolean } = {},
): Promise<{ model: BeatlensModel; info: ModelRunInfo; name: string; dir: string }> {
  const dir = resolveModelDir(ref, libraryDir, shippedDir);
  const manifest = readModelManifest(dir);
  const model = await loadModel(dir);
  const meta = manifest.meta ?? {};
  const name = typeof meta.name === 'string' ? meta.name : basename(dir);
  const beatHead = opts.beatHead === false ? undefined : shippedBeatHead();
  return { model, info: { ...runInfoOf(manifest), ...(beatHead ? { beatHead } : {}) }, name, dir };
}

/** The shipped beat head (resources/beat-head/head.json, scripts/train-beat-head.ts). */
export const BEAT_HEAD_PATH = resolve(projectRoot, 'resources', 'beat-head', 'head.json');

/** The shipped beat head, checked; null where the file is absent. */
export function shippedBeatHead(path: string = BEAT_HEAD_PATH): BeatHead | null {
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new BeatlensError('bad-input', `${path} is not valid JSON`);
  }
  return validateBeatHead(parsed, path);
}

export interface ImportModelOptions {
  /** The library to import into (default modelLibraryDir()). */
  libraryDir?: string;
  /** Fields merged into the copy's model.json meta (e.g. the app's run and fold provenance). */
  meta?: Record<string, unknown>;
  /** The default shipped model's folder, as in listModels: its shipped names are refused. */
  shippedDir?: string;
}

/**
 * Merges `meta` into the model.json meta of the model folder `dir`, in place. The weights
 * checksum covers weights.bin only, so amending meta keeps the model valid.
 */
export function amendModelMeta(dir: string, meta: Record<string, unknown>): void {
  const path = join(dir, MANIFEST_FILE);
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as ModelManifest;
  manifest.meta = { ...manifest.meta, ...meta };
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Copies a model folder into the library under `name` (checked first; nothing half-written:
 * the copy is made under a temporary name, its meta amended, then renamed).
 */
export async function importModel(
  src: string,
  name: string,
  opts: ImportModelOptions = {},
): Promise<ModelSummary> {
  const libraryDir = opts.libraryDir ?? modelLibraryDir();
  if (!NAME_RE.test(name)) {
    throw new BeatlensError(
      'model-name',
      `model name '${name}' must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  if (isShippedName(name, opts.shippedDir ?? defaultModelDir())) {
    throw new BeatlensError(
      'model-name',
      `model name '${name}' is the name of a shipped model; choose another`,
    );
  }
  const from = resolve(src);
  (await loadModel(from)).dispose(); // refuses a truncated, tampered or foreign model
  const dest = join(libraryDir, name);
  if (existsSync(dest)) {
    throw new BeatlensError('model-exists', `a model named '${name}' is already in ${libraryDir}`);
  }
  mkdirSync(libraryDir, { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    cpSync(from, tmp, { recursive: true });
    if (opts.meta) amendModelMeta(tmp, opts.meta);
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return summarise(dest, false);
}

/** Copies a model (shipped name, library name or folder) to a new folder `dest`. */
export async function exportModel(ref: string, dest: string): Promise<string> {
  const from = resolveModelDir(ref);
  const to = resolve(dest);
  if (existsSync(to)) throw new BeatlensError('model-exists', `${to} already exists`);
  (await loadModel(from)).dispose();
  const tmp = `${to}.${process.pid}.tmp`;
  cpSync(from, tmp, { recursive: true });
  renameSync(tmp, to);
  return to;
}
