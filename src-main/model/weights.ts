/**
 * Weights I/O. A saved model is a directory with two files:
 * - `model.json`  — format tag and version, the resolved ModelConfig (architecture, method,
 *                   pooling, kernel, nLeads, nSamples, fs, classes), the caller's meta, the weight
 *                   manifest (name, shape, offset) and the SHA-256 of the weights file;
 * - `weights.bin` — every weight as little-endian float32, concatenated in manifest order.
 * Both are written to temporary names and renamed into place, weights first, so a reader never
 * sees a manifest without its weights, and a crash leaves the previous save intact.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BeatlensError } from '../errors';
import { validateModelConfig } from './config';
import { createModel } from './registry';
import { tf } from './tf';
import type { BeatlensModel, Method, ModelConfig } from './types';

export const MODEL_FORMAT = 'beatlens-model';
export const MODEL_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Offset in float32 values from the start of the weights file. */
  offset: number;
  trainable: boolean;
}

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  architecture: string;
  method: Method;
  pooling: ModelConfig['pooling'];
  kernelSamples: number;
  nLeads: number;
  nSamples: number;
  fs: number;
  classes: string[];
  config: ModelConfig;
  weightsFile: string;
  /** Hex SHA-256 of the weights file. */
  weightsSha256: string;
  weights: WeightEntry[];
  savedAt: string;
  meta: Record<string, unknown>;
}

