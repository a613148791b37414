/**
 * The flagged-beat scan over the one inference path, with a stand-in model whose decisions are
 * known: a segment is PVC when one beat peaks far above the others (else NORMAL), and the
 * attention is the squared first lead, so the tall beat is the one to flag.
 */
import { describe, expect, it } from 'vitest';
import type { Beat, EcgRecord } from '../../src-main/ecg/types';
import { scanRecord } from '../../src-main/evaluate/scan';
import { tf } from '../../src-main/model/tf';
import type { BeatlensModel, ModelConfig } from '../../src-main/model/types';

const FS_MODEL = 180;
const N_SAMPLES = 1000;

function standInModel(classes = ['APB', 'NORMAL', 'PVC'], alwaysPvc = false) {
  const config = {
    fs: FS_MODEL,
    nLeads: 2,
    nSamples: N_SAMPLES,
    classes,
    method: 'joint',
  } as unknown as ModelConfig;
  const forward = (x: tf.Tensor3D) => {
    const [batch, n, nLeads] = x.shape;
    const v = x.dataSync();
    const logits: number[][] = [];
    const att = new Float32Array(batch * n);
    for (let b = 0; b < batch; b++) {
      let top = 0;
      let at = 0;
      for (let t = 0; t < n; t++) {
        const s = v[(b * n + t) * nLeads];
        att[b * n + t] = s * s;
        if (s > top) [top, at] = [s, t];
      }
      let second = 0;
      for (let t = 0; t < n; t++) {
        if (Math.abs(t - at) > 30) second = Math.max(second, v[(b * n + t) * nLeads]);
      }
      // One beat far above the others (a lone beat has nothing to stand out from).
      const pvc = alwaysPvc || (top > 0 && second > 0.2 * top && second < 0.6 * top);
      const p = classes.map((c) =>
        c === (pvc ? 'PVC' : 'NORMAL') ? 0.9 : 0.1 / (classes.length - 1),
      );
      logits.push(p.map(Math.log));
    }
    return { logits: tf.tensor2d(logits), attention: tf.tensor2d(att, [batch, n]) };
  };
  return { config, forward } as unknown as Pick<
    BeatlensModel,
    'forward' | 'forwardFeatures' | 'forwardHead' | 'config'
  >;
}

/** Spikes every 0.8 s at `fs`; with `tallEvery`, every such beat is 3× taller, 3× wider, V. */
function spikyRecord(
  fs: number,
  tallEvery = 0,
  seconds = 60,
): { record: EcgRecord; beats: Beat[] } {
  const n = Math.round(fs * seconds);
  // A little baseline noise, as in any real recording (a perfectly flat second reads as lead-off).
  let seed = 12345;
  const x = Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 0.01 * (seed / 2147483648 - 0.5);
  });
  const beats: Beat[] = [];
  const w = Math.max(2, Math.round((10 * fs) / 360));
  let k = 0;
  for (let p = Math.round(0.4 * fs); p < n - fs / 2; p += Math.round(0.8 * fs), k++) {
    const tall = tallEvery > 0 && k % tallEvery === 1;
    // A tall beat is also wide, as a PVC's QRS is: its shape differs, not only its size.
    const wb = tall ? 3 * w : w;
    for (let d = -wb; d <= wb; d++) {
      x[p + d] += (tall ? 3 : 1) * Math.exp(-(d * d) / (wb * wb * 0.2));
    }
    beats.push({ sample: p, symbol: tall ? 'V' : 'N', aami: tall ? 'V' : 'N' });
  }
  const record: EcgRecord = {
    id: 'spiky',
    patientId: 'p',
    fs,
    nSamples: n,
    leadNames: ['MLII', 'V1'],
    units: ['mV', 'mV'],
    signals: [x, Float32Array.from(x)],
    source: 'test',
  };
  return { record, beats };
}

