import { describe, expect, it, vi } from 'vitest';
import { createHandlers, invokeChannel } from '../../src-main/ipc/handlers';
import type { ChannelImpl } from '../../src-main/ipc/handlers';
import { CHANNELS } from '../../src-main/ipc/contract';
import { BeatlensError } from '../../src-main/errors';

/** Every channel answers with a marker, and records that the core was reached. */
function spyImpl(): { impl: ChannelImpl; calls: string[] } {
  const calls: string[] = [];
  const impl = Object.fromEntries(
    CHANNELS.map((c) => [
      c,
      vi.fn((args: unknown) => {
        calls.push(c);
        return { reached: c, args };
      }),
    ]),
  ) as unknown as ChannelImpl;
  return { impl, calls };
}

const BAD: Array<[string, unknown, RegExp]> = [
  [
    'records:window',
    { recordId: '100', startSample: -1, nSamples: 10, maxPoints: 100 },
    /startSample/,
  ],
  [
    'records:window',
    { recordId: '100', startSample: 0, nSamples: 10, maxPoints: 1e9 },
    /maxPoints/,
  ],
  ['records:window', { recordId: '', startSample: 0, nSamples: 10, maxPoints: 100 }, /recordId/],
  ['records:import', { fileId: 42 }, /fileId/],
  ['records:import', { fileId: 'f1', fs: -360 }, /fs/],
  // The renderer never sends a path: the old argument is an unknown key now.
  ['records:import', { path: '/etc/passwd' }, /fileId|unrecognized/i],
  ['files:upload', { name: 'a.csv', data: 'not base64!' }, /data: is not base64/],
  ['files:upload', { name: '', data: '' }, /name/],
  ['studies:grade', { studyId: 's1', raterId: 'a', index: 0, grade: 'IV' }, /grade/],
  ['studies:grade', { studyId: 's1', raterId: 'a', index: 1.5, grade: 'I' }, /index/],
  ['studies:create', { name: 'x', nItems: 5, raters: [], seed: 1 }, /raters/],
  [
    'studies:create',
    { name: 'x', nItems: 5, raters: ['a'], seed: 1, label: 'PVC' },
    /label|unrecognized/i,
  ],
  ['train:start', { task: 'pvc-apb', method: 'magic' }, /method/],
  ['studies:export', { studyId: 's1', format: 'xlsx' }, /format/],
  ['review:label', { scanId: 1, samples: [10], label: 'maybe' }, /label/],
  ['review:label', { scanId: 1, samples: [], label: 'V' }, /samples/],
  ['review:export', { scanId: 0, format: 'wfdb' }, /scanId/],
  ['rhythm:revise', { scanId: 1, episode: 0, revision: { action: 'merge' } }, /action/],
  [
    'rhythm:revise',
    { scanId: 1, episode: 0, revision: { action: 'relabel', rhythm: 'AFIB' } },
    /rhythm/,
  ],
  [
    'rhythm:revise',
    { scanId: 1, episode: 0, revision: { action: 'edges', startSample: 90, endSample: 10 } },
    /ends after it starts/,
  ],
  ['rhythm:revise', { scanId: 1, episode: -1, revision: { action: 'confirm' } }, /episode/],
  ['rhythm:undo', { scanId: 1.5 }, /scanId/],
];

describe('IPC handlers validate every argument before the core', () => {
  it.each(BAD)(
    '%s rejects %j with a one-line error naming the field',
    async (channel, args, field) => {
      const { impl, calls } = spyImpl();
      const handlers = createHandlers(impl);
      const res = await invokeChannel(handlers, channel, args);
      expect(res.ok).toBe(false);
      if (res.ok) return;
      expect(res.code).toBe('ipc-bad-argument');
      expect(res.message).toMatch(field);
      expect(res.message.startsWith(`${channel}:`)).toBe(true);
      expect(res.message).not.toContain('\n');
      expect(calls).toEqual([]);
    },
  );

  it('rejects non-object arguments and unknown channels', async () => {
    const { impl, calls } = spyImpl();
    const handlers = createHandlers(impl);
    for (const raw of ['x', 5, [1], null]) {
      const res = await invokeChannel(handlers, 'records:list', raw);
      // null is read as {} (no argument); the others are errors.
      if (raw === null) expect(res.ok).toBe(true);
      else expect(res.ok).toBe(false);
    }
    const unknown = await invokeChannel(handlers, 'fs:readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, code: 'ipc-unknown-channel' });
    expect(calls).toEqual(['records:list']);
  });

  it('passes valid, parsed arguments to the core', async () => {
    const { impl } = spyImpl();
    const handlers = createHandlers(impl);
    const args = { studyId: 's1', raterId: 'a', index: 2, grade: 'II' };
    const res = await invokeChannel(handlers, 'studies:grade', args);
    expect(res).toEqual({ ok: true, value: { reached: 'studies:grade', args } });
  });

  it('turns core errors into one line without a stack', async () => {
    const { impl } = spyImpl();
    impl['records:list'] = () => {
      throw new BeatlensError('record-not-found', "record 'x'\nis not in the library");
    };
    impl['jobs:list'] = () => {
      throw new TypeError('boom\n    at somewhere (file.ts:1:1)');
    };
    const handlers = createHandlers(impl);
    expect(await invokeChannel(handlers, 'records:list', {})).toEqual({
      ok: false,
      code: 'record-not-found',
      message: "record 'x' is not in the library",
    });
    expect(await invokeChannel(handlers, 'jobs:list', {})).toEqual({
      ok: false,
      code: 'internal',
      message: 'boom',
    });
  });
});
