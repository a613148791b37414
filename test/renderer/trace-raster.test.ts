import { describe, expect, it } from 'vitest';
import {
  columnScratch,
  mixPacked,
  multiplyPacked,
  packHex,
  packRgb,
  rasterMinMax,
  type Raster,
} from '../../src-renderer/lib/trace-raster';

const W = 40;
const H = 30;
const INK = packHex('#1a1a1a');
const clip = { x0: 0, x1: W, y0: 0, y1: H };
const raster = (): Raster => ({ pixels: new Uint32Array(W * H), width: W, height: H });
/** Inked rows of column x. */
const inkRows = (r: Raster, x: number): number[] =>
  Array.from({ length: H }, (_, y) => y).filter((y) => r.pixels[y * W + x] === INK);

describe('packed colours', () => {
  it('packs RGBA bytes in ImageData memory order', () => {
    const px = new Uint8ClampedArray(new Uint32Array([packRgb(10, 20, 30)]).buffer);
    expect(Array.from(px)).toEqual([10, 20, 30, 255]);
  });
  it('mixes and multiplies per channel', () => {
    const white = packRgb(255, 255, 255);
    expect(mixPacked(white, packRgb(0, 0, 0), 0.5)).toBe(packRgb(128, 128, 128));
    expect(multiplyPacked(white, packHex('#e8a0a0'))).toBe(packHex('#e8a0a0'));
    expect(multiplyPacked(packRgb(128, 255, 0), packRgb(128, 128, 128))).toBe(packRgb(64, 128, 0));
  });
});

describe('rasterMinMax', () => {
  it('draws one span per column covering every bucket in it (a one-bucket spike survives)', () => {
    const r = raster();
    // 80 buckets over 40 columns (2 per pixel); value = row index (ya = 1, yb = 0).
    const lo = new Array(80).fill(10);
    const hi = new Array(80).fill(10);
    hi[41] = 25; // one spike in column 20
    rasterMinMax(
      r,
      lo,
      hi,
      0,
      80,
      { xb: 0, xStep: 0.5, ya: 1, yb: 0 },
      INK,
      clip,
      columnScratch(W),
    );
    expect(inkRows(r, 5)).toEqual([10]);
    expect(inkRows(r, 20)).toEqual(Array.from({ length: 16 }, (_, i) => 10 + i));
    // Joined: the column after the spike reaches back to it? No — each column touches the
    // previous one's span only where they do not overlap, so column 21 stays at row 10.
    expect(inkRows(r, 21)).toEqual([10]);
  });

  it('joins a column that lies entirely below the previous one, so the trace is continuous', () => {
    const r = raster();
    const lo = [5, 5, 20, 20];
    const hi = [5, 5, 20, 20];
    rasterMinMax(r, lo, hi, 0, 4, { xb: 0, xStep: 1, ya: 1, yb: 0 }, INK, clip, columnScratch(W));
    expect(inkRows(r, 1)).toEqual([5]);
    expect(inkRows(r, 2)).toEqual(Array.from({ length: 16 }, (_, i) => 5 + i));
  });

  it('joins buckets wider than a pixel with lines and leaves a gap at null or NaN', () => {
    const r = raster();
    const v = [0, 10, null, 10, NaN, 10];
    rasterMinMax(r, v, v, 0, 6, { xb: 0, xStep: 5, ya: 1, yb: 5 }, INK, clip, columnScratch(W));
    // 0 → 10 between x = 0 and x = 5: a line from row 5 to row 15, every column inked.
    for (let x = 0; x <= 5; x++) expect(inkRows(r, x).length).toBeGreaterThan(0);
    expect(inkRows(r, 0)).toContain(5);
    expect(inkRows(r, 5)).toContain(15);
    // bucket 2 is missing: nothing between x = 5 and x = 15 except the lone point at x = 15.
    for (let x = 6; x < 15; x++) expect(inkRows(r, x)).toEqual([]);
    expect(inkRows(r, 15)).toEqual([15]);
    for (let x = 16; x < 25; x++) expect(inkRows(r, x)).toEqual([]);
  });

  it('never writes outside the clip', () => {
    const r = raster();
    const lo = new Array(40).fill(-100);
    const hi = new Array(40).fill(100);
    const c = { x0: 10, x1: 20, y0: 5, y1: 15 };
    rasterMinMax(r, lo, hi, 0, 40, { xb: 0, xStep: 1, ya: 1, yb: 10 }, INK, c, columnScratch(W));
    let inked = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const inside = x >= 10 && x < 20 && y >= 5 && y < 15;
        if (r.pixels[y * W + x] === INK) {
          inked++;
          expect(inside).toBe(true);
        }
      }
    expect(inked).toBe(100);
  });
});