describe('scanRecord', () => {
  it('labels exactly the tall beats V in segments classified PVC, every other beat N', async () => {
    const { record, beats } = spikyRecord(360, 7);
    const before = tf.memory().numTensors;
    const r = await scanRecord(standInModel(), record, beats);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.beatSource).toBe('annotations');
    expect(r.nBeats).toBe(beats.length);
    expect(r.beats.map((b) => b.sample)).toEqual(beats.map((b) => b.sample));
    const tall = beats.filter((b) => b.aami === 'V').map((b) => b.sample);
    expect(r.flagged.map((f) => f.sample)).toEqual(tall);
    expect(r.flagged.every((f) => f.label === 'V' && f.segmentLabel === 'PVC')).toBe(true);
    expect(r.flagged[0].score).toBeCloseTo(1, 5);
    expect(r.warnings).toEqual(["record spiky is at 360 Hz; resampled to the model's 180 Hz"]);
    expect(Object.values(r.predictedCounts).reduce((s, v) => s + v, 0)).toBe(r.nSegments);
  });

  it('flags no beat on an all-normal record', async () => {
    const { record, beats } = spikyRecord(360, 0);
    const r = await scanRecord(standInModel(), record, beats);
    expect(r.nSegments).toBeGreaterThan(5);
    expect(r.predictedCounts.NORMAL).toBe(r.nSegments);
    expect(r.flagged).toHaveLength(0);
    expect(r.beats.every((b) => b.label === 'N')).toBe(true);
  });

  it('detects R peaks when the record has no annotations', async () => {
    const { record, beats } = spikyRecord(360, 7);
    const r = await scanRecord(standInModel(), record, null);
    expect(r.beatSource).toBe('detector');
    expect(r.nBeats).toBe(beats.length);
    const tall = beats.filter((b) => b.aami === 'V').map((b) => b.sample);
    expect(r.flagged).toHaveLength(tall.length);
    r.flagged.forEach((f, i) => expect(Math.abs(f.sample - tall[i])).toBeLessThanOrEqual(3));
  });

  it('resamples a 250 Hz record and says so; samples stay at the record rate', async () => {
    const { record, beats } = spikyRecord(250, 7);
    const r = await scanRecord(standInModel(), record, beats);
    expect(r.warnings[0]).toMatch(/at 250 Hz; resampled to the model's 180 Hz/);
    expect(r.flagged.map((f) => f.sample)).toEqual(
      beats.filter((b) => b.aami === 'V').map((b) => b.sample),
    );
  });

  it('reports a lead-off gap and a NaN stretch with their ranges and labels nothing there', async () => {
    const { record, beats } = spikyRecord(360, 7);
    const lead = record.signals[1];
    lead.fill(0.5, 20 * 360, 24 * 360); // 4 s flat: electrode off
    lead.fill(NaN, 40 * 360, 41 * 360); // 1 s NaN
    const r = await scanRecord(standInModel(), record, beats);
    expect(r.excluded.map((x) => [x.reason, x.lead])).toEqual([
      ['flat', 'V1'],
      ['non-finite', 'V1'],
    ]);
    const [flat, nan] = r.excluded;
    expect(flat.start).toBeLessThanOrEqual(20 * 360);
    expect(flat.end).toBeGreaterThanOrEqual(24 * 360);
    expect(nan.start).toBeLessThanOrEqual(40 * 360);
    expect(nan.end).toBeGreaterThanOrEqual(41 * 360);
    const inside = (s: number) => r.excluded.some((x) => s >= x.start && s < x.end);
    expect(r.nBeatsExcluded).toBe(beats.filter((b) => inside(b.sample)).length);
    expect(r.nBeatsExcluded).toBeGreaterThan(0);
    expect(r.beats.some((b) => inside(b.sample))).toBe(false);
    expect(r.beats.every((b) => Number.isFinite(b.score))).toBe(true);
    // The beats outside still get their labels.
    const tallOutside = beats
      .filter((b) => b.aami === 'V' && !inside(b.sample))
      .map((b) => b.sample);
    expect(r.flagged.map((f) => f.sample)).toEqual(tallOutside);
  });

  it('scans a record with fewer leads than the model on the lead it has, and says so', async () => {
    const { record, beats } = spikyRecord(360, 7);
    const one = { ...record, leadNames: ['ECG1'], units: ['mV'], signals: [record.signals[0]] };
    const r = await scanRecord(standInModel(), one, beats);
    expect(r.leadsLine).toBe('leads used: ECG1 in both inputs (the record has one lead)');
    expect(r.beats.length).toBe(beats.length);
  });

  it("a V beat must not look like the record's dominant beat (maxCorrelation)", async () => {
    // A model that calls every segment PVC: every beat ties at the top of its segment.
    const normal = spikyRecord(360, 0);
    // Without the bound every beat is a V candidate, and the record-level check withdraws V
    // labels that fall on the dominant morphology (withdrawImplausible), saying so.
    const loose = await scanRecord(standInModel(undefined, true), normal.record, normal.beats);
    expect(loose.flagged).toHaveLength(0);
    expect(loose.warnings.some((w) => /V labels fell on the dominant QRS morphology/.test(w))).toBe(
      true,
    );
    const strict = await scanRecord(standInModel(undefined, true), normal.record, normal.beats, {
      info: { maxCorrelation: 0.9 },
    });
    expect(strict.flagged).toHaveLength(0);
    expect(strict.warnings.some((w) => /dominant QRS morphology/.test(w))).toBe(false);
    expect(strict.beats.every((b) => b.correlation > 0.9)).toBe(true);
    // The wide tall beats of a mixed record still differ from the dominant beat.
    const mixed = spikyRecord(360, 7);
    const r = await scanRecord(standInModel(), mixed.record, mixed.beats, {
      info: { maxCorrelation: 0.9 },
    });
    expect(r.flagged.map((f) => f.sample)).toEqual(
      mixed.beats.filter((b) => b.aami === 'V').map((b) => b.sample),
    );
  });

  it('warns that a model without a NORMAL class calls every segment abnormal', async () => {
    const { record, beats } = spikyRecord(360, 0);
    const r = await scanRecord(standInModel(['APB', 'PVC']), record, beats);
    expect(r.warnings.some((w) => /no NORMAL class/.test(w))).toBe(true);
  });
});
