/**
 * The standard 12-lead ECG: lead names in their conventional order, how file lead labels map to
 * them, and each lead's direction in the heart-vector space (used by the synthetic generator).
 *
 * A model sees leads by position, so 12-lead records from different sources must present their
 * leads in one order; `standardLeadOrder` finds that order from the labels a file carries.
 */

/** Conventional order: limb leads, augmented limb leads, precordial leads. */
export const STANDARD_12_LEADS = [
  'I',
  'II',
  'III',
  'aVR',
  'aVL',
  'aVF',
  'V1',
  'V2',
  'V3',
  'V4',
  'V5',
  'V6',
] as const;

export type StandardLead = (typeof STANDARD_12_LEADS)[number];

const BY_UPPER = new Map<string, StandardLead>(STANDARD_12_LEADS.map((n) => [n.toUpperCase(), n]));

/**
 * The standard name of a file's lead label, or null. Case, spaces and an 'ECG' prefix are
 * ignored ('ii', 'ECG II', 'avr', 'V1 ' all match), as WFDB (PTB: 'avr') and EDF ('ECG V1')
 * files spell them differently.
 */
export function standardLeadName(label: string): StandardLead | null {
  const key = label
    .toUpperCase()
    .replace(/^ECG[\s_-]*/, '')
    .replace(/[\s_-]+/g, '');
  return BY_UPPER.get(key) ?? null;
}

/**
 * Indices that pick the 12 standard leads, in standard order, out of a file's lead labels; null
 * when any standard lead is missing or appears twice. Extra leads (e.g. PTB's Frank vx, vy, vz)
 * are left out.
 */
export function standardLeadOrder(labels: readonly string[]): number[] | null {
  const at = new Map<StandardLead, number>();
  for (let i = 0; i < labels.length; i++) {
    const name = standardLeadName(labels[i]);
    if (!name) continue;
    if (at.has(name)) return null;
    at.set(name, i);
  }
  const order = STANDARD_12_LEADS.map((n) => at.get(n));
  return order.every((i) => i !== undefined) ? (order as number[]) : null;
}

type Vec3 = [number, number, number];

/**
 * Lead vectors (x: patient's left, y: inferior, z: anterior) from Dower's inverse transform of
 * the Frank leads (Dower et al., J Electrocardiol 1980; Frank's z points backwards, so its sign is
 * flipped here). A heart vector v shows in a lead as the dot product with that lead's vector.
 * Limb leads follow Einthoven and Goldberger: III = II − I, aVR = −(I + II)/2, aVL = I − II/2,
 * aVF = II − I/2.
 */
export const STANDARD_12_LEAD_VECTORS: Record<StandardLead, Vec3> = (() => {
  const I: Vec3 = [0.632, -0.235, -0.059];
  const II: Vec3 = [0.235, 1.066, 0.132];
  const comb = (a: number, b: number): Vec3 => [
    a * I[0] + b * II[0],
    a * I[1] + b * II[1],
    a * I[2] + b * II[2],
  ];
  return {
    I,
    II,
    III: comb(-1, 1),
    aVR: comb(-0.5, -0.5),
    aVL: comb(1, -0.5),
    aVF: comb(-0.5, 1),
    V1: [-0.515, 0.157, 0.917],
    V2: [0.044, 0.164, 1.387],
    V3: [0.882, 0.098, 1.277],
    V4: [1.213, 0.127, 0.601],
    V5: [1.125, 0.127, 0.086],
    V6: [0.831, 0.076, -0.23],
  };
})();
