/**
 * Bad input at the IPC and HTTP entry points: random JSON against the zod contract, through the
 * handlers (with a spy core and with the real app services over a store) and through the HTTP
 * bridge. Every answer is an envelope whose error is one line with a code and no stack trace; the
 * core runs only on arguments the schema accepts; a refused call writes nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHandlers, invokeChannel } from '../../src-main/ipc/handlers';
import type { ChannelImpl, Handlers } from '../../src-main/ipc/handlers';
import { argSchemas } from '../../src-main/ipc/schemas';
import { CHANNELS } from '../../src-main/ipc/contract';
import type { Channel, Envelope } from '../../src-main/ipc/contract';
import { createEventBus } from '../../src-main/ipc/events';
import { startHttpBridge } from '../../src-main/ipc/http-bridge';
import type { HttpBridge } from '../../src-main/ipc/http-bridge';
import { createAppServices } from '../../src-main/app/services';
import type { AppServices } from '../../src-main/app/services';
import { raw } from '../helpers/http';
import { tempDir } from '../store/fixtures';

const tmp = tempDir('beatlens-ipc-fuzz-');
afterAll(() => tmp.cleanup());

/** Strings that have hurt before, or name real things (ids of the demo, paths, markup). */
const hostileString = fc.constantFrom(
  '',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  'evil\u0000.hea',
  'demo-1',
  '100',
  '1',
  'rater-a',
  'I',
  'csv',
  'json',
  'x'.repeat(300),
  '__proto__',
  'constructor',
  '<img src=x onerror=alert(1)>',
);
const value = fc.oneof(
  hostileString,
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -3, max: 3000 }),
  fc.constantFrom(-1, 0, 1.5, 1e9, 2 ** 31, Number.MAX_SAFE_INTEGER),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const keysOf = (c: Channel): string[] =>
  Object.keys((argSchemas[c] as unknown as { shape: Record<string, unknown> }).shape);

/** A random argument for `channel`: any JSON, or an object of its own keys (and strangers). */
const argFor = (channel: Channel) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 4,
      arbitrary: fc.dictionary(
        fc.constantFrom(...keysOf(channel), ...keysOf(channel), 'path', 'extra', '__proto__'),
        value,
        { maxKeys: keysOf(channel).length + 1 },
      ),
    },
  );
/** Per argument name: values that are valid for it (ids of the demo, in-range numbers) or near. */
const NEAR: Record<string, fc.Arbitrary<unknown>> = {
  recordId: fc.constantFrom('demo-1', 'syn-7-0', 'nope', '../../etc/passwd', '100'),
  flagId: fc.constantFrom('demo-1@700', 'demo-1@-1', 'other@700', 'nope'),
  studyId: fc.constantFrom('1', '2', '999', '0', '-1', '1.5', 'nope'),
  raterId: fc.constantFrom('rater-a', 'a', 'nobody', '<b>x</b>'),
  jobId: fc.constantFrom('train-1', 'scan-1', 'nope'),
  fileId: fc.constantFrom('0'.repeat(32), '/etc/passwd', '../secret.bin'),
  batchId: fc.constantFrom(undefined, 'f'.repeat(32), '..'),
  name: fc.constantFrom('fuzz.csv', 'x.hea', 'x.dat', '../evil.hea', 'a/b.csv', 'fuzz study'),
  data: fc.constantFrom('', 'SSxJSQoxLDIK', 'not base64!', 'AAAA'),
  index: fc.constantFrom(0, 1, 3, 11, 12, -1, 1e9),
  startSample: fc.constantFrom(0, 100, 107_999, 10 ** 7, -1),
  nSamples: fc.constantFrom(1, 500, 5000, 10 ** 8, 0),
  maxPoints: fc.constantFrom(16, 300, 20_000, 15),
  withAttention: fc.boolean(),
  devicePxPerMm: fc.constantFrom(null, 0.4, 0.5, 3.78, 100, 101, Number.NaN),
  grade: fc.constantFrom('I', 'II', 'III', 'IV'),
  format: fc.constantFrom('csv', 'json', 'xml'),
  decision: fc.constantFrom('accepted', 'rejected', 'pending', 'maybe'),
  nItems: fc.constantFrom(1, 3, 0, 2000),
  raters: fc.constantFrom(['rater-a'], ['a', 'b'], [], ['']),
  seed: fc.constantFrom(0, 7, -1, 2 ** 31),
  search: fc.constantFrom('', 'demo', '%', "' OR 1=1 --"),
  fs: fc.constantFrom(250, 360, 0, -1, undefined),
  dataset: fc.constantFrom('demo', 'store', 'mitdb', undefined),
  modelId: fc.constantFrom('default', 'nope', '../..', 'untrained-demo'),
  kind: fc.constantFrom('records', 'model', 'weights', undefined),
  protocol: fc.constantFrom('stratified', 'patient', 'inter-patient', 'holdout'),
  folds: fc.constantFrom('first', 'all', 'some'),
};
/** An argument of `channel` with every key it takes, each valid or nearly so. */
const nearValid = (channel: Channel) =>
  fc.record(Object.fromEntries(keysOf(channel).map((k) => [k, NEAR[k] ?? value])));
