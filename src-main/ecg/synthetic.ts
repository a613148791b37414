/**
 * Seeded synthetic ECG: the built-in demo study and the test fixture in which every abnormal
 * beat's position is known exactly.
 *
 * Each beat is a sum of Gaussians (P, Q, R, S, T) in time, after McSharry et al.'s ECGSYN
 * dynamical model. Every wave has a 3-D "dipole" vector; a lead sees its projection onto the
 * lead's direction, so leads differ in a physiologically plausible way (lead 0 ≈ MLII, lead 1 ≈
 * V1, further leads on a fixed spiral of directions). RR intervals carry heart-rate variability
 * (LF ≈ 0.1 Hz and HF ≈ 0.25 Hz modulation plus jitter); baseline wander and white noise are added.
 * With `leadSystem: 'standard-12'` the leads are the standard 12 (I … V6) with Dower's lead vectors.
 *
 * Injected beats:
 * - PVC ('V', AAMI V): early (RR 55–70 % of sinus), no P wave, wide bizarre QRS along a different
 *   axis, large T opposite to the QRS, full compensatory pause (RR before + after = 2 sinus RR).
 * - APB ('A', AAMI S): early (RR 60–78 %), abnormal P (other axis, shorter PR), normal narrow
 *   QRS and T, non-compensatory pause (the sinus node resets: RR after ≈ 1.0–1.1 sinus RR).
 */
import { createRng, type Rng } from '../random';
import { BeatlensError } from '../errors';
import { preprocessRecord, type PreprocessConfig } from './preprocess';
import { STANDARD_12_LEADS, STANDARD_12_LEAD_VECTORS } from './leads';
import { segmentRecord, segmentsToDataset, TASK_RULES } from './segments';
import type { AamiClass, Beat, EcgRecord, Segment, SegmentDataset } from './types';

export type Vec3 = [number, number, number];

/** One Gaussian wave: centre relative to the R peak (s), width σ (s), dipole (mV). */
interface Wave {
  t: number;
  sigma: number;
  v: Vec3;
}

type BeatKind = 'N' | 'V' | 'A';

export interface SyntheticRecordOptions {
  /** Sampling frequency in Hz. Default 360. */
  fs?: number;
  /** Number of leads. Default 2. */
  nLeads?: number;
  /** Record length in seconds. Default 60. */
  durationSeconds?: number;
  /** Mean sinus rate; default drawn uniformly in 60–95 bpm. */
  heartRateBpm?: number;
  /** Fraction of beats turned into PVCs (ignored when `abnormal` is given). Default 0. */
  pvcRate?: number;
  /** Fraction of beats turned into APBs (ignored when `abnormal` is given). Default 0. */
  apbRate?: number;
  /** Exact abnormal beats by beat index (0-based); index 0 and consecutive indices are refused. */
  abnormal?: Array<{ beatIndex: number; symbol: 'V' | 'A' }>;
  /** White noise standard deviation in mV. Default 0.02. */
  noiseMv?: number;
  /** Baseline wander amplitude in mV. Default 0.1. */
  wanderMv?: number;
  /**
   * 'default': lead 0 ≈ MLII, lead 1 ≈ V1, further leads on a fixed spiral of directions.
   * 'standard-12': the 12 standard leads I, II, III, aVR, aVL, aVF, V1–V6 (nLeads must be 12 or
   * absent). Default 'default'.
   */
  leadSystem?: 'default' | 'standard-12';
  /**
   * Direction and size (mV) of the PVC's main QRS vector (x: left, y: inferior, z: anterior);
   * its T wave points the opposite way. Default: drawn per record around [-0.5, 1, 0.8]·1.3.
   * One vector per record: the record's PVCs are monomorphic (one focus).
   */
  pvcAxis?: Vec3;
  id?: string;
  patientId?: string;
}

const AAMI: Record<BeatKind, AamiClass> = { N: 'N', V: 'V', A: 'S' };

