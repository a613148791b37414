// AssemblyScript source of the SIMD host kernels (src-main/model/kernels/simd-kernels.ts loads
// the compiled module; `npm run build:kernels` rebuilds host-kernels.wasm.ts from this file, and
// test/model/kernels/simd-kernels.test.ts checks that the committed build matches it).
//
// Every pointer is a byte offset into this module's own memory, which the caller lays out; the
// module allocates nothing and has no static data. Activations are channels-last rows of `c`
// float32 values: the first c - c % 4 channels are done four at a time, the rest one by one.

/** Rows summed in float32 before the partial sums are added into float64 totals. */
const BLOCK: i32 = 256;

/** tot[j] (f64) += acc[j] (f32); acc[j] = 0. */
function flush(acc: usize, tot: usize, c: i32): void {
  for (let j = 0; j < c; j++) {
    const p = tot + (<usize>j << 3);
    store<f64>(p, load<f64>(p) + <f64>load<f32>(acc + (<usize>j << 2)));
    store<f32>(acc + (<usize>j << 2), 0);
  }
}

function zero(p: usize, bytes: i32): void {
  memory.fill(p, 0, <usize>bytes);
}

/**
 * Per-channel Σ x (centre = 0) or Σ (x − centre[j])² (centre ≠ 0) over `rows` rows into tot
 * (f64 × c), with acc (f32 × c) as scratch.
 */
function channelSums(x: usize, rows: i32, c: i32, centre: usize, acc: usize, tot: usize): void {
  const c4 = c & ~3;
  const rowBytes = <usize>c << 2;
  zero(acc, c << 2);
  zero(tot, c << 3);
  let p = x;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < c4; j += 4) {
      const off = <usize>j << 2;
      let v = v128.load(p + off);
      if (centre != 0) {
        v = f32x4.sub(v, v128.load(centre + off));
        v = f32x4.mul(v, v);
      }
      v128.store(acc + off, f32x4.add(v128.load(acc + off), v));
    }
    for (let j = c4; j < c; j++) {
      const off = <usize>j << 2;
      let v = load<f32>(p + off);
      if (centre != 0) {
        v -= load<f32>(centre + off);
        v *= v;
      }
      store<f32>(acc + off, load<f32>(acc + off) + v);
    }
    p += rowBytes;
    if ((i + 1) % BLOCK == 0) flush(acc, tot, c);
  }
  flush(acc, tot, c);
}

/**
 * Training batch norm + ReLU forward. stats (f32 × 3c) receives mean, biased variance and
 * 1/√(variance + eps); scratch needs 24·c bytes.
 */
export function bnReluForward(
  x: usize,
  y: usize,
  gamma: usize,
  beta: usize,
  stats: usize,
  rows: i32,
  c: i32,
  eps: f32,
  scratch: usize,
): void {
  const acc = scratch;
  const tot = scratch + (<usize>c << 2);
  const scale = tot + (<usize>c << 3);
  const shift = scale + (<usize>c << 2);
  const mean = stats;
  const variance = stats + (<usize>c << 2);
  const invStd = variance + (<usize>c << 2);
  channelSums(x, rows, c, 0, acc, tot);
  for (let j = 0; j < c; j++) {
    store<f32>(mean + (<usize>j << 2), <f32>(load<f64>(tot + (<usize>j << 3)) / <f64>rows));
  }
  channelSums(x, rows, c, mean, acc, tot);
  for (let j = 0; j < c; j++) {
    const off = <usize>j << 2;
    const v = <f32>(load<f64>(tot + (<usize>j << 3)) / <f64>rows);
    const r = <f32>(1.0 / Math.sqrt(<f64>v + <f64>eps));
    const s = r * load<f32>(gamma + off);
    store<f32>(variance + off, v);
    store<f32>(invStd + off, r);
    store<f32>(scale + off, s);
    store<f32>(shift + off, load<f32>(beta + off) - load<f32>(mean + off) * s);
  }
  const c4 = c & ~3;
  const rowBytes = <usize>c << 2;
  const zeros = f32x4.splat(0);
  let px = x;
  let py = y;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < c4; j += 4) {
      const off = <usize>j << 2;
      const v = f32x4.add(
        f32x4.mul(v128.load(px + off), v128.load(scale + off)),
        v128.load(shift + off),
      );
      v128.store(py + off, f32x4.max(v, zeros));
    }
    for (let j = c4; j < c; j++) {
      const off = <usize>j << 2;
      const v = load<f32>(px + off) * load<f32>(scale + off) + load<f32>(shift + off);
      store<f32>(py + off, v > 0 ? v : 0);
    }
    px += rowBytes;
    py += rowBytes;
  }
}

/**
 * Its gradient: dx (rows × c) and grads (f32 × 2c: dγ then dβ) from dy, x, y and the forward's
 * mean and 1/√(σ² + eps); scratch needs 40·c bytes.
 *   g = dy·[y > 0], dβ = Σg, dγ = r·Σ g·(x − μ), dx = s·g − a·x − b with s = γr,
 *   a = s·r·dγ/n, b = s·dβ/n − a·μ.
 */
