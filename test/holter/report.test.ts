/**
 * The report assembly and its HTML page on a hand-built inference: strips at the events with
 * the map on the record's scale and the beat labels, the effective labels (reviewer over
 * machine, artefacts out), the model's name and version, warnings with excluded time ranges,
 * and a self-contained page in which text from a hostile header is escaped.
 */
import { describe, expect, it } from 'vitest';
import type { RecordMaps } from '../../src-main/app/record-maps';
import type { AamiClass } from '../../src-main/ecg/types';
import {
  buildHolterReport,
  machineLabels,
  reportBeats,
  reportModel,
  type BuildReportInput,
} from '../../src-main/holter/report';
import { hourlySvg, reportHtml, stripSvg } from '../../src-main/holter/report-html';

const FS = 100;
const N_SAMPLES = 60 * FS;

/** 60 s, one beat a second from 0.5 s; V at 10.5 s and a run of 4 at 30.5..33.5 s. */
function fixture(recordId = '900', leadNames = ['MLII', 'V1']): BuildReportInput {
  const labels = [...'N'.repeat(60)].map((l, i) =>
    i === 10 || (i >= 30 && i <= 33) ? 'V' : l,
  ) as AamiClass[];
  const beats = labels.map((label, i) => ({ sample: 50 + i * FS, label }));
  // Model rate = record rate / 2; the map is 2 at the first PVC and 4 somewhere far away.
  const map = new Float32Array(N_SAMPLES / 2);
  map[Math.round(1050 / 2)] = 2;
  map[Math.round(5500 / 2)] = 4;
  const maps: RecordMaps = {
    recordId,
    fsRecord: FS,
    fsModel: FS / 2,
    map,
    maxValue: 4,
    mapSource: 'gradxinput',
    beatSource: 'detector',
    beats,
    segments: [],
    warnings: ['record 900 is at 100 Hz; resampled to the model’s 50 Hz'],
    excluded: [{ start: 4000, end: 4300, reason: 'flat', lead: leadNames[0] }],
  };
  const signal = Float32Array.from({ length: N_SAMPLES }, (_, t) => Math.sin(t / 7));
  return {
    record: {
      id: recordId,
      fs: FS,
      nSamples: N_SAMPLES,
      leadNames,
      units: ['mV', 'mV'],
      signals: [signal, signal],
      startTime: { secondsOfDay: 8 * 3600, date: '2024-05-06' },
    },
    maps,
    beats: machineLabels(maps),
    model: reportModel('default', {
      method: 'classifier',
      savedAt: '2026-01-02T03:04:05Z',
      meta: { name: 'test model', code: { commit: 'abcdef0123456789' } },
    }),
    generatedAt: '2026-02-03T04:05:06Z',
  };
}

describe('buildHolterReport', () => {
  const r = buildHolterReport(fixture());

  it('carries the burden figures at the top level with the model and its version', () => {
    expect(r.pvcCount).toBe(5);
    expect(r.totalBeats).toBe(57); // 3 beats lie in the excluded 40..43 s
    expect(r.burdenPercent).toBeCloseTo((100 * 5) / 57, 10);
    expect(r.model).toEqual({
      name: 'test model',
      id: 'default',
      method: 'classifier',
      codeCommit: 'abcdef0123456789',
      savedAt: '2026-01-02T03:04:05Z',
    });
    expect(r.ventricular.longestRun?.start.clock).toBe('2024-05-06 08:00:30');
    expect(r.reviewer).toBeNull();
    expect(r.signedOffAt).toBeNull();
  });

  it('gives no rhythm verdict on a record shorter than the AF window, and says so', () => {
    expect(r.af.verdict).toBe(false);
    expect(r.afBurdenPercent).toBeNull();
    expect(r.warnings.some((w) => /no rhythm verdict: 57 analysed beats/.test(w))).toBe(true);
  });

  it('warns about resampling, the detector and each excluded stretch with its times', () => {
    expect(r.warnings).toContain('record 900 is at 100 Hz; resampled to the model’s 50 Hz');
    expect(r.warnings).toContain('excluded 0:00:40–0:00:43 (flat, lead MLII): not analysed');
    expect(r.warnings.some((w) => /QRS detector/.test(w))).toBe(true);
  });

  it('cuts strips at the first PVC and the longest run, with the map on the record scale', () => {
    const kinds = r.strips.map((s) => s.kind);
    expect(kinds).toEqual(['first-pvc', 'longest-run', 'fastest-hr']);
    const first = r.strips[0];
    expect(first.nSamples).toBe(8 * FS);
    expect(first.startSample).toBe(1050 - 4 * FS);
    expect(first.beats.find((b) => b.sample === 1050)?.label).toBe('V');
    // The map's 2 at the PVC over the record's largest value 4.
    expect(Math.max(...first.attention)).toBeCloseTo(0.5, 3);
    expect(first.min).toHaveLength(2);
    expect(first.min[0].length).toBe(first.attention.length);
    const run = r.strips[1];
    expect(run.beats.filter((b) => b.label === 'V')).toHaveLength(4);
    expect(run.title).toMatch(/4 beats at 60 bpm/);
  });
});

describe('reportBeats (from effective labels)', () => {
  it("keeps the effective label, drops artefacts and counts the reviewer's beats", () => {
    const { beats, reviewedBeats } = reportBeats([
      { sample: 10, label: 'V', source: 'reviewer' },
      { sample: 20, label: 'artefact', source: 'reviewer' },
      { sample: 30, label: 'N', source: 'machine' },
    ]);
    expect(beats).toEqual([
      { sample: 10, label: 'V' },
      { sample: 30, label: 'N' },
    ]);
    expect(reviewedBeats).toBe(2);
  });
});

