/**
 * Model configs: defaults derived from the signal contract (nLeads, nSamples, fs, classes) and a
 * validator that rejects inconsistent values with an error naming them (braindecode style).
 */
import { BeatlensError } from '../errors';
import type {
  ClassifierConfig,
  Method,
  MilConfig,
  ModelConfig,
  Pooling,
  PoolingAlign,
  SegmenterConfig,
} from './types';
import { METHODS, POOLING_ALIGNS, POOLINGS } from './types';

/** The one architecture family shipped today (U-Net segmenter + CNN classifier). */
export const DEFAULT_ARCHITECTURE = 'unet1d-cnn';

/** The multiple-instance family (method 'mil' only, src-main/model/mil.ts). */
export const MIL_ARCHITECTURE = 'mil-fcn';

/** Which architecture builds a method when the config does not name one. */
export const architectureFor = (method: Method): string =>
  method === 'mil' ? MIL_ARCHITECTURE : DEFAULT_ARCHITECTURE;

/**
 * Default r of the MIL head's log-mean-exp: at r = 5 and unit-scale evidence, a time step
 * 1 above the rest weighs e^5 ≈ 150 times as much, so one beat can carry the segment while the
 * gradient still reaches every step early in training.
 */
export const DEFAULT_MIL_TEMPERATURE = 5;

/** The class name the segment builder gives all-normal segments (task 'normal-apb-pvc'). */
export const NORMAL_CLASS = 'NORMAL';

/** MIL pooling defaults: NORMAL (when a task has it) is the background class. */
export function defaultMilConfig(classes: string[]): MilConfig {
  return {
    temperature: DEFAULT_MIL_TEMPERATURE,
    normalClass: classes.includes(NORMAL_CLASS) ? NORMAL_CLASS : null,
  };
}

/**
 * Kernel of the MIL head's convolutions so that the receptive field of one evidence step is about
 * one normal beat (≈ 1 s): with `nBlocks` blocks of two convolutions (the first with stride 2) it
 * is 1 + 3·(k − 1)·(2^nBlocks − 1) samples, so k = 9 at 360 Hz (361 samples), 5 at 180 Hz
 * (181), 7 at 250 Hz (271), 13 at 500 Hz (541). Odd, at least 3.
 */
export function defaultMilKernelSize(fs: number, nBlocks = 4): number {
  return 1 + 2 * Math.max(1, Math.round((fs - 1) / (6 * (2 ** nBlocks - 1))));
}

/**
 * Window pooling length: about half a normal beat (~0.42 s), scaled with fs and rounded to a
 * multiple of 50 samples, which reproduces both of the paper's choices: 150 at 360 Hz and 200
 * at 500 Hz (exact scaling would give 208). Below 240 Hz (under 100 samples) the exact value is
 * kept, where a 50-sample step would be too coarse.
 */
export function defaultKernelSamples(fs: number): number {
  const exact = (150 * fs) / 360;
  return exact >= 100 ? Math.round(exact / 50) * 50 : Math.max(1, Math.round(exact));
}

/**
 * Default segmenter: 4 down-sampling levels. Widths stay small at full resolution (where a
 * convolution is costly) and grow where the signal is short. The deepest levels have 48 and 64
 * channels (not 64 and 128) and the kernel is 7 (not 9; at level 4 it still spans 112 input
 * samples, more than a QRS complex at 360 Hz): with that the joint model meets the training-speed
 * bar on a 2-core CPU, where the wider U-Net ran at ~0.75× of it (docs/backends-and-speed.md).
 */
export function defaultSegmenterConfig(): SegmenterConfig {
  return { widths: [8, 16, 32, 48, 64], kernelSize: 7 };
}

/** Default classifier: the paper's shape (4 blocks, MLP 128×128 then 128×classes). */
export function defaultClassifierConfig(): ClassifierConfig {
  return { stemWidth: 16, widths: [16, 32, 64, 128], kernelSize: 9, hiddenUnits: 128 };
}

export interface ModelConfigParams {
  method: Method;
  /** Input channels, rhythm channels included. */
  nLeads: number;
  /** How many of the last input channels are rhythm channels (default 0). */
  rhythmChannels?: number;
  nSamples: number;
  fs: number;
  classes: string[];
  pooling?: Pooling;
  poolingAlign?: PoolingAlign;
  kernelSamples?: number;
  /** Multiplies every default channel count (e.g. 0.5 for a tiny test model, 2 for a wider one). */
  width?: number;
  architecture?: string;
  segmenter?: Partial<SegmenterConfig>;
  classifier?: Partial<ClassifierConfig>;
  /** Method 'mil' only: pooling over time (defaults: `defaultMilConfig`). */
  mil?: Partial<MilConfig>;
}

const scale = (widths: number[], f: number): number[] =>
  widths.map((w) => Math.max(1, Math.round(w * f)));

