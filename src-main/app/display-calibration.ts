/**
 * The user's screen calibration for true millimetres in the viewer: device pixels per millimetre,
 * measured by matching an on-screen bar to a credit card (85.60 mm) or a ruler. Kept in the
 * settings table, so the paper grid stays true across restarts; null means "not calibrated"
 * (the viewer then trusts the display's nominal density).
 */
import { BeatlensError } from '../errors';
import type { DisplayCalibration } from '../ipc/contract';
import type { SettingsRepository } from '../store/settings';

export const CALIBRATION_KEY = 'viewer.devicePxPerMm';
/** Plausible screens: 0.5 px/mm (a projector) to 100 px/mm (2540 dpi). */
export const MIN_PX_PER_MM = 0.5;
export const MAX_PX_PER_MM = 100;

const valid = (v: number): boolean =>
  Number.isFinite(v) && v >= MIN_PX_PER_MM && v <= MAX_PX_PER_MM;

export function readCalibration(settings: SettingsRepository | null): DisplayCalibration {
  const raw = settings?.get(CALIBRATION_KEY) ?? null;
  const v = raw === null ? NaN : Number(raw);
  // A stored value that is not a plausible density is ignored, never used to draw.
  return { devicePxPerMm: valid(v) ? v : null };
}

/** Stores (or, with null, clears) the calibration; refused without a store. */
export function writeCalibration(
  settings: SettingsRepository | null,
  devicePxPerMm: number | null,
): DisplayCalibration {
  if (!settings) {
    throw new BeatlensError(
      'store-unavailable',
      'the screen calibration cannot be kept: the record store is unavailable',
    );
  }
  if (devicePxPerMm !== null && !valid(devicePxPerMm)) {
    throw new BeatlensError(
      'calibration-invalid',
      `devicePxPerMm=${devicePxPerMm} is not a screen density (expected ${MIN_PX_PER_MM}–${MAX_PX_PER_MM} px/mm)`,
    );
  }
  settings.set(CALIBRATION_KEY, devicePxPerMm === null ? '' : String(devicePxPerMm));
  return readCalibration(settings);
}