/** What the caller's data looks like; loading a model that does not fit it fails. */
export interface LoadExpectation {
  nLeads?: number;
  fs?: number;
  method?: Method;
  architecture?: string;
  nSamples?: number;
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Saves config, meta and weights into `dir` (created if needed). */
export async function saveModel(
  model: BeatlensModel,
  dir: string,
  meta: Record<string, unknown> = {},
): Promise<{ checksum: string }> {
  const named = model.namedWeights();
  const total = named.reduce((n, w) => n + w.variable.size, 0);
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const w of named) {
    const values = (await w.variable.data()) as Float32Array;
    for (let i = 0; i < values.length; i++) view.setFloat32((offset + i) * 4, values[i], true);
    entries.push({
      name: w.name,
      shape: [...w.variable.shape],
      dtype: 'float32',
      offset,
      trainable: w.trainable,
    });
    offset += values.length;
  }
  const checksum = sha256(bytes);
  const cfg = model.config;
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    architecture: cfg.architecture,
    method: cfg.method,
    pooling: cfg.pooling,
    kernelSamples: cfg.kernelSamples,
    nLeads: cfg.nLeads,
    nSamples: cfg.nSamples,
    fs: cfg.fs,
    classes: cfg.classes,
    config: cfg,
    weightsFile: WEIGHTS_FILE,
    weightsSha256: checksum,
    weights: entries,
    savedAt: new Date().toISOString(),
    meta,
  };
  try {
    mkdirSync(dir, { recursive: true });
    writeAtomic(join(dir, WEIGHTS_FILE), bytes);
    writeAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (e) {
    throw new BeatlensError('model-write', `cannot save model to ${dir}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return { checksum };
}

/** Reads and checks `dir/model.json` without loading weights (for listings and expectations). */
export function readModelManifest(dir: string): ModelManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new BeatlensError('model-missing-file', `model file ${path} does not exist`);
  }
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as ModelManifest;
  } catch (e) {
    throw new BeatlensError('model-corrupt', `model file ${path} is not valid JSON`, { cause: e });
  }
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== MODEL_FORMAT) {
    throw new BeatlensError('model-corrupt', `${path} is not a beatlens model file`);
  }
  if (manifest.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new BeatlensError(
      'model-version',
      `${path} has format version ${manifest.formatVersion}; this beatlens reads version ${MODEL_FORMAT_VERSION}`,
    );
  }
  if (!manifest.config || !Array.isArray(manifest.weights)) {
    throw new BeatlensError('model-corrupt', `${path} lacks its config or weight list`);
  }
  try {
    validateModelConfig(manifest.config);
  } catch (e) {
    throw new BeatlensError('model-corrupt', `${path}: ${(e as Error).message}`, { cause: e });
  }
  return manifest;
}

function checkExpectation(path: string, cfg: ModelConfig, expect: LoadExpectation): void {
  if (expect.architecture !== undefined && expect.architecture !== cfg.architecture) {
    throw new BeatlensError(
      'model-architecture',
      `${path} holds architecture ${cfg.architecture} but ${expect.architecture} was expected`,
    );
  }
  if (expect.method !== undefined && expect.method !== cfg.method) {
    throw new BeatlensError(
      'model-method',
      `${path} holds a ${cfg.method} model but a ${expect.method} model was expected`,
    );
  }
  if (expect.nLeads !== undefined && expect.nLeads !== cfg.nLeads) {
    throw new BeatlensError(
      'model-leads',
      `nLeads=${expect.nLeads} but the model in ${path} was trained on ${cfg.nLeads} leads`,
    );
  }
  if (expect.fs !== undefined && expect.fs !== cfg.fs) {
    throw new BeatlensError(
      'fs-mismatch',
      `fs=${expect.fs} but the model in ${path} was trained at ${cfg.fs} Hz`,
    );
  }
  if (expect.nSamples !== undefined && expect.nSamples !== cfg.nSamples) {
    throw new BeatlensError(
      'model-samples',
      `nSamples=${expect.nSamples} but the model in ${path} takes ${cfg.nSamples}-sample segments`,
    );
  }
}

/**
 * Loads a model saved by `saveModel`, verifying the checksum, the expectation, and that every
 * weight name and shape matches the architecture the config builds.
 */
export async function loadModel(dir: string, expect: LoadExpectation = {}): Promise<BeatlensModel> {
  const manifest = readModelManifest(dir);
  const path = join(dir, MANIFEST_FILE);
  const cfg = manifest.config;
  checkExpectation(path, cfg, expect);
  const weightsPath = join(dir, manifest.weightsFile ?? WEIGHTS_FILE);
  if (!existsSync(weightsPath)) {
    throw new BeatlensError('model-missing-file', `weights file ${weightsPath} does not exist`);
  }
  const bytes = new Uint8Array(readFileSync(weightsPath));
  if (sha256(bytes) !== manifest.weightsSha256) {
    throw new BeatlensError(
      'model-checksum',
      `weights file ${weightsPath} does not match its SHA-256 checksum in ${path} (corrupt or replaced)`,
    );
  }
  const model = createModel(cfg, 0);
  try {
    const named = model.namedWeights();
    const byName = new Map(manifest.weights.map((w) => [w.name, w]));
    const expected = new Set(named.map((w) => w.name));
    const extra = manifest.weights.find((w) => !expected.has(w.name));
    if (extra) {
      throw new BeatlensError(
        'model-architecture',
        `${path} has weight ${extra.name}, which architecture ${cfg.architecture} (${cfg.method}) does not`,
      );
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const nValues = bytes.byteLength / 4;
    for (const w of named) {
      const entry = byName.get(w.name);
      if (!entry) {
        throw new BeatlensError(
          'model-architecture',
          `${path} lacks weight ${w.name} of architecture ${cfg.architecture} (${cfg.method})`,
        );
      }
      const shape = w.variable.shape;
      if (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])) {
        throw new BeatlensError(
          'model-architecture',
          `${path}: weight ${w.name} has shape [${entry.shape}] but the architecture needs [${shape}]`,
        );
      }
      const size = w.variable.size;
      if (!Number.isInteger(entry.offset) || entry.offset < 0 || entry.offset + size > nValues) {
        throw new BeatlensError(
          'model-corrupt',
          `${path}: weight ${w.name} lies outside ${weightsPath}`,
        );
      }
      const values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = view.getFloat32((entry.offset + i) * 4, true);
      w.variable.assign(tf.tensor(values, shape, 'float32'));
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
