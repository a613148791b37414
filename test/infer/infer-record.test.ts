/**
 * The inference path on records it was not made for: lead choice by name, by position and by
 * repetition (chooseLeads), records too short for the rhythm signs, rates below 100 Hz, and the
 * quality line, with a stand-in model (every segment NORMAL) so only the path itself is tested.
 */
import { describe, expect, it } from 'vitest';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import type { EcgRecord } from '../../src-main/ecg/types';
import { BeatlensError } from '../../src-main/errors';
import { chooseLeads, inferRecord, type InferenceModel } from '../../src-main/infer/infer-record';
import { tf } from '../../src-main/model/tf';
import type { ModelConfig } from '../../src-main/model/types';

const MODEL_LEADS = ['MLII|II', 'V1|V2|V4|V5'];

/** Two ECG inputs at 180 Hz; every segment NORMAL, a flat map. */
function normalModel(): InferenceModel {
  const config = {
    fs: 180,
    nLeads: 2,
    nSamples: 1000,
    classes: ['APB', 'NORMAL', 'PVC'],
    method: 'joint',
  } as unknown as ModelConfig;
  const forward = (x: tf.Tensor3D) => {
    const [batch, n] = x.shape;
    const p = [0.05, 0.9, 0.05].map(Math.log);
    return {
      logits: tf.tensor2d(Array.from({ length: batch }, () => p)),
      attention: tf.zeros([batch, n]),
    };
  };
  return { config, forward } as unknown as InferenceModel;
}

const named = (...leadNames: string[]) => ({ id: 'r', leadNames });

describe('chooseLeads', () => {
  it('maps a 12-lead record by name: II as MLII, V1 as V1', () => {
    const twelve = named('I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6');
    const c = chooseLeads(twelve, 2, MODEL_LEADS);
    expect(c.indices).toEqual([1, 6]);
    expect(c.line).toBe('leads used: II as MLII, V1 as V1');
    expect(c.warning).toBeNull();
  });

  it("takes V2 for V1, file spellings ('ECG II') for II, and skips unusable leads", () => {
    expect(chooseLeads(named('ECG II', 'ECG V2'), 2, MODEL_LEADS).line).toBe(
      'leads used: ECG II as MLII, ECG V2 as V1',
    );
    const c = chooseLeads(named('I', 'II', 'V1', 'V2'), 2, MODEL_LEADS, [true, false, true, true]);
    expect(c.indices).toEqual([0, 2]);
    expect(c.line).toBe(
      'leads used: I by position as MLII, V1 as V1 (the record has 3 usable leads; II flat or without signal)',
    );
    expect(c.warning).toBe(c.line);
  });

  it('falls back by position for unknown names, saying so', () => {
    expect(chooseLeads(named('ECG1', 'ECG2'), 2, MODEL_LEADS).line).toBe(
      'leads used: ECG1 by position as MLII, ECG2 by position as V1',
    );
    expect(chooseLeads(named('D3', 'V4'), 2, MODEL_LEADS).line).toBe(
      'leads used: D3 by position as MLII, V4 as V1',
    );
    expect(chooseLeads(named('MLIII', 'V4'), 2, MODEL_LEADS).indices).toEqual([0, 1]);
  });

  it('uses the one usable lead in both inputs', () => {
    const one = chooseLeads(named('ECG1'), 2, MODEL_LEADS);
    expect(one.indices).toEqual([0, 0]);
    expect(one.line).toBe('leads used: ECG1 in both inputs (the record has one lead)');
    expect(one.warning).toBe(one.line);
    const flat = chooseLeads(named('ECG1', 'ECG2'), 2, MODEL_LEADS, [false, true]);
    expect(flat.indices).toEqual([1, 1]);
    expect(flat.line).toBe(
      'leads used: ECG2 in both inputs (the record has one usable lead; ECG1 flat or without signal)',
    );
    const named1 = chooseLeads(named('MLII', 'V1'), 2, MODEL_LEADS, [true, false]);
    expect(named1.line).toBe(
      'leads used: MLII in both inputs (the record has one usable lead; V1 flat or without signal)',
    );
  });

  it('takes the leads by position when none is usable', () => {
    const c = chooseLeads(named('A', 'B', 'C'), 2, MODEL_LEADS, [false, false, false]);
    expect(c.indices).toEqual([0, 1]);
    expect(c.line).toMatch(/\(no lead has a usable signal \(A, B, C flat or without signal\)\)$/);
  });
});

