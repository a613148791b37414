import { describe, expect, it } from 'vitest';
import {
  TILE_BUCKETS,
  TileCache,
  tileLevel,
  tileSpan,
  tilesInView,
} from '../../src-renderer/lib/tile-cache';

describe('tile levels', () => {
  it('picks about one bucket per pixel', () => {
    expect(tileLevel(1000, 1000)).toBe(0);
    expect(tileLevel(3999, 1000)).toBe(1);
    expect(tileLevel(4000, 1000)).toBe(2);
    expect(tileLevel(900_000, 1556)).toBe(9);
    expect(tileSpan(3)).toBe(TILE_BUCKETS * 8);
  });
  it('lists the tiles over a view, clipped to the record', () => {
    expect(tilesInView(0, 1024, 0, 5000)).toEqual([0]);
    expect(tilesInView(1000, 100, 0, 5000)).toEqual([0, 1]);
    expect(tilesInView(4000, 4000, 0, 5000)).toEqual([3, 4]);
  });
});

/** A cache over fake tiles (their name), with the fetches held until released. */
function harness(nSamples: number) {
  const asked: string[] = [];
  const release: Array<() => void> = [];
  let changes = 0;
  const cache = new TileCache<string>(
    nSamples,
    (level, index) =>
      new Promise((resolve) => {
        asked.push(`${level}:${index}`);
        release.push(() => resolve(`${level}:${index}`));
      }),
    () => changes++,
  );
  const flush = async (): Promise<void> => {
    while (release.length) {
      release.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { cache, asked, flush, changes: () => changes };
}

describe('TileCache', () => {
  it('asks for the visible tiles first, two at a time, then the neighbours', async () => {
    const h = harness(100_000);
    const v = h.cache.visible(3000, 2000, 1000); // level 1: tiles of 2048 samples
    expect(v.complete).toBe(false);
    expect(v.tiles).toEqual([]);
    expect(h.asked).toEqual(['1:1', '1:2']);
    await h.flush();
    expect(h.asked).toEqual(['1:1', '1:2', '1:0', '1:3']);
    expect(h.changes()).toBe(4);
    const again = h.cache.visible(3000, 2000, 1000);
    expect(again).toEqual({ tiles: ['1:1', '1:2'], complete: true });
    expect(h.asked.length).toBe(4);
  });

  it('draws a missing tile from a cached coarser level meanwhile', async () => {
    const h = harness(100_000);
    h.cache.visible(0, 4000, 1000); // level 2 (4096 samples a tile): tile 0
    await h.flush();
    const zoomed = h.cache.visible(2000, 1000, 1000); // level 0: tiles 1 and 2, inside 2:0
    expect(zoomed.complete).toBe(false);
    expect(zoomed.tiles).toEqual(['2:0']);
  });

  it('keeps drawing stale tiles after invalidate, and fetches them again', async () => {
    const h = harness(100_000);
    h.cache.visible(0, 1000, 1000);
    await h.flush();
    const before = h.asked.length;
    h.cache.invalidate();
    const v = h.cache.visible(0, 1000, 1000);
    expect(v.tiles).toEqual(['0:0']);
    expect(h.asked.slice(before)).toEqual(['0:0', '0:1']);
  });

  it('drops queued tiles that the newest view no longer shows', async () => {
    const h = harness(1_000_000);
    h.cache.visible(0, 16_384, 4096); // level 2: tiles 0–3 and neighbour 4; 0 and 1 in flight
    h.cache.visible(500_000, 16_384, 4096); // jumps far away before anything arrived
    await h.flush();
    expect(h.asked.slice(0, 2)).toEqual(['2:0', '2:1']);
    expect(h.asked).toContain('2:122');
    expect(h.asked.filter((k) => ['2:2', '2:3', '2:4'].includes(k))).toEqual([]);
  });
});
