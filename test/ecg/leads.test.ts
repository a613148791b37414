import { describe, expect, it } from 'vitest';
import {
  STANDARD_12_LEADS,
  STANDARD_12_LEAD_VECTORS,
  standardLeadName,
  standardLeadOrder,
} from '../../src-main/ecg/leads';

describe('standardLeadName', () => {
  it('matches the spellings WFDB and EDF files use', () => {
    expect(standardLeadName('ii')).toBe('II');
    expect(standardLeadName('avr')).toBe('aVR');
    expect(standardLeadName('ECG V1')).toBe('V1');
    expect(standardLeadName(' aVF ')).toBe('aVF');
    expect(standardLeadName('MLII')).toBeNull();
    expect(standardLeadName('vx')).toBeNull();
    expect(standardLeadName('V7')).toBeNull();
  });
});

describe('standardLeadOrder', () => {
  it('picks the 12 standard leads in order and drops extra ones (PTB: 15 leads)', () => {
    const ptb = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
    expect(standardLeadOrder([...ptb, 'vx', 'vy', 'vz'])).toEqual(ptb.map((_, i) => i));
    const shuffled = ['V6', 'I', 'V1', 'II', 'V2', 'III', 'V3', 'aVR', 'V4', 'aVL', 'V5', 'aVF'];
    const order = standardLeadOrder(shuffled) as number[];
    expect(order.map((i) => shuffled[i])).toEqual([...STANDARD_12_LEADS]);
  });

  it('returns null when a lead is missing or named twice', () => {
    expect(standardLeadOrder(STANDARD_12_LEADS.slice(0, 11))).toBeNull();
    expect(standardLeadOrder([...STANDARD_12_LEADS.slice(0, 11), 'V5'])).toBeNull();
    expect(standardLeadOrder(['lead 1', 'lead 2'])).toBeNull();
  });
});

describe('STANDARD_12_LEAD_VECTORS', () => {
  it("obey Einthoven's and Goldberger's relations", () => {
    const v = STANDARD_12_LEAD_VECTORS;
    for (let k = 0; k < 3; k++) {
      expect(v.III[k]).toBeCloseTo(v.II[k] - v.I[k], 12);
      expect(v.aVR[k] + v.aVL[k] + v.aVF[k]).toBeCloseTo(0, 12);
      expect(v.aVF[k]).toBeCloseTo((v.II[k] + v.III[k]) / 2, 12);
    }
  });

  it('put V1 anterior-rightward and V6 leftward', () => {
    const v = STANDARD_12_LEAD_VECTORS;
    expect(v.V1[0]).toBeLessThan(0);
    expect(v.V1[2]).toBeGreaterThan(0.5);
    expect(v.V6[0]).toBeGreaterThan(0.5);
  });
});