/** A synthetic record with other lead names, some leads flat or missing. */
function variant(
  rec: EcgRecord,
  leadNames: string[],
  signals: Float32Array[] = rec.signals.slice(0, leadNames.length),
): EcgRecord {
  return { ...rec, leadNames, signals, units: leadNames.map(() => 'mV') };
}

describe('inferRecord on records the model was not made for', () => {
  const model = normalModel();
  const { record } = synthesizeRecord({ seed: 3, fs: 250, durationSeconds: 30, noiseMv: 0.01 });

  it('scans a one-lead record with the lead in both inputs', async () => {
    const r = await inferRecord(model, variant(record, ['ECG1']), { beats: null });
    expect(r.leads).toEqual(['ECG1', 'ECG1']);
    expect(r.leadsLine).toBe('leads used: ECG1 in both inputs (the record has one lead)');
    expect(r.warnings).toContain(r.leadsLine);
    expect(r.beats.length).toBeGreaterThan(20);
    expect(r.quality.nBeatsAnalysed).toBe(r.beats.length);
  });

  it('prefers the lead with a signal over a flat one, and all-flat records give no beats', async () => {
    const flat = new Float32Array(record.nSamples);
    const r = await inferRecord(
      model,
      variant(record, ['ECG1', 'ECG2'], [flat, record.signals[1]]),
      {
        beats: null,
      },
    );
    expect(r.leads).toEqual(['ECG2', 'ECG2']);
    expect(r.excluded).toEqual([]);
    const none = await inferRecord(model, variant(record, ['ECG1', 'ECG2'], [flat, flat]), {
      beats: null,
    });
    expect(none.beats).toHaveLength(0);
    expect(none.leadsLine).toMatch(/no lead has a usable signal/);
    expect(none.quality.line).toMatch(
      /^quality: no beats found to analyse, 100\.0 % of time excluded \(flat 100\.0 %\)/,
    );
  });

  it('maps a 12-lead record II → MLII and V1 → V1', async () => {
    const twelve = synthesizeRecord({
      seed: 4,
      fs: 500,
      durationSeconds: 12,
      leadSystem: 'standard-12',
    });
    const r = await inferRecord(model, twelve.record, {
      beats: null,
      info: { leads: MODEL_LEADS },
    });
    expect(r.leads).toEqual(['II', 'V1']);
    expect(r.leadsLine).toBe('leads used: II as MLII, V1 as V1');
    expect(r.warnings.some((w) => w.startsWith('leads used'))).toBe(false);
  });

  it('labels a record of fewer than 10 beats without rhythm signs, in one warning', async () => {
    const short = {
      ...record,
      nSamples: 6 * 250,
      signals: record.signals.map((s) => s.slice(0, 6 * 250)),
    };
    const r = await inferRecord(model, short, {
      beats: null,
      info: { leads: MODEL_LEADS, maxPrematurity: 0.95, minCompensation: 1.2 },
    });
    expect(r.beats.length).toBeGreaterThan(0);
    expect(r.beats.length).toBeLessThan(10);
    expect(r.rhythmSigns).toBe(false);
    expect(r.warnings.filter((w) => /without rhythm signs/.test(w))).toEqual([
      `record ${record.id} has ${r.beats.length} beats to analyse, fewer than 10: beats labelled without rhythm signs (no prematurity or pause test)`,
    ]);
    const full = await inferRecord(model, record, { beats: null, info: { leads: MODEL_LEADS } });
    expect(full.rhythmSigns).toBe(true);
  });

  it('refuses a record below 100 Hz in one line naming the rate', async () => {
    const slow = { ...record, fs: 50 };
    const e = await inferRecord(model, slow, { beats: null }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BeatlensError);
    expect((e as BeatlensError).code).toBe('fs-too-low');
    expect((e as BeatlensError).message).toBe(
      `record ${record.id} is sampled at 50 Hz; beatlens needs at least 100 Hz (its QRS detector and the model's 0.5–40 Hz band)`,
    );
  });
});
