/**
 * True millimetres on screen. CSS millimetres are 96/25.4 CSS pixels whatever the display, so
 * the display's nominal density (a CSS-mm probe times devicePixelRatio, i.e. what the operating
 * system's scale setting claims) is only a first guess; a user calibration (a bar matched to a
 * credit card, 85.60 mm, or a ruler) gives the real device pixels per millimetre, kept in the
 * settings table. Device pixels per mm stay true when the page zoom changes devicePixelRatio.
 */

/** ISO/IEC 7810 ID-1 card width: what the calibration bar is matched to by default. */
export const CARD_WIDTH_MM = 85.6;

export const PAPER_SPEEDS = [25, 50] as const;
export const GAINS = [5, 10, 20] as const;
export type PaperSpeed = (typeof PAPER_SPEEDS)[number];
export type Gain = (typeof GAINS)[number];

/** CSS px per CSS mm measured on a probe element (100 mm wide) in the page. */
export function probeCssPxPerMm(doc: Document = document): number {
  const el = doc.createElement('div');
  el.style.cssText = 'position:absolute;visibility:hidden;width:100mm;height:1px;left:-1000mm';
  doc.body.appendChild(el);
  const px = el.getBoundingClientRect().width / 100;
  el.remove();
  return px > 0 ? px : 96 / 25.4;
}

/**
 * CSS px per true mm: from the user's calibration (device px per mm) when there is one, else the
 * display's nominal density.
 */
export function cssPxPerMm(
  calibratedDevicePxPerMm: number | null,
  devicePixelRatio: number,
  probe: number,
): number {
  const dpr = devicePixelRatio > 0 ? devicePixelRatio : 1;
  return calibratedDevicePxPerMm ? calibratedDevicePxPerMm / dpr : probe;
}

/** Device px per mm from a bar of `barCssPx` CSS px that measured `mm` on the screen. */
export function calibrate(barCssPx: number, mm: number, devicePixelRatio: number): number {
  return (barCssPx * (devicePixelRatio > 0 ? devicePixelRatio : 1)) / mm;
}

const VOLT_FACTORS: Record<string, number> = { mv: 1, uv: 1e-3, µv: 1e-3, μv: 1e-3, v: 1e3 };

/** A value in `unit` (a record's signal unit) in mV, or null when the unit is not a voltage. */
export function toMillivolts(value: number, unit: string): number | null {
  const f = VOLT_FACTORS[unit.trim().toLowerCase()];
  return f === undefined ? null : value * f;
}

/** mV per unit of a lead (1 for mV, 0.001 for µV); 1 when the unit is unknown (drawn as mV). */
export function millivoltsPerUnit(unit: string | undefined): number {
  return toMillivolts(1, unit ?? 'mV') ?? 1;
}