const callOf = (channels: readonly Channel[]) =>
  fc
    .constantFrom(...channels)
    .chain((channel) =>
      fc.tuple(fc.constant(channel), fc.oneof(argFor(channel), nearValid(channel))),
    );

/** An envelope, and if an error then one line with a code and no stack frame. */
function expectEnvelope(r: Envelope<unknown>): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) return;
  expect(r.code).toMatch(/^[a-z0-9-]+$/);
  expect(r.message.length).toBeGreaterThan(0);
  expect(r.message).not.toMatch(/\n|\bat \S+ \(|\.[cm]?[jt]s:\d+:\d+/);
}

describe('IPC arguments against the contract (spy core)', () => {
  it('reach the core exactly when the schema accepts them, and answer envelopes', async () => {
    let reached: Channel | null = null;
    const impl = Object.fromEntries(
      CHANNELS.map((c) => [c, () => ((reached = c), { fine: true })]),
    ) as unknown as ChannelImpl;
    const handlers = createHandlers(impl);
    await fc.assert(
      fc.asyncProperty(callOf(CHANNELS), async ([channel, args]) => {
        reached = null;
        const r = await invokeChannel(handlers, channel, args);
        expectEnvelope(r);
        const valid = argSchemas[channel].safeParse(args ?? {}).success;
        expect(reached).toBe(valid ? channel : null);
        expect(r.ok).toBe(valid);
      }),
      { numRuns: 1500 },
    );
    for (const name of ['', 'records', 'records:lists', 'fs:read', '__proto__', 'toString']) {
      reached = null;
      expectEnvelope(await invokeChannel(handlers, name, {}));
      expect(reached).toBeNull();
    }
  });
});

describe('IPC arguments against the real app services', () => {
  let services: AppServices;
  let handlers: Handlers;
  const home = join(tmp.dir, 'home');
  beforeAll(async () => {
    services = await createAppServices({
      shell: 'browser',
      events: createEventBus(),
      home,
      demo: true,
    });
    handlers = createHandlers(services.impl);
  }, 120_000);
  afterAll(() => services?.close());

  /** What a write would change: every table's row count and the staged uploads. */
  const state = () => {
    const uploads = join(home, 'uploads');
    const staged = existsSync(uploads) ? readdirSync(uploads, { recursive: true }).sort() : [];
    return JSON.stringify([services.store!.counts(), staged]);
  };

  it(
    'never crash, answer one-line errors, and write nothing when they refuse',
    { timeout: 240_000 },
    async () => {
      // Long work (a worker per call) is left to the spy-core property above.
      const channels = CHANNELS.filter((c) => c !== 'train:start' && c !== 'scan:start');
      let before = state();
      let refused = 0;
      /** Calls whose argument passed validation, so that the services themselves answered. */
      const pastSchema = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(callOf(channels), async ([channel, args]) => {
          const r = await invokeChannel(handlers, channel, args);
          expectEnvelope(r);
          if (r.ok || r.code !== 'ipc-bad-argument') {
            pastSchema.set(channel, (pastSchema.get(channel) ?? 0) + 1);
          }
          const after = state();
          if (!r.ok) {
            refused++;
            expect(after, `${channel} refused (${r.message}) but wrote`).toBe(before);
          }
          before = after;
        }),
        { numRuns: 1500 },
      );
      console.log(`IPC fuzz past the schema: ${JSON.stringify(Object.fromEntries(pastSchema))}`);
      expect(refused).toBeGreaterThan(500);
      expect(pastSchema.size).toBeGreaterThan(15);
    },
  );
});