/** Lead directions (x: left, y: inferior, z: anterior): MLII, V1, then a fixed spiral. */
function leadDirection(lead: number): Vec3 {
  if (lead === 0) return [0.5, 0.866, 0];
  if (lead === 1) return [-0.4, 0.1, 0.91];
  const golden = Math.PI * (3 - Math.sqrt(5));
  const y = 1 - ((lead - 2 + 0.5) / 10) * 2;
  const r = Math.sqrt(Math.max(0, 1 - y * y));
  return [Math.cos(golden * lead) * r, y, Math.sin(golden * lead) * r];
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];

/** Per-patient morphologies: the textbook shapes, jittered so patients differ. */
function drawMorphology(rng: Rng, pvcAxisOverride?: Vec3): Record<BeatKind, Wave[]> {
  const j = (x: number, rel = 0.15) => x * (1 + rel * (2 * rng.next() - 1));
  const jv = (v: Vec3, rel = 0.2): Vec3 => [j(v[0], rel), j(v[1], rel), j(v[2], rel)];
  const p: Wave = { t: j(-0.2, 0.1), sigma: j(0.025), v: jv([0.1, 0.15, 0.05]) };
  const q: Wave = { t: -0.028, sigma: 0.008, v: jv([-0.12, -0.1, 0.08]) };
  const r: Wave = { t: 0, sigma: j(0.01, 0.1), v: jv([0.6, 0.9, -0.3]) };
  const s: Wave = { t: 0.028, sigma: 0.009, v: jv([-0.3, -0.2, -0.4]) };
  const t: Wave = { t: j(0.3, 0.08), sigma: j(0.06), v: jv([0.2, 0.25, 0.1]) };
  // PVC: one wide main deflection along a different axis with symmetric shoulders (slurred,
  // notched look; symmetric so the extremum stays on the annotated sample), discordant T.
  // The jitter is drawn even when the axis is given so the random stream (and so every other
  // wave) stays the same as without the option.
  const drawnAxis = jv([-0.5, 1.0, 0.8], 0.2);
  const pvcSigma = j(0.032, 0.1);
  const drawnGain = j(1.3);
  // A given axis already carries the size; the shoulders and T scale with the unit-gain axis.
  const pvcAxis = pvcAxisOverride ? scale(pvcAxisOverride, 1 / 1.3) : drawnAxis;
  const pvcMain: Wave = {
    t: 0,
    sigma: pvcSigma,
    v: pvcAxisOverride ? [...pvcAxisOverride] : scale(pvcAxis, drawnGain),
  };
  const pvcEarly: Wave = { t: -0.045, sigma: 0.02, v: scale(pvcAxis, 0.25) };
  const pvcLate: Wave = { t: 0.045, sigma: 0.02, v: scale(pvcAxis, 0.25) };
  const pvcT: Wave = { t: j(0.34, 0.08), sigma: j(0.08), v: scale(pvcAxis, -j(0.45)) };
  // APB: ectopic atrial focus → P along another axis (inverted in the inferior lead), short PR.
  const apbP: Wave = { t: j(-0.16, 0.1), sigma: j(0.022), v: jv([0.05, -0.16, 0.1]) };
  return {
    N: [p, q, r, s, t],
    V: [pvcMain, pvcEarly, pvcLate, pvcT],
    A: [apbP, q, r, s, t],
  };
}

/** Choose which beats are abnormal: never the first, never two in a row. */
function drawKinds(rng: Rng, nBeats: number, opts: SyntheticRecordOptions): BeatKind[] {
  const kinds: BeatKind[] = new Array(nBeats).fill('N');
  if (opts.abnormal) {
    for (const { beatIndex, symbol } of opts.abnormal) {
      if (!Number.isInteger(beatIndex) || beatIndex < 1 || beatIndex >= nBeats) {
        throw new BeatlensError(
          'synthetic-config',
          `synthetic record: abnormal beatIndex=${beatIndex} must be an integer in 1..${nBeats - 1}`,
        );
      }
      kinds[beatIndex] = symbol;
    }
    for (let i = 1; i < nBeats; i++) {
      if (kinds[i] !== 'N' && kinds[i - 1] !== 'N') {
        throw new BeatlensError(
          'synthetic-config',
          `synthetic record: abnormal beats ${i - 1} and ${i} are consecutive; put a normal beat between them`,
        );
      }
    }
    return kinds;
  }
  const pv = opts.pvcRate ?? 0;
  const pa = opts.apbRate ?? 0;
  for (let i = 1; i < nBeats; i++) {
    if (kinds[i - 1] !== 'N') continue;
    const u = rng.next();
    if (u < pv) kinds[i] = 'V';
    else if (u < pv + pa) kinds[i] = 'A';
  }
  return kinds;
}

