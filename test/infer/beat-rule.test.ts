import { describe, expect, it } from 'vitest';
import {
  beatCandidate,
  labelBeats,
  rhythmFeatures,
  withdrawImplausible,
  type RuleBeat,
} from '../../src-main/infer/beat-rule';

describe('beatCandidate', () => {
  const rule = { beatThreshold: 0.4, maxCorrelation: 0.9 };
  it('normal segments give N; abnormal ones V/S above the threshold', () => {
    expect(beatCandidate('NORMAL', 1, 0, rule)).toBe('N');
    expect(beatCandidate('PVC', 0.39, 0, rule)).toBe('N');
    expect(beatCandidate('PVC', 0.4, 0.5, rule)).toBe('V');
    expect(beatCandidate('APB', 0.4, 0.99, rule)).toBe('S'); // S keeps a normal QRS
  });
  it('a V candidate must not look like the dominant beat', () => {
    expect(beatCandidate('PVC', 1, 0.9, rule)).toBe('N');
    expect(beatCandidate('PVC', 1, 0.95, { beatThreshold: 0.4 })).toBe('V');
  });
});

describe('rhythmFeatures', () => {
  it('measures RR intervals against the local reference and ignores rate changes', () => {
    // Sinus at 1.0 s, then 0.6 s; a premature beat (0.6 of the RR) with a full pause after it.
    const t: number[] = [];
    let x = 0;
    for (let i = 0; i < 20; i++) t.push((x += 1));
    const ectopic = t.length;
    t.push(x + 0.6);
    x += 2;
    t.push(x);
    for (let i = 0; i < 20; i++) t.push((x += 0.6));
    const f = rhythmFeatures(
      t.map((s) => s * 360),
      360,
    );
    expect(f[ectopic].rrPrev).toBeCloseTo(0.6, 6);
    expect(f[ectopic].prematurity).toBeCloseTo(0.6, 6);
    expect(f[ectopic].compensation).toBeCloseTo(1.4, 6);
    expect(f[5].prematurity).toBeCloseTo(1, 6);
    expect(f[t.length - 5].prematurity).toBeCloseTo(1, 6); // the faster rate is its own reference
    expect(Number.isNaN(f[0].rrPrev)).toBe(true);
    expect(Number.isNaN(f[t.length - 1].rrNext)).toBe(true);
  });
  it('measures no interval across a run break', () => {
    const samples = Array.from({ length: 30 }, (_, i) => i * 300 + (i >= 15 ? 5000 : 0));
    const f = rhythmFeatures(samples, 300, new Set([15]));
    expect(Number.isNaN(f[15].rrPrev)).toBe(true);
    expect(Number.isNaN(f[14].rrNext)).toBe(true);
    expect(f[16].prematurity).toBeCloseTo(1, 6);
    expect(f[14].prematurity).toBeCloseTo(1, 6);
  });
});