describe('HTTP bridge requests', () => {
  let bridge: HttpBridge;
  let cookie = '';
  const impl = Object.fromEntries(
    CHANNELS.map((c) => [c, () => ({ fine: c })]),
  ) as unknown as ChannelImpl;
  beforeAll(async () => {
    bridge = await startHttpBridge({
      handlers: createHandlers(impl),
      events: createEventBus(),
      staticDir: join(tmp.dir, 'no-renderer'),
    });
    const origin = `http://127.0.0.1:${bridge.port}`;
    const session = await raw(bridge.port, {
      method: 'POST',
      path: '/api/session',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ secret: new URL(bridge.launchUrl).hash.slice('#secret='.length) }),
    });
    cookie = String(session.headers['set-cookie']).split(';')[0];
  });
  afterAll(() => bridge?.close());

  it(
    'answer every random request with a status and an envelope, never a crash',
    { timeout: 120_000 },
    async () => {
      const origin = `http://127.0.0.1:${bridge.port}`;
      const path = fc.oneof(
        fc.constantFrom(...CHANNELS).map((c) => `/api/invoke/${c}`),
        fc.stringMatching(/^[a-z:%./0-9A-Z_-]{0,24}$/).map((s) => `/api/invoke/${s}`),
        fc.stringMatching(/^[a-z%./0-9_-]{0,24}$/).map((s) => `/api/${s}`),
        fc.constantFrom('/api/session', '/api/invoke/records:list?x=1', '/..%2f..%2fetc%2fpasswd'),
      );
      const body = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
        fc.constantFrom('', '{', '{"search": 7}', '[]', 'null', '{"__proto__": {"x": 1}}'),
      );
      await fc.assert(
        fc.asyncProperty(
          path,
          fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'DELETE'),
          fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', ''),
          body,
          fc.boolean(),
          async (p, method, type, text, withOrigin) => {
            if (p === '/api/events' && method === 'GET') return; // a stream that stays open
            const r = await raw(bridge.port, {
              method,
              path: p,
              headers: {
                cookie,
                ...(type ? { 'content-type': type } : {}),
                ...(withOrigin ? { origin } : {}),
              },
              body: method === 'GET' ? undefined : text,
            });
            expect([200, 400, 403, 404, 405, 413, 415]).toContain(r.status);
            if (!String(r.headers['content-type']).startsWith('application/json')) {
              // A path that normalises out of /api/ is a (missing) renderer file.
              expect(r.status).toBeGreaterThanOrEqual(400);
              expect(r.body).not.toMatch(/\n|\bat \S+ \(/);
              return;
            }
            const envelope = JSON.parse(r.body) as Envelope<unknown>;
            expectEnvelope(envelope);
            if (r.status !== 200) expect(envelope.ok).toBe(false);
          },
        ),
        { numRuns: 400 },
      );
      // Still serving.
      const ok = await raw(bridge.port, {
        method: 'POST',
        path: '/api/invoke/records:list',
        headers: { cookie, origin, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(JSON.parse(ok.body)).toEqual({ ok: true, value: { fine: 'records:list' } });
    },
  );
});
