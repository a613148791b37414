/**
 * Bad input to the store: random mutations of a valid import either import completely or fail
 * with a BeatlensError and leave every table unchanged; nothing else (no TypeError, no SQLite
 * constraint error, no partial rows).
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBeatlensError } from '../../src-main/errors';
import { openStore } from '../../src-main/store';
import { fakeImport, tempDir } from './fixtures';

const tmp = tempDir('beatlens-fuzz-');
afterAll(() => tmp.cleanup());

type Input = ReturnType<typeof fakeImport>;
const N_SAMPLES = 600;
const SEG = 200;

const oddNumber = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, 0.5, 1e12, N_SAMPLES, N_SAMPLES - 1),
  fc.integer({ min: -10, max: N_SAMPLES + 10 }),
  fc.double(),
);

/** One mutation: a function of (input, random numbers) that damages one field. */
const mutation = fc.oneof(
  fc.record({ lead: fc.nat(2), at: fc.nat(N_SAMPLES - 1), v: oddNumber }).map((m) => (x: Input) => {
    const s = x.record.signals[m.lead % x.record.signals.length];
    if (s) s[m.at % s.length] = m.v;
  }),
  fc.record({ i: fc.nat(50), v: oddNumber }).map((m) => (x: Input) => {
    if (x.beats.length) x.beats[m.i % x.beats.length].sample = m.v;
  }),
  fc.record({ i: fc.nat(50), v: fc.string({ maxLength: 3 }) }).map((m) => (x: Input) => {
    if (x.beats.length) x.beats[m.i % x.beats.length].aami = m.v as 'N';
  }),
  fc.record({ lead: fc.nat(2), cut: fc.nat(N_SAMPLES) }).map((m) => (x: Input) => {
    const l = m.lead % x.record.signals.length;
    x.record.signals[l] = x.record.signals[l].subarray(0, m.cut);
  }),
  oddNumber.map((v) => (x: Input) => (x.record.fs = v)),
  oddNumber.map((v) => (x: Input) => (x.record.nSamples = v)),
  fc.string({ maxLength: 6 }).map((v) => (x: Input) => (x.record.id = v)),
  fc.constant((x: Input) => x.record.leadNames.pop()),
  fc.constant((x: Input) => (x.record.patientId = '')),
  fc
    .record({
      i: fc.nat(5),
      field: fc.constantFrom('offset', 'length', 'nSamples', 'nLeads', 'fs'),
      v: oddNumber,
    })
    .map((m) => (x: Input) => {
      const items = x.segments.items;
      if (items.length)
        (items[m.i % items.length] as unknown as Record<string, number>)[m.field] = m.v;
    }),
  fc.record({ i: fc.nat(5), cut: fc.nat(2 * SEG) }).map((m) => (x: Input) => {
    const items = x.segments.items;
    if (items.length) {
      const s = items[m.i % items.length];
      s.data = s.data.subarray(0, m.cut);
    }
  }),
  fc.record({ i: fc.nat(5), j: fc.nat(5), v: oddNumber }).map((m) => (x: Input) => {
    const s = x.segments.items[m.i % x.segments.items.length];
    if (s?.beats.length) s.beats[m.j % s.beats.length].position = m.v;
  }),
  fc.record({ i: fc.nat(5) }).map((m) => (x: Input) => {
    const items = x.segments.items;
    if (items.length > 1) items[m.i % items.length].offset = items[0].offset;
  }),
);

describe('store import under random damage', () => {
  it('imports whole or throws a one-line BeatlensError and writes nothing', () => {
    const store = openStore(join(tmp.dir, 'fuzz.sqlite'));
    let rejected = 0;
    let imported = 0;
    try {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.nat(), (muts, k) => {
          const input = fakeImport(`f${k}`, {
            nSamples: N_SAMPLES,
            segSamples: SEG,
            beatEvery: 100,
          });
          for (const m of muts) m(input);
          const before = store.counts();
          try {
            store.records.import(input, { replace: true });
          } catch (e) {
            if (!isBeatlensError(e)) throw e;
            expect(e.message).not.toMatch(/\n/);
            expect(store.counts()).toEqual(before);
            rejected++;
            return;
          }
          imported++;
          const stored = store.records.get(input.record.id);
          expect(stored?.nBeats).toBe(input.beats.length);
          expect(stored?.nSegments).toBe(input.segments.items.length);
          expect(store.records.load(input.record.id).signals[0]).toEqual(input.record.signals[0]);
        }),
        { numRuns: 400, seed: 20261125 },
      );
    } finally {
      store.close();
    }
    // Both outcomes must occur, or the generator is not exercising the validator.
    expect(rejected).toBeGreaterThan(100);
    expect(imported).toBeGreaterThan(0);
    console.log(`store fuzz: ${rejected} rejected, ${imported} imported`);
  });
});