describe('labelBeats with the rhythm rule', () => {
  const beat = (over: Partial<RuleBeat>): RuleBeat => ({
    score: 1,
    correlation: 0,
    segment: 0,
    prematurity: 1,
    compensation: 1,
    cluster: 1,
    ...over,
  });
  const rule = { beatThreshold: 0.4, maxPrematurity: 0.9, minCompensation: 1.15 };

  it('without rhythm bounds it is the candidate rule', () => {
    const beats = [beat({}), beat({ score: 0.1 })];
    expect(labelBeats(beats, ['PVC'], { beatThreshold: 0.4 })).toEqual(['V', 'N']);
  });

  it('a cluster of non-premature candidates (a second normal morphology) is N', () => {
    const beats = Array.from({ length: 10 }, (_, i) =>
      beat({ prematurity: 1 + 0.01 * i, compensation: 1 }),
    );
    beats[3].prematurity = 0.8; // one happens to be early: the cluster still decides
    expect(labelBeats(beats, ['PVC'], rule)).toEqual(Array(10).fill('N'));
  });

  it('a cluster of premature candidates is V, late-coupled members included', () => {
    const beats = Array.from({ length: 10 }, (_, i) =>
      beat({ prematurity: i < 7 ? 0.7 : 1, compensation: i < 7 ? 1.3 : 1 }),
    );
    expect(labelBeats(beats, ['PVC'], rule)).toEqual(Array(10).fill('V'));
  });

  it('a shape far from the dominant beat needs no rhythm sign with rhythmFreeCorrelation', () => {
    // A cluster of on-time candidates: N by the rhythm rule, unless its shape is far enough off.
    const beats = Array.from({ length: 6 }, (_, i) =>
      beat({ prematurity: 1, compensation: 1, correlation: i < 3 ? 0.45 : 0.75 }),
    );
    expect(labelBeats(beats, ['PVC'], rule)).toEqual(Array(6).fill('N'));
    expect(labelBeats(beats, ['PVC'], { ...rule, rhythmFreeCorrelation: 0.5 })).toEqual([
      'V',
      'V',
      'V',
      'N',
      'N',
      'N',
    ]);
    // It relaxes only the rhythm rule: a beat under the map threshold stays N.
    const low = beat({ score: 0.1, correlation: 0.1 });
    expect(labelBeats([low], ['PVC'], { ...rule, rhythmFreeCorrelation: 0.5 })).toEqual(['N']);
  });

  it('small clusters decide beat by beat, and either rhythm sign suffices', () => {
    const beats = [
      beat({ cluster: 5, prematurity: 0.7 }),
      beat({ cluster: 6, compensation: 1.3 }),
      beat({ cluster: 7 }),
      beat({ cluster: 8, prematurity: NaN, compensation: NaN }),
    ];
    expect(labelBeats(beats, ['PVC'], rule)).toEqual(['V', 'V', 'N', 'N']);
  });

  it('leaves S and N alone', () => {
    // (an S must be premature: the first beat comes at 0.8 of the local RR)
    const beats = [beat({ segment: 0, prematurity: 0.8 }), beat({ segment: 1 })];
    expect(labelBeats(beats, ['APB', 'NORMAL'], rule)).toEqual(['S', 'N']);
  });
});

describe('labelBeats: an S must be premature', () => {
  it('keeps an APB-segment candidate S only when its RR before is under 0.9 × the local RR', () => {
    const beats: RuleBeat[] = [0.7, 0.89, 0.9, 1.0, NaN].map((prematurity) => ({
      score: 1,
      correlation: 0.99,
      segment: 0,
      prematurity,
      compensation: 1,
      cluster: 0,
    }));
    expect(labelBeats(beats, ['APB'], { beatThreshold: 0.2 })).toEqual(['S', 'S', 'N', 'N', 'N']);
  });
});

describe('withdrawImplausible', () => {
  it('withdraws V labels on the dominant morphology and says so in one line', () => {
    const labels = Array<'V' | 'N'>(10).fill('V');
    labels[9] = 'N';
    const clusters = [0, 0, 0, 0, 0, 0, 0, 1, 1, 0];
    const r = withdrawImplausible('x', labels, clusters);
    expect(r.labels).toEqual(['N', 'N', 'N', 'N', 'N', 'N', 'N', 'V', 'V', 'N']);
    expect(r.warnings).toEqual([
      'record x: 7 V labels fell on the dominant QRS morphology (8 of 10 beats) and were withdrawn; review the record',
    ]);
    expect(labels[0]).toBe('V'); // input not mutated
  });
  it('keeps bigeminy (the V cluster is not the dominant one) and a record of mostly S below 90 %', () => {
    const big = Array.from({ length: 20 }, (_, i) => (i % 2 ? 'V' : 'N') as 'V' | 'N');
    const r = withdrawImplausible(
      'b',
      big,
      big.map((l) => (l === 'V' ? 1 : 0)),
    );
    expect(r.labels).toEqual(big);
    expect(r.warnings).toEqual([]);
    const s = Array.from({ length: 10 }, (_, i) => (i < 8 ? 'S' : 'N') as 'S' | 'N');
    expect(withdrawImplausible('s', s, Array(10).fill(0)).labels).toEqual(s);
  });
  it('withdraws S labels on more than 90 % of the beats', () => {
    const s = Array.from({ length: 20 }, (_, i) => (i < 19 ? 'S' : 'N') as 'S' | 'N');
    const r = withdrawImplausible('s', s, Array(20).fill(0));
    expect(r.labels).toEqual(Array(20).fill('N'));
    expect(r.warnings[0]).toMatch(/19 of 20 beats came out S/);
  });
});