/** Resolved config for the given signal contract; throws BeatlensError on inconsistent values. */
export function defaultModelConfig(p: ModelConfigParams): ModelConfig {
  const f = p.width ?? 1;
  if (!(f > 0) || !Number.isFinite(f)) {
    throw new BeatlensError('model-config', `width=${p.width} must be a positive number`);
  }
  const seg = defaultSegmenterConfig();
  const cls = defaultClassifierConfig();
  if (p.method === 'mil') {
    cls.kernelSize = defaultMilKernelSize(p.fs, (p.classifier?.widths ?? cls.widths).length);
  }
  const cfg: ModelConfig = {
    architecture: p.architecture ?? architectureFor(p.method),
    method: p.method,
    pooling: p.pooling ?? 'l2',
    poolingAlign: p.poolingAlign ?? 'centred',
    kernelSamples: p.kernelSamples ?? defaultKernelSamples(p.fs),
    nLeads: p.nLeads,
    ...(p.rhythmChannels ? { rhythmChannels: p.rhythmChannels } : {}),
    nSamples: p.nSamples,
    fs: p.fs,
    classes: [...p.classes],
    segmenter: { ...seg, widths: scale(seg.widths, f), ...p.segmenter },
    classifier: {
      ...cls,
      stemWidth: Math.max(1, Math.round(cls.stemWidth * f)),
      widths: scale(cls.widths, f),
      hiddenUnits: cls.hiddenUnits,
      ...p.classifier,
    },
  };
  if (p.method === 'mil') cfg.mil = { ...defaultMilConfig(p.classes), ...p.mil };
  else if (p.mil) fail('mil', p.mil, `is only for method mil, not ${p.method}`);
  validateModelConfig(cfg);
  return cfg;
}

const isPosInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

function fail(field: string, value: unknown, expectation: string): never {
  throw new BeatlensError(
    'model-config',
    `model config ${field}=${JSON.stringify(value)} ${expectation}`,
  );
}

/** Throws a one-line BeatlensError naming the first inconsistent field. */
export function validateModelConfig(cfg: ModelConfig): void {
  if (typeof cfg.architecture !== 'string' || cfg.architecture === '') {
    fail('architecture', cfg.architecture, 'must be a non-empty string');
  }
  if (!METHODS.includes(cfg.method)) fail('method', cfg.method, `must be one of ${METHODS}`);
  if (!POOLINGS.includes(cfg.pooling)) fail('pooling', cfg.pooling, `must be one of ${POOLINGS}`);
  if (!POOLING_ALIGNS.includes(cfg.poolingAlign)) {
    fail('poolingAlign', cfg.poolingAlign, `must be one of ${POOLING_ALIGNS}`);
  }
  if (!isPosInt(cfg.nLeads)) fail('nLeads', cfg.nLeads, 'must be a positive integer');
  if (
    cfg.rhythmChannels !== undefined &&
    (!Number.isInteger(cfg.rhythmChannels) ||
      cfg.rhythmChannels < 0 ||
      cfg.rhythmChannels >= cfg.nLeads)
  ) {
    fail(
      'rhythmChannels',
      cfg.rhythmChannels,
      `must be an integer in 0..nLeads−1=${cfg.nLeads - 1}`,
    );
  }
  if (!isPosInt(cfg.nSamples)) fail('nSamples', cfg.nSamples, 'must be a positive integer');
  if (!(cfg.fs > 0) || !Number.isFinite(cfg.fs))
    fail('fs', cfg.fs, 'must be a positive number (Hz)');
  if (!isPosInt(cfg.kernelSamples) || cfg.kernelSamples > cfg.nSamples) {
    fail('kernelSamples', cfg.kernelSamples, `must be an integer in 1..nSamples=${cfg.nSamples}`);
  }
  if (!Array.isArray(cfg.classes) || cfg.classes.length < 2) {
    fail('classes', cfg.classes, 'must list at least 2 class names');
  }
  if (new Set(cfg.classes).size !== cfg.classes.length) {
    fail('classes', cfg.classes, 'must not repeat a name');
  }
  const s = cfg.segmenter;
  if (!Array.isArray(s?.widths) || s.widths.length < 1 || !s.widths.every(isPosInt)) {
    fail('segmenter.widths', s?.widths, 'must be a non-empty list of positive integers');
  }
  if (!isPosInt(s.kernelSize) || s.kernelSize % 2 === 0) {
    fail('segmenter.kernelSize', s.kernelSize, 'must be an odd positive integer');
  }
  const c = cfg.classifier;
  if (!Array.isArray(c?.widths) || c.widths.length < 1 || !c.widths.every(isPosInt)) {
    fail('classifier.widths', c?.widths, 'must be a non-empty list of positive integers');
  }
  if (!isPosInt(c.stemWidth))
    fail('classifier.stemWidth', c.stemWidth, 'must be a positive integer');
  if (!isPosInt(c.hiddenUnits)) {
    fail('classifier.hiddenUnits', c.hiddenUnits, 'must be a positive integer');
  }
  if (!isPosInt(c.kernelSize) || c.kernelSize % 2 === 0) {
    fail('classifier.kernelSize', c.kernelSize, 'must be an odd positive integer');
  }
  validateMilFields(cfg);
}

/** Method 'mil' ⇔ architecture mil-fcn, and its pooling fields. */
function validateMilFields(cfg: ModelConfig): void {
  if (cfg.method === 'mil' && cfg.architecture === DEFAULT_ARCHITECTURE) {
    fail('architecture', cfg.architecture, `has no method mil; use ${MIL_ARCHITECTURE}`);
  }
  if (cfg.architecture === MIL_ARCHITECTURE && cfg.method !== 'mil') {
    fail('method', cfg.method, `must be mil for architecture ${MIL_ARCHITECTURE}`);
  }
  if (cfg.method !== 'mil') {
    if (cfg.mil !== undefined) fail('mil', cfg.mil, `is only for method mil, not ${cfg.method}`);
    return;
  }
  const m = cfg.mil;
  if (m === null || typeof m !== 'object') fail('mil', m, 'must be set for method mil');
  if (typeof m.temperature !== 'number' || !(m.temperature > 0 && m.temperature <= 1000)) {
    fail('mil.temperature', m.temperature, 'must be a number in (0, 1000]');
  }
  if (m.normalClass !== null && !cfg.classes.includes(m.normalClass)) {
    fail('mil.normalClass', m.normalClass, `must be null or one of ${cfg.classes}`);
  }
}
