import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src-main/store/store';
import {
  CALIBRATION_KEY,
  readCalibration,
  writeCalibration,
} from '../../src-main/app/display-calibration';
import { createHandlers } from '../../src-main/ipc/handlers';
import { createAppServices } from '../../src-main/app/services';
import { createEventBus } from '../../src-main/ipc/events';

const tmp = mkdtempSync(join(tmpdir(), 'beatlens-calibration-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('display calibration', () => {
  it('is kept in the settings table across a reopen, and cleared with null', () => {
    const path = join(tmp, 'a.sqlite');
    const s = openStore(path);
    expect(readCalibration(s.settings)).toEqual({ devicePxPerMm: null });
    expect(writeCalibration(s.settings, 5.25)).toEqual({ devicePxPerMm: 5.25 });
    s.close();
    const again = openStore(path);
    expect(readCalibration(again.settings)).toEqual({ devicePxPerMm: 5.25 });
    expect(writeCalibration(again.settings, null)).toEqual({ devicePxPerMm: null });
    again.close();
  });

  it('refuses implausible densities and ignores a damaged stored value', () => {
    const s = openStore(join(tmp, 'b.sqlite'));
    expect(() => writeCalibration(s.settings, 0.1)).toThrow(
      /devicePxPerMm=0.1 is not a screen density/,
    );
    expect(() => writeCalibration(s.settings, Number.NaN)).toThrow(/not a screen density/);
    s.settings.set(CALIBRATION_KEY, 'banana');
    expect(readCalibration(s.settings)).toEqual({ devicePxPerMm: null });
    expect(() => writeCalibration(null, 4)).toThrow(/record store is unavailable/);
    s.close();
  });

  it('goes through the IPC channels with their argument checks', async () => {
    const services = await createAppServices({
      shell: 'browser',
      events: createEventBus(),
      home: join(tmp, 'home'),
      demo: false,
    });
    try {
      const h = createHandlers(services.impl);
      expect(await h['display:calibration']({})).toEqual({
        ok: true,
        value: { devicePxPerMm: null },
      });
      expect(await h['display:calibrate']({ devicePxPerMm: 4.5 })).toEqual({
        ok: true,
        value: { devicePxPerMm: 4.5 },
      });
      const bad = await h['display:calibrate']({ devicePxPerMm: '4.5' });
      expect(bad.ok).toBe(false);
      expect(bad.ok ? '' : bad.code).toBe('ipc-bad-argument');
      expect(await h['display:calibration']({})).toEqual({
        ok: true,
        value: { devicePxPerMm: 4.5 },
      });
    } finally {
      services.close();
    }
  });
});
