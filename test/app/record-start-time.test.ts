import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src-main/store';
import { createAppServices } from '../../src-main/app/services';
import { createEventBus } from '../../src-main/ipc/events';
import { fakeImport } from '../store/fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'beatlens-start-time-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("a record's wall-clock start in the app", () => {
  it('reaches records:list and the record after a restart (from the store)', async () => {
    const home = join(tmp, 'home');
    mkdirSync(home, { recursive: true });
    const store = openStore(join(home, 'beatlens.sqlite'));
    const input = fakeImport('clock');
    input.record.startTime = { secondsOfDay: 34890, date: '2024-03-14' };
    store.records.import(input);
    store.records.import(fakeImport('plain', { seed: 2 }));
    store.close();
    const services = await createAppServices({
      shell: 'browser',
      events: createEventBus(),
      home,
      demo: false,
    });
    try {
      const list = await services.impl['records:list']({});
      const byId = Object.fromEntries(list.map((r) => [r.id, r.startTime]));
      expect(byId.clock).toEqual({ secondsOfDay: 34890, date: '2024-03-14' });
      expect(byId.plain).toBeNull();
      expect(services.library.get('clock').record.startTime).toEqual(byId.clock);
    } finally {
      services.close();
    }
  });
});