describe('reportHtml', () => {
  it('is one self-contained page: inline style and SVG, no script, no external resource', () => {
    const html = reportHtml(buildHolterReport(fixture()));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|<img|\ssrc=|\shref=|url\(/i);
    expect(html).toContain('data-figure="pvc-count">5<');
    expect(html).toContain('test model');
    expect(html).toContain('code abcdef012345');
    expect(html).not.toContain('PVC burden 8.8'); // 8.8 %: not urgent
    expect(html).toContain('1 ventricular run of ≥ 3 beats'); // the run of 4 is
    const input = fixture();
    const reviewed = reportBeats(
      input.beats.map((b, i) => ({
        sample: b.sample,
        label: i < 3 ? 'V' : b.label,
        source: i < 3 ? 'reviewer' : 'machine',
      })),
    );
    const urgent = reportHtml(buildHolterReport({ ...input, ...reviewed }));
    expect(urgent.includes('Urgent findings')).toBe(true);
    expect(urgent.includes('PVC burden 14.0 % (8 of 57 beats) is above 10 %')).toBe(true);
    expect(urgent.includes('3 set by the reviewer')).toBe(true);
    expect(html).toContain('0:00:40');
    expect((html.match(/<svg /g) ?? []).length).toBe(4); // hourly + 3 strips
  });

  it('escapes the record id, lead names, model name and reviewer from untrusted input', () => {
    const bad = '<img src=x onerror="alert(1)">';
    const input = fixture(bad, [bad, 'V1&<']);
    input.model = { ...input.model, name: `${bad}model` };
    const html = reportHtml({
      ...buildHolterReport({ ...input, reviewer: `${bad}rev` }),
      signedOffAt: '2026-01-01T00:00:00Z',
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('V1&amp;&lt;');
    expect(html).toContain('2026-01-01T00:00:00Z');
  });

  it('draws each strip lead, the shading and the beat labels; the hourly bars', () => {
    const r = buildHolterReport(fixture());
    const svg = stripSvg(r.strips[0], 'gradient × input');
    expect((svg.match(/<path /g) ?? []).length).toBe(2);
    expect(svg).toMatch(/fill-opacity="0\.\d+"/);
    expect((svg.match(/>V</g) ?? []).length).toBe(1);
    expect(hourlySvg(r)).toContain('hour 1: 5 PVCs');
  });
});

/** ~10 min at 100 Hz: 200 sinus beats, 300 irregular ones (every 10th labelled S), sinus, a 3.5-s pause. */
function rhythmFixture(): BuildReportInput {
  let seed = 7;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const rr = [
    ...Array.from({ length: 200 }, () => 0.8),
    ...Array.from({ length: 300 }, () => 0.35 + 0.5 * rand()),
    ...Array.from({ length: 100 }, () => 0.8),
    3.5,
    ...Array.from({ length: 50 }, () => 0.8),
  ];
  const samples = [50];
  for (const x of rr) samples.push(samples[samples.length - 1] + Math.round(x * FS));
  const nSamples = samples[samples.length - 1] + 5 * FS;
  const beats = samples.map((sample, i) => ({
    sample,
    label: (i > 200 && i < 500 && i % 10 === 0 ? 'S' : 'N') as AamiClass,
  }));
  const base = fixture();
  const maps: RecordMaps = {
    ...base.maps,
    map: new Float32Array(nSamples / 2).fill(1),
    maxValue: 1,
    beats,
    excluded: [],
    warnings: [],
  };
  const signal = new Float32Array(nSamples);
  return {
    ...base,
    record: { ...base.record, nSamples, signals: [signal, signal] },
    maps,
    beats: machineLabels(maps),
  };
}

describe('buildHolterReport: rhythm', () => {
  const input = rhythmFixture();
  const r = buildHolterReport(input);

  it('finds the AF episode, its burden of the analysed time, and counts no SVEB inside it', () => {
    const af = r.episodes.filter((e) => e.rhythm === 'AF');
    expect(af).toHaveLength(1);
    expect(r.af.verdict).toBe(true);
    expect(r.af.longest).toEqual(af[0]);
    expect(r.afBurdenPercent).toBeCloseTo((100 * af[0].durationSeconds) / r.analysedSeconds, 10);
    expect(r.afBurdenPercent!).toBeGreaterThan(15);
    expect(r.af.fastestRateBpm!).toBeGreaterThan(af[0].meanRateBpm!);
    // The S beats lie well inside the irregular stretch: none is counted.
    const inside = input.beats.filter(
      (b) => b.label === 'S' && b.sample >= af[0].startSample && b.sample <= af[0].endSample,
    );
    expect(inside.length).toBeGreaterThan(20);
    expect(r.labelCounts.S).toBe(input.beats.filter((b) => b.label === 'S').length - inside.length);
    expect(r.hourly[0].afMinutes).toBeCloseTo(af[0].durationSeconds / 60, 10);
  });

  it('flags the 3.5-s pause as urgent with a strip, and AF faster than 110 bpm', () => {
    const pause = r.urgent.find((u) => u.code === 'pause');
    expect(pause?.message).toMatch(/1 pause of ≥ 3 s; the longest 3.50 s/);
    expect(r.strips.map((s) => s.kind)).toContain('urgent-pause');
    expect(r.strips.map((s) => s.kind)).toContain('longest-af');
    const af = r.episodes.find((e) => e.rhythm === 'AF')!;
    expect(r.urgent.some((u) => u.code === 'af-rapid')).toBe(af.meanRateBpm! > 110);
  });

  it('shows the AF burden and the episode table in the page', () => {
    const html = reportHtml(r);
    expect(html).toContain('data-figure="af-burden"');
    expect(html).toContain('data-testid="episodes"');
  });
});