/** A record with annotated beats; same seed and options → identical output. */
export function synthesizeRecord(opts: SyntheticRecordOptions & { seed: number }): {
  record: EcgRecord;
  beats: Beat[];
} {
  const fs = opts.fs ?? 360;
  const standard12 = opts.leadSystem === 'standard-12';
  const nLeads = opts.nLeads ?? (standard12 ? 12 : 2);
  const durationSeconds = opts.durationSeconds ?? 60;
  if (standard12 && nLeads !== 12) {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic record: leadSystem 'standard-12' has 12 leads but nLeads=${nLeads} was asked for`,
    );
  }
  if (!(fs > 0) || !Number.isInteger(nLeads) || nLeads < 1 || !(durationSeconds > 0)) {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic record: fs=${fs} Hz, nLeads=${nLeads}, durationSeconds=${durationSeconds} must all be positive (nLeads an integer)`,
    );
  }
  const rng = createRng(opts.seed);
  const nSamples = Math.round(durationSeconds * fs);
  const morph = drawMorphology(rng, opts.pvcAxis);
  const hr = opts.heartRateBpm ?? 60 + 35 * rng.next();
  const rr0 = 60 / hr;
  const lf = {
    a: 0.02 + 0.03 * rng.next(),
    f: 0.08 + 0.04 * rng.next(),
    ph: 2 * Math.PI * rng.next(),
  };
  const hf = {
    a: 0.01 + 0.02 * rng.next(),
    f: 0.2 + 0.1 * rng.next(),
    ph: 2 * Math.PI * rng.next(),
  };
  const sinusRr = (t: number) =>
    rr0 *
    (1 +
      lf.a * Math.sin(2 * Math.PI * lf.f * t + lf.ph) +
      hf.a * Math.sin(2 * Math.PI * hf.f * t + hf.ph) +
      0.01 * rng.normal());

  // Beat times: the first R peak after ~0.6 RR so its P wave lies inside the record.
  const maxBeats = Math.ceil(durationSeconds / (0.4 * rr0)) + 2;
  const kinds = drawKinds(rng, maxBeats, opts);
  const rTimes: number[] = [];
  let t = 0.6 * rr0;
  let pendingRr: number | null = null;
  for (let i = 0; i < maxBeats && t < durationSeconds - 0.05; i++) {
    rTimes.push(t);
    const next = kinds[i + 1];
    const sinus = sinusRr(t);
    let rr: number;
    if (pendingRr !== null) {
      rr = pendingRr; // the pause after an ectopic beat
      pendingRr = null;
    } else if (next === 'V') {
      rr = sinus * (0.55 + 0.15 * rng.next());
      pendingRr = 2 * sinus - rr; // compensatory: pre + post = 2 sinus RR
    } else if (next === 'A') {
      rr = sinus * (0.6 + 0.18 * rng.next());
      pendingRr = sinus * (1.0 + 0.1 * rng.next()); // non-compensatory: sinus node reset
    } else {
      rr = sinus;
    }
    t += rr;
  }

  const leads = standard12
    ? STANDARD_12_LEADS.map((n) => STANDARD_12_LEAD_VECTORS[n])
    : Array.from({ length: nLeads }, (_, l) => leadDirection(l));
  const signals = Array.from({ length: nLeads }, () => new Float64Array(nSamples));
  const beats: Beat[] = [];
  rTimes.forEach((rt, i) => {
    const kind = kinds[i];
    const rSample = Math.round(rt * fs);
    if (rSample >= nSamples) return;
    beats.push({ sample: rSample, symbol: kind, aami: AAMI[kind] });
    // QT follows the preceding RR (Bazett-like √RR scaling of the T wave's delay).
    const rrPrev = i > 0 ? rTimes[i] - rTimes[i - 1] : rr0;
    const qtScale = Math.sqrt(rrPrev / 0.8);
    for (const w of morph[kind]) {
      const tw = w.t > 0.15 ? w.t * qtScale : w.t;
      const centre = rSample + tw * fs;
      const sigma = w.sigma * fs;
      const lo = Math.max(0, Math.floor(centre - 4 * sigma));
      const hi = Math.min(nSamples - 1, Math.ceil(centre + 4 * sigma));
      for (let l = 0; l < nLeads; l++) {
        const amp = dot(leads[l], w.v);
        if (amp === 0) continue;
        const s = signals[l];
        for (let k = lo; k <= hi; k++) {
          const z = (k - centre) / sigma;
          s[k] += amp * Math.exp(-0.5 * z * z);
        }
      }
    }
  });

  const beyond = opts.abnormal?.find((a) => a.beatIndex >= beats.length);
  if (beyond) {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic record: abnormal beatIndex=${beyond.beatIndex} but the ${durationSeconds} s record has only ${beats.length} beats`,
    );
  }

  // The fiducial mark is the R peak as a reader would place it: the extremum of the noise-free
  // lead 0 (lead II for the standard 12, where lead I can be nearly isoelectric) within ±20 ms
  // of the wave centre (a preceding T wave can pull a wide PVC QRS's peak by a few samples).
  const lead0 = signals[standard12 ? 1 : 0];
  const reach = Math.max(1, Math.round(0.02 * fs));
  for (const b of beats) {
    let best = b.sample;
    for (
      let k = Math.max(0, b.sample - reach);
      k <= Math.min(nSamples - 1, b.sample + reach);
      k++
    ) {
      if (Math.abs(lead0[k]) > Math.abs(lead0[best])) best = k;
    }
    b.sample = best;
  }

  const noiseMv = opts.noiseMv ?? 0.02;
  const wanderMv = opts.wanderMv ?? 0.1;
  const out = signals.map((s) => {
    const f1 = 0.05 + 0.2 * rng.next();
    const f2 = 0.15 + 0.25 * rng.next();
    const p1 = 2 * Math.PI * rng.next();
    const p2 = 2 * Math.PI * rng.next();
    const res = new Float32Array(nSamples);
    // Sinusoids by rotation (two multiply-adds per sample instead of two Math.sin calls).
    const rot1 = [Math.cos((2 * Math.PI * f1) / fs), Math.sin((2 * Math.PI * f1) / fs)];
    const rot2 = [Math.cos((2 * Math.PI * f2) / fs), Math.sin((2 * Math.PI * f2) / fs)];
    let c1 = Math.cos(p1);
    let s1 = Math.sin(p1);
    let c2 = Math.cos(p2);
    let s2 = Math.sin(p2);
    for (let k = 0; k < nSamples; k++) {
      const wander = wanderMv * (0.7 * s1 + 0.3 * s2);
      res[k] = s[k] + wander + (noiseMv ? noiseMv * rng.normal() : 0);
      const c1n = c1 * rot1[0] - s1 * rot1[1];
      s1 = s1 * rot1[0] + c1 * rot1[1];
      c1 = c1n;
      const c2n = c2 * rot2[0] - s2 * rot2[1];
      s2 = s2 * rot2[0] + c2 * rot2[1];
      c2 = c2n;
    }
    return res;
  });

  const id = opts.id ?? `syn-${opts.seed}`;
  return {
    record: {
      id,
      patientId: opts.patientId ?? id,
      fs,
      nSamples,
      leadNames: standard12
        ? [...STANDARD_12_LEADS]
        : leads.map((_, l) => (l === 0 ? 'MLII' : l === 1 ? 'V1' : `L${l}`)),
      units: leads.map(() => 'mV'),
      signals: out,
      source: `synthetic:${opts.seed}`,
    },
    beats,
  };
}

/** Labelling tasks the synthetic study can build (see TASK_RULES in segments.ts). */
export type SyntheticTask = 'pvc-apb' | 'pvc-origin';

/** Outflow-tract origins of the 'pvc-origin' task. */
export type PvcOrigin = 'LVOT' | 'RVOT';

/**
 * A plausible main QRS vector (x: left, y: inferior, z: anterior; mV) for PVCs from the left or
 * right ventricular outflow tract. Both origins sit high in the heart, so activation runs down:
 * a strong inferior component (tall R in II, III, aVF; negative aVR). They differ in the
 * horizontal plane, which the precordial leads see:
 * - RVOT lies anterior, so its PVCs point backwards (LBBB-like: QS/rS in V1–V3) and the
 *   precordial R/S transition (first of V1–V6 whose QRS is mainly positive) falls at V4 or later;
 *   horizontal angle −85° … −55° (0° = patient's left, +90° = anterior).
 * - LVOT lies posterior, so its PVCs point further forward and the transition falls early, at
 *   V2 or V3; horizontal angle −25° … +15°.
 * With Dower's lead vectors (leads.ts) these ranges give transitions V4–V5 and V2–V3 for every
 * inferior size 0.8–1.2 and horizontal size 0.6–1.0 (test/ecg/synthetic.test.ts measures it on
 * the generated signals). Lead I polarity and V1 R-wave size, which also separate the origins
 * in practice, are not modelled to that detail.
 */
export function outflowPvcAxis(origin: PvcOrigin, rng: Rng): Vec3 {
  const deg = origin === 'RVOT' ? -85 + 30 * rng.next() : -25 + 40 * rng.next();
  const horizontal = 0.6 + 0.4 * rng.next();
  const inferior = 0.8 + 0.4 * rng.next();
  const gain = 1.1 + 0.4 * rng.next();
  const phi = (deg * Math.PI) / 180;
  return scale([horizontal * Math.cos(phi), inferior, horizontal * Math.sin(phi)], gain);
}

export interface SynthesizeStudyOptions {
  seed: number;
  /** Segments wanted in total, half of each class (the first class gets the odd one). */
  nSegments: number;
  /** Hz. Default 360 for 'pvc-apb', 500 for 'pvc-origin'. */
  fs?: number;
  /** Default 2 for 'pvc-apb'; 'pvc-origin' is always the standard 12 leads. */
  nLeads?: number;
  /** Segment length (maxSamples); default 2000 at 360 Hz ('pvc-apb') or 10 s ('pvc-origin', 5000 at 500 Hz), scaled with fs. */
  nSamples?: number;
  /** Default 'pvc-apb'. */
  task?: SyntheticTask;
  /** Preprocessing applied before segmentation (the same chain as real data). */
  preprocess?: PreprocessConfig;
}

/** One synthetic patient's record (raw, before preprocessing) and the class it was built for. */
export interface SyntheticStudyRecord {
  record: EcgRecord;
  beats: Beat[];
  /** 'PVC' / 'APB' (pvc-apb) or 'LVOT' / 'RVOT' (pvc-origin). */
  label: string;
}

export interface SyntheticStudy {
  task: SyntheticTask;
  /** The task's classes in label-index order, e.g. ['APB', 'PVC']. */
  classes: string[];
  fs: number;
  nLeads: number;
  nSamples: number;
  /** The records that gave at least one segment, in the order they were made. */
  records: SyntheticStudyRecord[];
  /** Preprocessed, fixed-length segments of those records, shuffled with the seed. */
  segments: Segment[];
}

/**
 * The synthetic study behind the demo and the test fixtures: short records (one synthetic patient
 * each, ~4 segments long) holding only PVCs or only APBs ('pvc-apb'), or, for 'pvc-origin',
 * standard 12-lead records whose PVCs all come from one outflow tract (see `outflowPvcAxis`).
 * Each record is preprocessed and cut by the paper's segment builder, so every segment's beat
 * table gives the exact abnormal beat positions. Same options → identical output.
 */
export function synthesizeStudy(opts: SynthesizeStudyOptions): SyntheticStudy {
  const task = opts.task ?? 'pvc-apb';
  if (task !== 'pvc-apb' && task !== 'pvc-origin') {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic dataset: unknown task '${String(task)}'; expected pvc-apb or pvc-origin`,
    );
  }
  const origin = task === 'pvc-origin';
  const fs = opts.fs ?? (origin ? 500 : 360);
  const nLeads = opts.nLeads ?? (origin ? 12 : 2);
  const nSamples = opts.nSamples ?? Math.round(origin ? 10 * fs : (2000 * fs) / 360);
  if (!Number.isInteger(opts.nSegments) || opts.nSegments < 0) {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic dataset: nSegments=${opts.nSegments} must be a non-negative integer`,
    );
  }
  if (origin && nLeads !== 12) {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic dataset: task pvc-origin uses the standard 12 leads, not nLeads=${nLeads}`,
    );
  }
  const rng = createRng(opts.seed);
  const [first, second] = origin ? ['LVOT', 'RVOT'] : ['PVC', 'APB'];
  const want: Record<string, number> = {
    [first]: Math.ceil(opts.nSegments / 2),
    [second]: Math.floor(opts.nSegments / 2),
  };
  const records: SyntheticStudyRecord[] = [];
  const picked: Segment[] = [];
  // About four segments per record: enough patients for grouped cross-validation.
  const durationSeconds = (4.2 * nSamples) / fs;
  const maxRecords = 10 * opts.nSegments + 10;
  for (let k = 0; k < maxRecords && (want[first] > 0 || want[second] > 0); k++) {
    const label = want[first] >= want[second] ? first : second;
    const recordSeed = Math.floor(rng.next() * 2 ** 31);
    // Distinct ids per task so both demo studies of one seed can share a store.
    const id = origin ? `syn-origin-${opts.seed}-${k}` : `syn-${opts.seed}-${k}`;
    const rate = 0.12 + 0.13 * rng.next();
    const noiseMv = 0.01 + 0.03 * rng.next();
    const wanderMv = 0.05 + 0.15 * rng.next();
    const { record, beats } = synthesizeRecord({
      seed: recordSeed,
      fs,
      nLeads,
      durationSeconds,
      pvcRate: label === 'APB' ? 0 : rate,
      apbRate: label === 'APB' ? rate : 0,
      noiseMv,
      wanderMv,
      id,
      patientId: id,
      ...(origin
        ? { leadSystem: 'standard-12', pvcAxis: outflowPvcAxis(label as PvcOrigin, rng) }
        : {}),
    });
    const prepared = preprocessRecord(record, opts.preprocess);
    const { segments } = segmentRecord(prepared, beats, {
      maxSamples: nSamples,
      task,
      recordLabel: origin ? label : undefined,
    });
    const kept = segments.filter((s) => s.label === label).slice(0, want[label]);
    if (kept.length === 0) continue;
    want[label] -= kept.length;
    picked.push(...kept);
    records.push({ record, beats, label });
  }
  if (want[first] > 0 || want[second] > 0) {
    throw new BeatlensError(
      'synthetic-config',
      `synthetic dataset: could not build ${opts.nSegments} segments of ${nSamples} samples at ${fs} Hz`,
    );
  }
  rng.shuffle(picked);
  return {
    task,
    classes: [...TASK_RULES[task].classes],
    fs,
    nLeads,
    nSamples,
    records,
    segments: picked,
  };
}

export type SynthesizeDatasetOptions = SynthesizeStudyOptions;

/**
 * `synthesizeStudy`'s segments packed as a model-ready dataset (classes ['APB', 'PVC'] or
 * ['LVOT', 'RVOT']; segment order shuffled with the seed).
 */
export function synthesizeDataset(opts: SynthesizeDatasetOptions): SegmentDataset {
  const study = synthesizeStudy(opts);
  if (study.segments.length === 0) {
    const empty = segmentsToDataset([], study.classes);
    return { ...empty, nLeads: study.nLeads, nSamples: study.nSamples, fs: study.fs };
  }
  return segmentsToDataset(study.segments, study.classes);
}
