/**
 * Software raster of ECG traces straight into an ImageData's pixels (one Uint32 per pixel, RGBA
 * bytes in memory order, so little-endian ABGR as a number). Why: stroking 12 leads × ~3000 min/max
 * points as a canvas path costs tens of milliseconds per frame in Chromium's rasteriser, while
 * writing the pixels of one vertical span per column costs a few, so every pan or zoom frame can be
 * a full redraw from the cached min/max tiles inside 16.7 ms. Pure functions over the pixel array.
 */

/** A pixel buffer: `pixels[y * width + x]`. */
export interface Raster {
  pixels: Uint32Array;
  width: number;
  height: number;
}

/** Drawing clip in device pixels: columns [x0, x1), rows [y0, y1). */
export interface Clip {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Opaque colour from 0..255 channels, as an ImageData pixel. */
export function packRgb(r: number, g: number, b: number): number {
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** '#rrggbb' → packed pixel. */
export function packHex(hex: string): number {
  const v = parseInt(hex.slice(1), 16);
  return packRgb((v >> 16) & 255, (v >> 8) & 255, v & 255);
}

/** `colour` over `base` with opacity `alpha` (0..1). */
export function mixPacked(base: number, colour: number, alpha: number): number {
  const ch = (p: number, s: number): number => (p >>> s) & 255;
  const m = (s: number): number => Math.round(ch(base, s) * (1 - alpha) + ch(colour, s) * alpha);
  return packRgb(m(0), m(8), m(16));
}

/** Multiply blend (a grid line printed on shaded paper keeps the shading under it). */
export function multiplyPacked(a: number, b: number): number {
  const m = (s: number): number => Math.round((((a >>> s) & 255) * ((b >>> s) & 255)) / 255);
  return packRgb(m(0), m(8), m(16));
}

/** Vertical span at column x from row yA to row yB (either order, inclusive), clipped. */
function vSpan(r: Raster, x: number, yA: number, yB: number, colour: number, c: Clip): void {
  let top = Math.round(Math.min(yA, yB));
  let bot = Math.round(Math.max(yA, yB));
  if (top < c.y0) top = c.y0;
  if (bot >= c.y1) bot = c.y1 - 1;
  const { pixels, width } = r;
  for (let y = top, i = top * width + x; y <= bot; y++, i += width) pixels[i] = colour;
}

/** A 1-pixel line (Bresenham on rounded end points), clipped per pixel. */
export function rasterLine(
  r: Raster,
  xA: number,
  yA: number,
  xB: number,
  yB: number,
  colour: number,
  c: Clip,
): void {
  let x = Math.round(xA);
  let y = Math.round(yA);
  const x1 = Math.round(xB);
  const y1 = Math.round(yB);
  const dx = Math.abs(x1 - x);
  const dy = -Math.abs(y1 - y);
  const sx = x < x1 ? 1 : -1;
  const sy = y < y1 ? 1 : -1;
  let err = dx + dy;
  const { pixels, width } = r;
  for (;;) {
    if (x >= c.x0 && x < c.x1 && y >= c.y0 && y < c.y1) pixels[y * width + x] = colour;
    if (x === x1 && y === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** Per-column scratch for `rasterMinMax` (reused across frames: no allocation per frame). */
export interface ColumnScratch {
  top: Float32Array;
  bot: Float32Array;
}

export function columnScratch(width: number): ColumnScratch {
  return { top: new Float32Array(width), bot: new Float32Array(width) };
}

/** How buckets map to pixels: bucket b lies at x = xb + b·xStep, value v at y = ya·v + yb. */
export interface TraceMap {
  xb: number;
  xStep: number;
  ya: number;
  yb: number;
}

const missing = (v: number | null): boolean => v === null || v !== v;

/**
 * Draws buckets [b0, b1) of a min/max trace (`lo[b]`..`hi[b]`, physical units; null or NaN is a
 * gap). With at least one bucket per pixel, each column gets one span over all its buckets,
 * stretched to touch the previous column's span so the trace stays continuous; zoomed in further
 * (buckets wider than a pixel), consecutive buckets are joined by lines, hi of one to lo of the
 * next, the order a min/max pair is drawn in.
 */
export function rasterMinMax(
  r: Raster,
  lo: ArrayLike<number | null>,
  hi: ArrayLike<number | null>,
  b0: number,
  b1: number,
  map: TraceMap,
  colour: number,
  c: Clip,
  scratch: ColumnScratch,
): void {
  const { xb, xStep, ya, yb } = map;
  if (xStep > 1) {
    let px = NaN;
    let py = NaN;
    for (let b = b0; b < b1; b++) {
      const l = lo[b];
      const h = hi[b];
      if (missing(l) || missing(h)) {
        px = NaN;
        continue;
      }
      const x = xb + b * xStep;
      const yl = ya * (l as number) + yb;
      const yh = ya * (h as number) + yb;
      if (px === px) rasterLine(r, px, py, x, yl, colour, c);
      else rasterLine(r, x, yl, x, yl, colour, c);
      if (yh !== yl) rasterLine(r, x, yl, x, yh, colour, c);
      px = x;
      py = yh;
    }
    return;
  }
  const { top, bot } = scratch;
  const cx0 = Math.max(c.x0, Math.floor(xb + b0 * xStep));
  const cx1 = Math.min(c.x1, Math.floor(xb + (b1 - 1) * xStep) + 1);
  if (cx1 <= cx0) return;
  top.fill(Infinity, cx0, cx1);
  bot.fill(-Infinity, cx0, cx1);
  for (let b = b0; b < b1; b++) {
    const l = lo[b];
    const h = hi[b];
    if (missing(l) || missing(h)) continue;
    const x = Math.floor(xb + b * xStep);
    if (x < cx0 || x >= cx1) continue;
    const yl = ya * (l as number) + yb;
    const yh = ya * (h as number) + yb;
    const t = yl < yh ? yl : yh;
    const u = yl < yh ? yh : yl;
    if (t < top[x]) top[x] = t;
    if (u > bot[x]) bot[x] = u;
  }
  let prevTop = NaN;
  let prevBot = NaN;
  for (let x = cx0; x < cx1; x++) {
    let t = top[x];
    let u = bot[x];
    if (t === Infinity) {
      prevTop = NaN;
      continue;
    }
    if (prevTop === prevTop) {
      if (t > prevBot) t = prevBot;
      if (u < prevTop) u = prevTop;
    }
    vSpan(r, x, t, u, colour, c);
    prevTop = top[x];
    prevBot = bot[x];
  }
}
