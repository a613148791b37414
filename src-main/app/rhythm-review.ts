/**
 * Rhythm review of whole-record scans for the app and the CLI. A scan's machine episodes are the
 * Holter report's rhythm findings (`rhythmFindings`: AF/flutter, pauses, brady/tachycardia,
 * VT/SVT runs, bigeminy/trigeminy) over the scan's machine labels and its excluded stretches,
 * stored once with the scan; the reviewer's versions live beside them (store/rhythm-reviews.ts).
 * The review screen's rows show the version in force with its figures recomputed over the
 * scan's beats (the reviewer's artefacts left out), and the exports write it.
 */
import { episodeOf, type RhythmKind } from '../ecg/rhythm-episodes';
import { rhythmFindings } from '../holter/report';
import type { ReviewEpisodeRow, ReviewEpisodes } from '../ipc/contract';
import {
  effectiveEpisodes,
  effectiveLabels,
  type EffectiveEpisode,
  type MachineEpisode,
  type Store,
  type StoredEpisode,
  type StoredScan,
} from '../store/index';

const round2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

/** The machine's episodes of a scan's machine labels (the report's rhythm findings). */
export function machineEpisodes(
  beats: ReadonlyArray<{ sample: number; machineLabel: MachineEpisode['rhythm'] | string }>,
  fs: number,
  excluded: ReadonlyArray<{ start: number; end: number }>,
): { verdict: boolean; episodes: MachineEpisode[] } {
  const f = rhythmFindings({
    fs,
    beats: beats.map((b) => ({ sample: b.sample, label: b.machineLabel as 'N' })),
    excluded,
  });
  return {
    verdict: f.af.verdict,
    episodes: f.episodes.map((e) => ({
      rhythm: e.rhythm,
      startSample: e.startSample,
      endSample: e.endSample,
      meanRateBpm: e.meanRateBpm,
      maxRateBpm: e.maxRateBpm,
      nBeats: e.nBeats,
    })),
  };
}

/** Stores a scan's machine episodes (part of the caller's transaction when it has one). */
export function storeMachineEpisodes(
  store: Store,
  scan: StoredScan,
  excluded: ReadonlyArray<{ start: number; end: number }> | null,
): void {
  const beats = store.beatReviews
    .beats(scan.id)
    .map((b) => ({ sample: b.beatSample, machineLabel: b.machineLabel }));
  const { verdict, episodes } = machineEpisodes(beats, scan.fs, excluded ?? []);
  store.rhythmReviews.storeEpisodes(
    scan.id,
    { verdict, excludedKnown: excluded !== null },
    episodes,
  );
}

/**
 * The scan's episodes from the store; a scan stored before rhythm review gets its machine
 * episodes now, from every beat (its excluded stretches were not kept).
 */
export function storedEpisodes(store: Store, scan: StoredScan): StoredEpisode[] {
  if (!store.rhythmReviews.info(scan.id)) storeMachineEpisodes(store, scan, null);
  return store.rhythmReviews.episodes(scan.id);
}

/** The R peaks a scan's episodes are measured over: every beat but the reviewer's artefacts. */
function beatSamples(store: Store, scanId: number): number[] {
  return effectiveLabels(store, scanId)
    .filter((b) => b.label !== 'artefact')
    .map((b) => b.sample);
}

/** Index of the first sample ≥ s (binary search over sorted samples). */
function lowerBound(samples: readonly number[], s: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One row: the version in force; figures recomputed when the reviewer changed it. */
export function episodeRow(
  e: StoredEpisode,
  samples: readonly number[],
  fs: number,
): ReviewEpisodeRow {
  const v = e.state === 'changed' && e.reviewer ? e.reviewer : { ...e.machine };
  const base = {
    episode: e.episode,
    state: e.state,
    machineRhythm: e.machine.rhythm,
    machineStartSample: e.machine.startSample,
    machineEndSample: e.machine.endSample,
    rhythm: v.rhythm,
    startSample: v.startSample,
    endSample: v.endSample,
    startSeconds: v.startSample / fs,
    endSeconds: v.endSample / fs,
    durationSeconds: (v.endSample - v.startSample) / fs,
  };
  if (e.state !== 'changed') {
    return {
      ...base,
      meanRateBpm: round2(e.machine.meanRateBpm),
      maxRateBpm: round2(e.machine.maxRateBpm),
      nBeats: e.machine.nBeats,
    };
  }
  const a = lowerBound(samples, v.startSample);
  const b = lowerBound(samples, v.endSample + 1) - 1;
  if (!(b > a))
    return { ...base, meanRateBpm: null, maxRateBpm: null, nBeats: Math.max(0, b - a + 1) };
  const kind: RhythmKind = v.rhythm === 'AFL' ? 'AF' : v.rhythm;
  const m = episodeOf(kind, samples, fs, a, b);
  return {
    ...base,
    meanRateBpm: round2(m.meanRateBpm),
    maxRateBpm: round2(m.maxRateBpm),
    nBeats: m.nBeats,
  };
}

/** What the review screen shows of a scan's rhythm. */
export function reviewEpisodes(
  store: Store,
  scan: StoredScan,
  changed: number | null = null,
): ReviewEpisodes {
  const episodes = storedEpisodes(store, scan);
  const info = store.rhythmReviews.info(scan.id)!;
  const samples = beatSamples(store, scan.id);
  const notes = [
    info.verdict ? null : 'too few beats for an AF verdict: no AF/flutter episodes',
    info.excludedKnown
      ? null
      : 'this scan predates rhythm review: its episodes are from every beat (excluded stretches were not kept); scan again for the report’s episodes',
  ].filter((n): n is string => n !== null);
  return {
    scanId: scan.id,
    episodes: episodes.map((e) => episodeRow(e, samples, scan.fs)),
    history: store.rhythmReviews.history(scan.id),
    note: notes.length ? notes.join('; ') : null,
    changed,
  };
}

/** The episodes in force for the exports (the reviewer's version where reviewed, deleted left out). */
export function exportedEpisodes(store: Store, scan: StoredScan): EffectiveEpisode[] {
  return effectiveEpisodes(storedEpisodes(store, scan));
}
