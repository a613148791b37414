/**
 * Min/max tiles of a record for the viewer, cached per zoom level. Level k has buckets of 2^k
 * samples; a tile is TILE_BUCKETS buckets, decimated once in main and sent once. A view uses the
 * level with about one bucket per device pixel, so panning and zooming redraw from tiles already
 * here; a missing tile is asked for (newest view first, at most two at a time) and meanwhile
 * drawn from a coarser or finer level that is cached. `invalidate` marks every tile stale (e.g.
 * when the record's inference ends): stale tiles are still drawn until their refresh arrives.
 */

export const TILE_BUCKETS = 1024;

/** Level k with 2^k ≤ samples per pixel < 2^(k+1) (0 when zoomed in past one sample a pixel). */
export function tileLevel(viewLength: number, plotPx: number): number {
  const perPx = viewLength / Math.max(1, plotPx);
  return perPx < 2 ? 0 : Math.floor(Math.log2(perPx));
}

/** Samples one tile of level `level` spans. */
export const tileSpan = (level: number): number => TILE_BUCKETS * 2 ** level;

/** Indices of the tiles of `level` that cover [viewStart, viewStart + viewLength) of the record. */
export function tilesInView(
  viewStart: number,
  viewLength: number,
  level: number,
  nSamples: number,
): number[] {
  const span = tileSpan(level);
  const first = Math.max(0, Math.floor(viewStart / span));
  const last = Math.min(
    Math.ceil(nSamples / span) - 1,
    Math.floor((viewStart + viewLength - 1) / span),
  );
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(i);
  return out;
}

interface Cached<T> {
  tile: T;
  generation: number;
}

export class TileCache<T> {
  private readonly tiles = new Map<string, Cached<T>>();
  private readonly inFlight = new Set<string>();
  private queue: Array<{ level: number; index: number }> = [];
  private wanted = new Set<string>();
  private generation = 0;

  constructor(
    private readonly nSamples: number,
    private readonly fetchTile: (level: number, index: number) => Promise<T>,
    private readonly onChange: () => void,
    private readonly onError: (e: unknown) => void = () => undefined,
    private readonly maxTiles = 160,
    private readonly maxInFlight = 2,
  ) {}

  /**
   * The tiles to draw the view from (finest last, so it is drawn over any fallback), asking for
   * those that are missing or stale and for the neighbours a pan reaches next.
   */
  visible(
    viewStart: number,
    viewLength: number,
    plotPx: number,
  ): { tiles: T[]; complete: boolean } {
    const level = tileLevel(viewLength, plotPx);
    const indices = tilesInView(viewStart, viewLength, level, this.nSamples);
    const fallback: T[] = [];
    const exact: T[] = [];
    const want: Array<{ level: number; index: number }> = [];
    let complete = true;
    for (const index of indices) {
      const hit = this.get(level, index);
      if (hit) exact.push(hit.tile);
      if (!hit || hit.generation < this.generation) {
        want.push({ level, index });
        if (!hit) {
          complete = false;
          fallback.push(...this.cover(level, index));
        }
      }
    }
    const lastTile = Math.ceil(this.nSamples / tileSpan(level)) - 1;
    for (const index of [indices[0] - 1, indices[indices.length - 1] + 1]) {
      if (index >= 0 && index <= lastTile && !this.fresh(level, index)) want.push({ level, index });
    }
    this.wanted = new Set(want.map((w) => key(w.level, w.index)));
    // Newest view first: what is asked for now goes before what older views still wait for.
    this.queue = [...want, ...this.queue.filter((q) => this.wanted.has(key(q.level, q.index)))];
    this.pump();
    return { tiles: [...new Set(fallback)].concat(exact), complete };
  }

  /** Marks every cached tile stale: drawn until refreshed, refreshed when next visible. */
  invalidate(): void {
    this.generation++;
  }

  private get(level: number, index: number): Cached<T> | undefined {
    const k = key(level, index);
    const hit = this.tiles.get(k);
    if (hit) {
      // Least recently used goes first out: re-insert on use.
      this.tiles.delete(k);
      this.tiles.set(k, hit);
    }
    return hit;
  }

  private fresh(level: number, index: number): boolean {
    const hit = this.tiles.get(key(level, index));
    return Boolean(hit && hit.generation === this.generation);
  }

  /** Cached tiles of other levels over tile `index` of `level`: coarser first, then finer. */
  private cover(level: number, index: number): T[] {
    const start = index * tileSpan(level);
    for (let j = level + 1; j <= level + 12; j++) {
      const hit = this.tiles.get(key(j, Math.floor(start / tileSpan(j))));
      if (hit) return [hit.tile];
    }
    const out: T[] = [];
    for (let j = level - 1, n = 2; j >= Math.max(0, level - 3); j--, n *= 2) {
      for (let i = index * n; i < (index + 1) * n; i++) {
        const hit = this.tiles.get(key(j, i));
        if (hit) out.push(hit.tile);
      }
      if (out.length) return out;
    }
    return out;
  }

  private pump(): void {
    while (this.inFlight.size < this.maxInFlight && this.queue.length) {
      const next = this.queue.shift()!;
      const k = key(next.level, next.index);
      if (this.inFlight.has(k) || this.fresh(next.level, next.index)) continue;
      this.inFlight.add(k);
      const generation = this.generation;
      this.fetchTile(next.level, next.index)
        .then((tile) => {
          this.tiles.delete(k);
          this.tiles.set(k, { tile, generation });
          while (this.tiles.size > this.maxTiles) {
            this.tiles.delete(this.tiles.keys().next().value as string);
          }
          this.onChange();
        })
        .catch((e: unknown) => this.onError(e))
        .finally(() => {
          this.inFlight.delete(k);
          this.pump();
        });
    }
  }
}

const key = (level: number, index: number): string => `${level}:${index}`;
