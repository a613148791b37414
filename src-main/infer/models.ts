/**
 * Trained models as assets: the shipped default model (resources/models/default), and a model
 * library in $BEATLENS_HOME/models/<name>/ that `beatlens models list|import|export` and the
 * app share. A model folder is what `saveModel` writes (model.json with its config, weights
 * checksum and `meta`, weights.bin) plus, for shipped models, MODEL_CARD.md.
 *
 * `meta` carries what a user and the inference path need: the training data fingerprint,
 * protocol, metrics, the ids of its training segments (so studies can avoid them), the lead
 * names and the beat threshold (ModelRunInfo).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { BeatlensError } from '../errors';
import { loadModel, readModelManifest, type ModelManifest } from '../model/weights';
import type { BeatlensModel } from '../model/types';
import { beatlensHome, projectRoot } from '../paths';
import type { ModelRunInfo } from './inferRecord';

/** The model the clinic scan and the app use when none is chosen. */
export function defaultModelDir(): string {
  return resolve(projectRoot, 'resources', 'models', 'default');
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
  nLeads: number;
  savedAt: string;
  /** One line: what it was trained on and how it scored. */
  description: string;
  shipped: boolean;
}

/** The run information a manifest's meta holds (lead names, beat threshold). */
export function runInfoOf(m: ModelManifest): ModelRunInfo {
  const meta = m.meta ?? {};
  const leads = Array.isArray(meta.leads) ? (meta.leads as unknown[]).map(String) : undefined;
  const t = Number(meta.beatThreshold);
  return { leads, beatThreshold: Number.isFinite(t) && t > 0 && t <= 1 ? t : undefined };
}

function summarise(dir: string, shipped: boolean): ModelSummary {
  const m = readModelManifest(dir);
  const meta = m.meta ?? {};
  return {
    name: shipped ? 'default' : basename(dir),
    dir,
    method: m.method,
    classes: m.classes,
    fs: m.fs,
    nLeads: m.nLeads,
    savedAt: m.savedAt,
    description: typeof meta.description === 'string' ? meta.description : `${m.method} model`,
    shipped,
  };
}

/** The shipped default model (when present) and every model in the library. */
export function listModels(): ModelSummary[] {
  const out: ModelSummary[] = [];
  if (existsSync(join(defaultModelDir(), 'model.json'))) {
    out.push(summarise(defaultModelDir(), true));
  }
  const lib = modelLibraryDir();
  if (existsSync(lib)) {
    for (const name of readdirSync(lib).sort()) {
      const dir = join(lib, name);
      if (!existsSync(join(dir, 'model.json'))) continue;
      try {
        out.push(summarise(dir, false));
      } catch {
        // A damaged folder is listed by `models check`, not here.
      }
    }
  }
  return out;
}

/** A model folder by path, library name or 'default'. */
export function resolveModelDir(ref?: string): string {
  if (!ref || ref === 'default') {
    const dir = defaultModelDir();
    if (!existsSync(join(dir, 'model.json'))) {
      throw new BeatlensError(
        'model-missing',
        `no shipped model at ${dir}: pass --model DIR (a folder written by train or cv)`,
      );
    }
    return dir;
  }
  if (existsSync(join(ref, 'model.json'))) return resolve(ref);
  const named = join(modelLibraryDir(), ref);
  if (existsSync(join(named, 'model.json'))) return named;
  throw new BeatlensError(
    'model-missing',
    `model '${ref}' is neither a model folder (no model.json there) nor a model in ${modelLibraryDir()}`,
  );
}

/** Loads a model (checksum and architecture checked) with its run information. */
export async function loadModelAsset(
  ref?: string,
): Promise<{ model: BeatlensModel; info: ModelRunInfo; name: string; dir: string }> {
  const dir = resolveModelDir(ref);
  const manifest = readModelManifest(dir);
  const model = await loadModel(dir);
  const meta = manifest.meta ?? {};
  const name = typeof meta.name === 'string' ? meta.name : basename(dir);
  return { model, info: runInfoOf(manifest), name, dir };
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Copies a model folder into the library under `name` (checked first; nothing half-written). */
export async function importModel(src: string, name: string): Promise<ModelSummary> {
  if (!NAME_RE.test(name)) {
    throw new BeatlensError(
      'model-name',
      `model name '${name}' must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  const from = resolve(src);
  (await loadModel(from)).dispose(); // refuses a truncated, tampered or foreign model
  const dest = join(modelLibraryDir(), name);
  if (existsSync(dest)) {
    throw new BeatlensError(
      'model-exists',
      `a model named '${name}' is already in ${modelLibraryDir()}`,
    );
  }
  mkdirSync(modelLibraryDir(), { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(from, tmp, { recursive: true });
  renameSync(tmp, dest);
  return summarise(dest, false);
}

/** Copies a model (library name, 'default' or folder) to a new folder `dest`. */
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
