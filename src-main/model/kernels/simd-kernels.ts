/**
 * The SIMD host kernels (AssemblyScript, simd/host-kernels.as, built into simd/host-kernels.wasm.ts
 * by scripts/build-simd-kernels.ts) behind a typed-array interface. The module has its own memory,
 * so every call copies its inputs in and its outputs out (bulk copies: a few per cent of the
 * arithmetic passes they replace). Plain JavaScript loops over the same data were measured slower
 * than the tf ops they replaced (docs/backends-and-speed.md), hence wasm.
 */
import { HOST_KERNELS_WASM_BASE64 } from './simd/host-kernels.wasm';

interface Exports {
  memory: WebAssembly.Memory;
  bnReluForward(
    x: number,
    y: number,
    gamma: number,
    beta: number,
    stats: number,
    rows: number,
    c: number,
    eps: number,
    scratch: number,
  ): void;
  bnReluBackward(
    dy: number,
    x: number,
    y: number,
    mean: number,
    invStd: number,
    gamma: number,
    dx: number,
    grads: number,
    rows: number,
    c: number,
    scratch: number,
  ): void;
  concatUpsample(skip: number, h: number, out: number, rows: number, cs: number, ch: number): void;
  concatUpsampleGrad(
    dOut: number,
    dSkip: number,
    dh: number,
    rows: number,
    cs: number,
    ch: number,
  ): void;
}

function decode(b64: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(b64, 'base64'));
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let instance: Exports | null | undefined;

/** The instantiated module, or null where WebAssembly SIMD is unavailable. */
function kernels(): Exports | null {
  if (instance === undefined) {
    try {
      const module = new WebAssembly.Module(decode(HOST_KERNELS_WASM_BASE64) as BufferSource);
      instance = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    } catch {
      instance = null;
    }
  }
  return instance;
}

export function simdKernelsAvailable(): boolean {
  return kernels() != null;
}

/** Lays out regions of the given float32 lengths (16-byte aligned) and returns their offsets. */
function layout(k: Exports, lengths: number[]): number[] {
  const offsets: number[] = [];
  let end = 0;
  for (const n of lengths) {
    offsets.push(end);
    end += Math.ceil((4 * n) / 16) * 16;
  }
  const pages = Math.ceil(end / 65536);
  const have = k.memory.buffer.byteLength / 65536;
  if (pages > have) k.memory.grow(pages - have);
  return offsets;
}

function put(k: Exports, offset: number, values: Float32Array): void {
  new Float32Array(k.memory.buffer, offset, values.length).set(values);
}

function get(k: Exports, offset: number, out: Float32Array): void {
  out.set(new Float32Array(k.memory.buffer, offset, out.length));
}

function need(): Exports {
  const k = kernels();
  if (k == null) throw new Error('the SIMD host kernels need WebAssembly SIMD');
  return k;
}

/** Training batch norm + ReLU over rows of gamma.length channels (kernels/batch-norm-relu.ts). */
export function bnReluForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
  out: { y: Float32Array; mean: Float32Array; variance: Float32Array; invStd: Float32Array },
): void {
  const k = need();
  const c = gamma.length;
  const [px, py, pg, pb, ps, scratch] = layout(k, [x.length, x.length, c, c, 3 * c, 6 * c]);
  put(k, px, x);
  put(k, pg, gamma);
  put(k, pb, beta);
  k.bnReluForward(px, py, pg, pb, ps, x.length / c, c, eps, scratch);
  get(k, py, out.y);
  get(k, ps, out.mean);
  get(k, ps + 4 * c, out.variance);
  get(k, ps + 8 * c, out.invStd);
}

/** Its gradient: dx, dγ, dβ from dy, x, y, the batch mean and 1/√(σ² + eps). */
export function bnReluBackward(
  inputs: {
    dy: Float32Array;
    x: Float32Array;
    y: Float32Array;
    mean: Float32Array;
    invStd: Float32Array;
    gamma: Float32Array;
  },
  out: { dx: Float32Array; dGamma: Float32Array; dBeta: Float32Array },
): void {
  const k = need();
  const { dy, x, y, mean, invStd, gamma } = inputs;
  const c = gamma.length;
  const n = x.length;
  const [pdy, px, py, pm, pr, pg, pdx, pgr, scratch] = layout(k, [
    n,
    n,
    n,
    c,
    c,
    c,
    n,
    2 * c,
    10 * c,
  ]);
  put(k, pdy, dy);
  put(k, px, x);
  put(k, py, y);
  put(k, pm, mean);
  put(k, pr, invStd);
  put(k, pg, gamma);
  k.bnReluBackward(pdy, px, py, pm, pr, pg, pdx, pgr, n / c, c, scratch);
  get(k, pdx, out.dx);
  get(k, pgr, out.dGamma);
  get(k, pgr + 4 * c, out.dBeta);
}

/** out[t] = [skip[t], h[⌊t/2⌋]] over `rows` rows (kernels/concat-upsample.ts). */
export function concatUpsample(
  skip: Float32Array,
  h: Float32Array,
  out: Float32Array,
  cs: number,
  ch: number,
): void {
  const k = need();
  const rows = skip.length / cs;
  const [ps, ph, po] = layout(k, [skip.length, h.length, out.length]);
  put(k, ps, skip);
  put(k, ph, h);
  k.concatUpsample(ps, ph, po, rows, cs, ch);
  get(k, po, out);
}

/** Its gradient: dSkip = dOut[…, 0:cs], dh[q] = dOut[2q, cs:] + dOut[2q + 1, cs:]. */
export function concatUpsampleGrad(
  dOut: Float32Array,
  dSkip: Float32Array,
  dh: Float32Array,
  cs: number,
  ch: number,
): void {
  const k = need();
  const rows = dOut.length / (cs + ch);
  const [pd, ps, ph] = layout(k, [dOut.length, dSkip.length, dh.length]);
  put(k, pd, dOut);
  k.concatUpsampleGrad(pd, ps, ph, rows, cs, ch);
  get(k, ps, dSkip);
  get(k, ph, dh);
}
