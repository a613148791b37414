/**
 * The review service over the store: a scan is kept with every beat and the record's reference
 * symbols matched, beats are relabelled (one beat, a range, a cluster) with undo/redo, the
 * template view clusters a label's beats, and the exports (WFDB annotations read back by the
 * WFDB reader, CSV, JSON) carry the effective labels.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { matchReference, ReviewService } from '../../src-main/app/review';
import type { ScannedBeat } from '../../src-main/app/job-protocol';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { parseMitAnnotations } from '../../src-main/ecg/wfdb/annotations';
import { effectiveLabels, openStore, type Store } from '../../src-main/store/index';
import { tempDir } from '../store/fixtures';

const tmp = tempDir('beatlens-review-');
let store: Store | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function setup(): { service: ReviewService; scanId: number; beats: ScannedBeat[]; s: Store } {
  const s = (store = openStore(join(tmp.dir, `${Date.now()}-${Math.random()}.sqlite`)));
  const { record, beats: reference } = synthesizeRecord({
    seed: 4,
    durationSeconds: 90,
    pvcRate: 0.12,
  });
  s.records.import({ record, format: 'synthetic', checksum: 'x', beats: reference });
  const service = new ReviewService(s, () => ({ record, beats: reference }));
  // A "detector" scan: R peaks 5 samples off the annotations, the machine calls every PVC V and
  // misses none; the last reference beat is not detected.
  const beats: ScannedBeat[] = reference.slice(0, -1).map((b, i) => ({
    sample: b.sample + 5,
    label: b.aami === 'V' ? 'V' : 'N',
    score: i === 3 ? null : b.aami === 'V' ? 0.9 : 0.2,
    correlation: null,
    segmentLabel: b.aami === 'V' ? 'PVC' : 'NORMAL',
    segmentProbability: 0.8,
    symbol: null,
  }));
  const scan = service.saveScan(
    record.id,
    { beats, beatSource: 'detector', excluded: [] },
    { modelName: 'm1', minProbability: 0.5 },
  );
  return { service, scanId: scan.id, beats, s };
}

describe('matchReference', () => {
  it('matches the nearest annotated beat within 150 ms, else null', () => {
    const ref = [
      { sample: 100, symbol: 'N', aami: 'N' as const },
      { sample: 400, symbol: 'V', aami: 'V' as const },
    ];
    expect(matchReference([90, 150, 250, 390, 450, 1000], ref, 360)).toEqual([
      'N',
      'N',
      null,
      'V',
      'V',
      null,
    ]);
    expect(matchReference([90], null, 360)).toEqual([null]);
  });
});

describe('ReviewService', () => {
  it('keeps every beat with its reference symbol, flags non-N beats, relabels with undo/redo', () => {
    const { service, scanId, beats } = setup();
    const view = service.beats(scanId);
    expect(view.scan).toMatchObject({ model: 'm1', beatSource: 'detector', nBeats: beats.length });
    expect(view.hasReference).toBe(true);
    // A beat the map gives no score keeps null (not 0).
    expect(view.beats[3].score).toBeNull();
    expect(view.beats.every((b) => b.reference !== null)).toBe(true);
    expect(view.beats.filter((b) => b.flagged).map((b) => b.sample)).toEqual(
      beats.filter((b) => b.label === 'V').map((b) => b.sample),
    );
    const [a, b, c] = view.beats.map((x) => x.sample);
    expect(service.label(scanId, [a], 'S').changed).toEqual([{ sample: a, reviewerLabel: 'S' }]);
    const range = service.label(scanId, [a, b, c], 'artefact');
    expect(range.changed.map((x) => x.reviewerLabel)).toEqual(['artefact', 'artefact', 'artefact']);
    expect(service.undo(scanId).changed).toEqual([
      { sample: a, reviewerLabel: 'S' },
      { sample: b, reviewerLabel: null },
      { sample: c, reviewerLabel: null },
    ]);
    const redone = service.redo(scanId);
    expect(redone.changed.every((x) => x.reviewerLabel === 'artefact')).toBe(true);
    expect(redone.history).toMatchObject({ canUndo: true, canRedo: false });
    // The machine's labels stay.
    expect(service.beats(scanId).beats[0]).toMatchObject({
      machineLabel: 'N',
      reviewerLabel: 'artefact',
    });
  });

  it('clusters the V beats apart, and relabels a whole cluster as one undoable decision', () => {
    const { service, scanId, s } = setup();
    const t = service.templates(scanId, 'N');
    expect(t.nBeats).toBe(t.clusters.reduce((n, c) => n + c.size, 0));
    expect(t.clusters[0].size).toBeGreaterThan(t.nBeats * 0.8);
    expect(t.clusters[0].mean).toHaveLength(2 * t.halfWindow + 1);
    const v = service.templates(scanId, 'V');
    expect(v.nBeats).toBeGreaterThan(3);
    const cluster = v.clusters[0];
    service.label(scanId, cluster.samples, 'F');
    const labels = effectiveLabels(s, scanId);
    expect(labels.filter((l) => l.label === 'F').map((l) => l.sample)).toEqual(cluster.samples);
    expect(service.templates(scanId, 'V').nBeats).toBe(v.nBeats - cluster.size);
    service.undo(scanId);
    expect(effectiveLabels(s, scanId).filter((l) => l.label === 'F')).toHaveLength(0);
  });

  it('exports the effective labels as WFDB annotations, CSV and JSON', () => {
    const { service, scanId, beats } = setup();
    const first = beats[0].sample;
    const pvc = beats.find((b) => b.label === 'V')!.sample;
    service.label(scanId, [first], 'artefact');
    service.label(scanId, [pvc], 'N');
    const wfdb = service.export(scanId, 'wfdb');
    expect(wfdb.fileName).toMatch(/\.rev$/);
    const all = parseMitAnnotations(Buffer.from(wfdb.base64!, 'base64'), wfdb.fileName);
    // Beat annotations; the rhythm ('+') and pause ('"') annotations are tested below.
    const anns = all.filter((a) => a.symbol !== '+' && a.symbol !== '"');
    expect(anns.map((a) => a.sample)).toEqual(beats.map((b) => b.sample));
    expect(anns[0].symbol).toBe('|');
    expect(anns.find((a) => a.sample === pvc)!.symbol).toBe('N');
    expect(anns.filter((a) => a.symbol === 'V')).toHaveLength(
      beats.filter((b) => b.label === 'V').length - 1,
    );
    const csv = service.export(scanId, 'csv').text!;
    expect(csv.split('\n')[0]).toBe(
      'sample,time_s,label,machine_label,reviewer_label,score,segment_label,segment_probability,reference',
    );
    expect(csv).toContain(`\n${first},${(first / 360).toFixed(3)},artefact,N,artefact,`);
    expect(csv).toContain(`\n${pvc},${(pvc / 360).toFixed(3)},N,V,N,`);
    const json = JSON.parse(service.export(scanId, 'json').text!) as {
      scan: { model: string; nReviewed: number };
      beats: Array<{ label: string; machineLabel: string }>;
    };
    expect(json.scan.nReviewed).toBe(2);
    expect(json.beats).toHaveLength(beats.length);
    expect(() => service.export(scanId + 1, 'csv')).toThrow(/scan \d+ is not in the store/);
  });
});

describe('ReviewService rhythm episodes', () => {
  it('stores the machine episodes with the scan; reviews them with undo; exports the reviewed ones', () => {
    const { service, scanId, s } = setup();
    const machine = service.episodes(scanId);
    expect(machine.episodes.length).toBeGreaterThan(0);
    expect(machine.episodes.every((e) => e.state === 'machine')).toBe(true);
    const first = machine.episodes[0];
    // The machine's episodes are the report's rhythm findings over the machine labels.
    expect(s.rhythmReviews.info(scanId)).toEqual({ verdict: false, excludedKnown: true });

    const relabelled = service.reviseEpisode(scanId, first.episode, {
      action: 'relabel',
      rhythm: 'VT',
    });
    expect(relabelled.changed).toBe(first.episode);
    expect(relabelled.episodes[0]).toMatchObject({
      state: 'changed',
      rhythm: 'VT',
      machineRhythm: first.machineRhythm,
      nBeats: first.nBeats,
    });
    const read = () => {
      const f = service.export(scanId, 'wfdb');
      return parseMitAnnotations(Buffer.from(f.base64!, 'base64'), f.fileName).filter(
        (a) => a.symbol === '+',
      );
    };
    expect(
      read()
        .slice(0, 2)
        .map((a) => [a.sample, a.aux]),
    ).toEqual([
      [first.startSample - 1, '(VT'],
      [first.endSample + 1, '(N'],
    ]);
    const json = JSON.parse(service.export(scanId, 'json').text!) as {
      episodes: Array<{ episode: number; state: string; rhythm: string; machineRhythm: string }>;
    };
    expect(json.episodes[0]).toMatchObject({ state: 'changed', rhythm: 'VT' });
    expect(json.episodes[0].machineRhythm).toBe(first.machineRhythm);

    const deleted = service.reviseEpisode(scanId, first.episode, { action: 'delete' });
    expect(deleted.episodes[0].state).toBe('deleted');
    expect(read().some((a) => a.sample === first.startSample - 1)).toBe(false);
    expect(service.undoEpisode(scanId).episodes[0].state).toBe('changed');
    expect(service.undoEpisode(scanId).episodes[0].state).toBe('machine');
    expect(service.redoEpisode(scanId).episodes[0].state).toBe('changed');
    expect(() =>
      service.reviseEpisode(scanId, first.episode, {
        action: 'edges',
        startSample: first.startSample + 1,
        endSample: first.endSample,
      }),
    ).toThrow(/no beat at sample \d+: episode edges are R peaks/);
  });

  it('gives a scan stored before rhythm review its machine episodes, saying how', () => {
    const { service, scanId, s } = setup();
    s.db.prepare('DELETE FROM scan_rhythm').run();
    expect(s.counts().scan_episodes).toBe(0);
    const r = service.episodes(scanId);
    expect(r.episodes.length).toBeGreaterThan(0);
    expect(r.note).toMatch(/predates rhythm review/);
  });
});
