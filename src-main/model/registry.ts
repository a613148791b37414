/**
 * timm-style model registry: architecture name → factory. `createModel(cfg, seed)` builds the
 * family named by `cfg.architecture`; new families call `registerModel` once at import time.
 */
import { BeatlensError } from '../errors';
import { DEFAULT_ARCHITECTURE, MIL_ARCHITECTURE } from './config';
import { createUnetCnn } from './joint';
import { createMilFcn } from './mil';
import type { BeatlensModel, ModelConfig } from './types';

export type ModelFactory = (cfg: ModelConfig, seed: number) => BeatlensModel;

const factories = new Map<string, ModelFactory>();

export function registerModel(architecture: string, factory: ModelFactory): void {
  if (factories.has(architecture)) {
    throw new BeatlensError(
      'model-registry',
      `model architecture ${architecture} is already registered`,
    );
  }
  factories.set(architecture, factory);
}

export function listModels(): string[] {
  return [...factories.keys()].sort();
}

/** Builds the model; the same config and seed give the same initial weights. */
export function createModel(cfg: ModelConfig, seed: number): BeatlensModel {
  const factory = factories.get(cfg.architecture);
  if (!factory) {
    throw new BeatlensError(
      'model-architecture',
      `unknown model architecture ${cfg.architecture}; known: ${listModels().join(', ')}`,
    );
  }
  return factory(cfg, seed);
}

registerModel(DEFAULT_ARCHITECTURE, createUnetCnn);
registerModel(MIL_ARCHITECTURE, createMilFcn);