export function bnReluBackward(
  dy: usize,
  x: usize,
  y: usize,
  mean: usize,
  invStd: usize,
  gamma: usize,
  dx: usize,
  grads: usize,
  rows: i32,
  c: i32,
  scratch: usize,
): void {
  const accG = scratch;
  const accGx = accG + (<usize>c << 2);
  const totG = accGx + (<usize>c << 2);
  const totGx = totG + (<usize>c << 3);
  const s = totGx + (<usize>c << 3);
  const a = s + (<usize>c << 2);
  const b = a + (<usize>c << 2);
  const c4 = c & ~3;
  const rowBytes = <usize>c << 2;
  const zeros = f32x4.splat(0);
  zero(accG, c << 3);
  zero(totG, c << 4);
  let pdy = dy;
  let px = x;
  let py = y;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < c4; j += 4) {
      const off = <usize>j << 2;
      const g = v128.and(v128.load(pdy + off), f32x4.gt(v128.load(py + off), zeros));
      const d = f32x4.sub(v128.load(px + off), v128.load(mean + off));
      v128.store(accG + off, f32x4.add(v128.load(accG + off), g));
      v128.store(accGx + off, f32x4.add(v128.load(accGx + off), f32x4.mul(g, d)));
    }
    for (let j = c4; j < c; j++) {
      const off = <usize>j << 2;
      const g: f32 = load<f32>(py + off) > 0 ? load<f32>(pdy + off) : 0;
      store<f32>(accG + off, load<f32>(accG + off) + g);
      store<f32>(
        accGx + off,
        load<f32>(accGx + off) + g * (load<f32>(px + off) - load<f32>(mean + off)),
      );
    }
    pdy += rowBytes;
    px += rowBytes;
    py += rowBytes;
    if ((i + 1) % BLOCK == 0) {
      flush(accG, totG, c);
      flush(accGx, totGx, c);
    }
  }
  flush(accG, totG, c);
  flush(accGx, totGx, c);
  for (let j = 0; j < c; j++) {
    const off = <usize>j << 2;
    const r = <f64>load<f32>(invStd + off);
    const sg = load<f64>(totG + (<usize>j << 3));
    const dGamma = load<f64>(totGx + (<usize>j << 3)) * r;
    const sj = <f64>load<f32>(gamma + off) * r;
    const aj = (sj * r * dGamma) / <f64>rows;
    store<f32>(grads + off, <f32>dGamma);
    store<f32>(grads + (<usize>c << 2) + off, <f32>sg);
    store<f32>(s + off, <f32>sj);
    store<f32>(a + off, <f32>aj);
    store<f32>(b + off, <f32>((sj * sg) / <f64>rows - aj * <f64>load<f32>(mean + off)));
  }
  pdy = dy;
  px = x;
  py = y;
  let pdx = dx;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < c4; j += 4) {
      const off = <usize>j << 2;
      const g = v128.and(v128.load(pdy + off), f32x4.gt(v128.load(py + off), zeros));
      const v = f32x4.sub(
        f32x4.sub(f32x4.mul(v128.load(s + off), g), f32x4.mul(v128.load(a + off), v128.load(px + off))),
        v128.load(b + off),
      );
      v128.store(pdx + off, v);
    }
    for (let j = c4; j < c; j++) {
      const off = <usize>j << 2;
      const g: f32 = load<f32>(py + off) > 0 ? load<f32>(pdy + off) : 0;
      store<f32>(
        pdx + off,
        load<f32>(s + off) * g - load<f32>(a + off) * load<f32>(px + off) - load<f32>(b + off),
      );
    }
    pdy += rowBytes;
    px += rowBytes;
    py += rowBytes;
    pdx += rowBytes;
  }
}

/**
 * U-Net decoder input: out[t] = [skip[t], h[⌊t/2⌋]] for t < rows, skip rows of cs channels, h
 * rows of ch channels.
 */
export function concatUpsample(skip: usize, h: usize, out: usize, rows: i32, cs: i32, ch: i32): void {
  const sBytes = <usize>cs << 2;
  const hBytes = <usize>ch << 2;
  let ps = skip;
  let po = out;
  for (let t = 0; t < rows; t++) {
    memory.copy(po, ps, sBytes);
    memory.copy(po + sBytes, h + <usize>(t >> 1) * hBytes, hBytes);
    ps += sBytes;
    po += sBytes + hBytes;
  }
}

/**
 * Its gradient: dSkip[t] = dOut[t, 0:cs], dh[q] = dOut[2q, cs:] + dOut[2q + 1, cs:] for
 * q < rows / 2 (rows of cs + ch channels).
 */
export function concatUpsampleGrad(
  dOut: usize,
  dSkip: usize,
  dh: usize,
  rows: i32,
  cs: i32,
  ch: i32,
): void {
  const c = cs + ch;
  const ch4 = ch & ~3;
  const rowBytes = <usize>c << 2;
  const sBytes = <usize>cs << 2;
  let ps = dSkip;
  let pd = dOut;
  for (let t = 0; t < rows; t++) {
    memory.copy(ps, pd, sBytes);
    ps += sBytes;
    pd += rowBytes;
  }
  let even = dOut + sBytes;
  let out = dh;
  for (let q = 0; q < rows >> 1; q++) {
    const odd = even + rowBytes;
    for (let j = 0; j < ch4; j += 4) {
      const off = <usize>j << 2;
      v128.store(out + off, f32x4.add(v128.load(even + off), v128.load(odd + off)));
    }
    for (let j = ch4; j < ch; j++) {
      const off = <usize>j << 2;
      store<f32>(out + off, load<f32>(even + off) + load<f32>(odd + off));
    }
    even += rowBytes << 1;
    out += <usize>ch << 2;
  }
}
