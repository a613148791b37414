/**
 * The zod schema of every channel's argument, checked in main before any core module runs
 * (`handlers.ts`). Kept apart from `contract.ts` so that the sandboxed preload and the renderer,
 * which bundle the contract, carry no zod; `satisfies Record<Channel, …>` keeps the two in step.
 */
import { z } from 'zod';
import { MAX_UPLOAD_BYTES } from './contract';
import type { Channel } from './contract';
import { REVIEW_RHYTHMS } from '../store/rhythm-reviews';

const id = z.string().min(1).max(200);
const scanId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const reviewLabel = z.enum(['N', 'S', 'V', 'F', 'Q', 'artefact']);
const reviewRhythm = z.enum(REVIEW_RHYTHMS);
const sample = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

/** Argument schema of every channel. Unknown keys are rejected (strict) so typos surface. */
export const argSchemas = {
  'app:info': z.strictObject({}),
  'models:list': z.strictObject({}),
  /** 'default' (the default shipped model), another shipped name or a library name: models:list. */
  'models:choose': z.strictObject({ modelId: id }),
  /** Forgets the choice: labels from the shipped classifier, map from the shipped localiser. */
  'models:defaults': z.strictObject({}),
  'models:import': z.strictObject({
    /** The model.json of a model folder (with its weights.bin), from files:open or files:upload. */
    fileId: id,
    /** The library name to give it (importModel checks its characters). */
    name: z.string().min(1).max(64),
  }),
  'records:list': z.strictObject({ search: z.string().max(200).optional() }),
  /** records (default): ECG files; model: a model folder's model.json and weights.bin. */
  'files:open': z.strictObject({ kind: z.enum(['records', 'model']).optional() }),
  'files:upload': z.strictObject({
    /** The batch an earlier file of the same selection was uploaded into; absent: a new one. */
    batchId: id.optional(),
    /** The file's own name; checked in main to be a plain name (no separator, no '..'). */
    name: z.string().min(1).max(255),
    /** The file's bytes, base64. */
    data: z
      .string()
      .max(4 * Math.ceil(MAX_UPLOAD_BYTES / 3), `is over ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'is not base64'),
  }),
  'records:import': z.strictObject({
    /** A file id from `files:open` or `files:upload`; never a path. */
    fileId: id,
    /** Needed for CSV files, which carry no sampling frequency. */
    fs: z.number().positive().max(100_000).optional(),
  }),
  'records:window': z.strictObject({
    recordId: id,
    startSample: z.number().int().min(0),
    nSamples: z.number().int().min(1).max(100_000_000),
    /** Drawing buckets per lead: the window is decimated to min/max pairs per bucket. */
    maxPoints: z.number().int().min(16).max(20_000),
    withAttention: z.boolean().optional(),
  }),
  'display:calibration': z.strictObject({}),
  /** Device pixels per true mm (from the calibration bar), or null to forget the calibration. */
  'display:calibrate': z.strictObject({ devicePxPerMm: z.number().min(0.5).max(100).nullable() }),
  'studies:list': z.strictObject({}),
  'studies:create': z.strictObject({
    name: z.string().min(1).max(200),
    nItems: z.number().int().min(1).max(1000),
    raters: z.array(z.string().min(1).max(100)).min(1).max(20),
    seed,
    /** demo: the built-in synthetic segments; store: pvc-apb segments prepared by the CLI. */
    dataset: z.enum(['demo', 'store']).optional(),
  }),
  'studies:item': z.strictObject({
    studyId: id,
    raterId: z.string().min(1).max(100),
    index: z.number().int().min(0),
  }),
  'studies:grade': z.strictObject({
    studyId: id,
    raterId: z.string().min(1).max(100),
    index: z.number().int().min(0),
    grade: z.enum(['I', 'II', 'III']),
  }),
  'studies:progress': z.strictObject({ studyId: id, raterId: z.string().min(1).max(100) }),
  'studies:export': z.strictObject({ studyId: id, format: z.enum(['csv', 'json']) }),
  'train:start': z.strictObject({
    /** normal-apb-pvc adds a class of all-normal segments: MIT-BIH only. */
    task: z.enum(['pvc-apb', 'normal-apb-pvc']),
    /** demo: the built-in synthetic study; store: segments prepared into the store by the CLI;
     * mitdb: MIT-BIH read from $BEATLENS_DATA/mitdb. Default demo. */
    dataset: z.enum(['demo', 'store', 'mitdb']).optional(),
    method: z.enum(['mil', 'joint', 'classifier', 'cascaded']),
    pooling: z.enum(['l2', 'max']),
    kernelSamples: z.number().int().min(1).max(5000),
    /** The two rhythm input channels (RR signs of each beat) after the leads. Default off. */
    rhythm: z.boolean().optional(),
    /** The cross-validation protocol (as `beatlens cv --protocol`). */
    protocol: z.enum(['stratified', 'patient', 'inter-patient']),
    /** first: train and score fold 1 only (hold-out); all: every fold. Default first. */
    folds: z.enum(['first', 'all']).optional(),
    preset: z.enum(['tiny', 'fast', 'paper']),
    seed,
    /** Override the preset's epoch count (short demo runs). */
    epochs: z.number().int().min(1).max(500).optional(),
    /** Resume a cancelled run: folds already finished are kept. */
    resumeJobId: id.optional(),
  }),
  'jobs:cancel': z.strictObject({ jobId: id }),
  'jobs:list': z.strictObject({}),
  'jobs:events': z.strictObject({ jobId: id }),
  'scan:start': z.strictObject({
    recordId: id,
    /** Only segments whose predicted class has at least this probability. */
    minProbability: z.number().min(0).max(1).optional(),
  }),
  'review:scans': z.strictObject({ recordId: id }),
  'review:beats': z.strictObject({ scanId }),
  'review:label': z.strictObject({
    scanId,
    /** The beats (R-peak samples of the scan) to relabel as one decision: a beat, a range, a cluster. */
    samples: z.array(z.number().int().min(0)).min(1).max(500_000),
    label: reviewLabel,
  }),
  'review:undo': z.strictObject({ scanId }),
  'review:redo': z.strictObject({ scanId }),
  'review:templates': z.strictObject({ scanId, label: reviewLabel }),
  'review:export': z.strictObject({ scanId, format: z.enum(['wfdb', 'csv', 'json']) }),
  'rhythm:episodes': z.strictObject({ scanId }),
  /** One decision on one rhythm episode (the store checks the episode and that edges are R peaks). */
  'rhythm:revise': z.strictObject({
    scanId,
    episode: z.number().int().min(0).max(10_000_000),
    revision: z.discriminatedUnion('action', [
      z.strictObject({ action: z.literal('confirm') }),
      z.strictObject({ action: z.literal('delete') }),
      z.strictObject({ action: z.literal('relabel'), rhythm: reviewRhythm }),
      z
        .strictObject({ action: z.literal('edges'), startSample: sample, endSample: sample })
        .refine((e) => e.endSample > e.startSample, {
          message: 'an episode ends after it starts',
        }),
    ]),
  }),
  'rhythm:undo': z.strictObject({ scanId }),
  'rhythm:redo': z.strictObject({ scanId }),
  'report:get': z.strictObject({ scanId }),
  /** The reviewer's name (checked again in the store: one line, no control characters). */
  'report:signoff': z.strictObject({ scanId, reviewer: z.string().min(1).max(200) }),
  /** pdf: Electron's printToPDF; the browser version prints through the browser instead. */
  'report:export': z.strictObject({ scanId, format: z.enum(['json', 'html', 'pdf']) }),
} satisfies Record<Channel, z.ZodType>;

export type ArgSchemas = typeof argSchemas;
