/**
 * Crash safety of grading: a child process grading study items back to back (the app's
 * StudyService over the store) is SIGKILLed at random moments. After every kill the store must
 * pass `PRAGMA integrity_check`, and every grade the child reported committed must be there, with
 * the latest committed value (a grade begun but not committed may be either value).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudyService } from '../../src-main/app/studies';
import { createRng } from '../../src-main/random';
import { openStore } from '../../src-main/store';
import { fakeImport, tempDir } from './fixtures';
import { bundleChild, runAndKill } from './kill-child';

const tmp = tempDir('beatlens-grade-crash-');
const childFile = join(tmp.dir, 'grade-crash-child.cjs');

beforeAll(() => bundleChild(join(__dirname, 'grade-crash-child.ts'), childFile));
afterAll(() => tmp.cleanup());

describe('grading crash safety', () => {
  it('SIGKILL while grading never loses a committed grade', { timeout: 60_000 }, async () => {
    const path = join(tmp.dir, 'store.sqlite');
    const setup = openStore(path);
    setup.records.import(fakeImport('100', { nSamples: 12_000 }));
    const segments = setup.segments.list();
    expect(segments.length).toBeGreaterThanOrEqual(8);
    const study = await new StudyService(setup).create(
      { name: 'crash', nItems: 8, raters: ['a', 'b'], seed: 2 },
      { name: 'store', segments },
      (ids) => ids.map((id) => new Float32Array(setup.segments.get(id)!.nSamples).fill(1)),
      { id: 'test', name: 'test model', key: 'test' },
    );
    setup.close();

    const rng = createRng(11);
    /** rater:index → the latest committed grade, and grades that may have landed uncommitted. */
    const committed = new Map<string, string>();
    let n = 0;
    let kills = 0;
    for (let round = 0; round < 12; round++) {
      const lines = await runAndKill(childFile, [path, study.id, String(n)], 20 + rng.next() * 150);
      kills++;
      const last = lines.filter((l) => l.startsWith('begin ') || l.startsWith('commit ')).at(-1);
      const inFlight = last?.startsWith('begin ') ? Number(last.slice(6)) : null;
      for (const l of lines.filter((x) => x.startsWith('commit '))) {
        const [, num, rater, index, grade] = l.split(' ');
        committed.set(`${rater}:${index}`, grade);
        n = Number(num) + 1;
      }
      const store = openStore(path);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const studies = new StudyService(store);
      const shown = (key: string) => {
        const [raterId, index] = key.split(':');
        return studies.item({ studyId: study.id, raterId, index: Number(index) }).grade;
      };
      const flightKey =
        inFlight === null
          ? null
          : `${inFlight % 2 === 0 ? 'a' : 'b'}:${Math.floor(inFlight / 2) % 8}`;
      for (const [key, grade] of committed) {
        if (key !== flightKey) expect(shown(key), `committed grade ${key} lost`).toBe(grade);
      }
      // At most one row per rater and item, however often it was regraded.
      expect(store.studies.grades(Number(study.id)).length).toBeLessThanOrEqual(16);
      // The grade in flight at the kill either landed or not; go on from what the store holds.
      if (flightKey !== null && inFlight !== null) {
        const g = shown(flightKey);
        if (g !== null) committed.set(flightKey, g);
        n = inFlight + 1;
      }
      store.close();
    }
    console.log(
      `grade crash test: ${kills} kills, ${n} grades attempted, ${committed.size} rater×item grades kept`,
    );
    expect(n).toBeGreaterThan(kills);
  });
});
