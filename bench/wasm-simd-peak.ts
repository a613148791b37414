/**
 * The arithmetic ceiling of 128-bit wasm SIMD on this machine: GFLOP/s of a loop that does
 * nothing but independent f32x4 multiply-adds (16 chains a ← a·x + y, no memory traffic; each
 * multiply depends on its chain, so no compiler can hoist it out of the loop), the fastest any
 * wasm convolution kernel (XNNPACK's or ours) could go. Two forms:
 *
 * - `mul+add`: f32x4.mul then f32x4.add, what tfjs-backend-wasm's XNNPACK build uses;
 * - `fma`: f32x4.relaxed_madd (relaxed SIMD; behind `--experimental-wasm-relaxed-simd` in
 *   Node 20, switched on here through v8.setFlagsFromString), which V8 lowers to an FMA.
 *
 *   npx tsx bench/wasm-simd-peak.ts [--threads 1,2] [--seconds 1]
 *
 * With N threads, N worker threads run the loop at once and the total is printed.
 * bench/train-speed.ts --torch --peak prints the same ceiling beside the PyTorch reference.
 */
import * as os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { compileAssemblyScript } from '../scripts/build-simd-kernels';

export type PeakForm = 'mul+add' | 'fma';

const CHAINS = 16;
/** Flops of one loop step: CHAINS chains × 4 lanes × (multiply + add). */
const FLOPS_PER_STEP = CHAINS * 4 * 2;

/** AssemblyScript source of the loop, `export function run(steps: i32): f32`. */
function source(form: PeakForm): string {
  const acc = Array.from({ length: CHAINS }, (_, i) => `a${i}`);
  const step = acc.map((a) =>
    form === 'fma'
      ? `${a} = f32x4.relaxed_madd(${a}, x, y);`
      : `${a} = f32x4.add(f32x4.mul(${a}, x), y);`,
  );
  const sum = acc.reduce((s, a) => (s ? `f32x4.add(${s}, ${a})` : a), '');
  return [
    'export function run(steps: i32): f32 {',
    ...acc.map((a, i) => `  let ${a} = f32x4.splat(${(1 + i / 64).toFixed(4)});`),
    '  const x = f32x4.splat(0.999);',
    '  const y = f32x4.splat(1e-7);',
    '  for (let i = 0; i < steps; i++) {',
    ...step.map((s) => `    ${s}`),
    '  }',
    `  const s = ${sum};`,
    '  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 3);',
    '}',
  ].join('\n');
}

const modules = new Map<PeakForm, WebAssembly.Module>();

function moduleOf(form: PeakForm): WebAssembly.Module {
  let m = modules.get(form);
  if (!m) {
    if (form === 'fma') setFlagsFromString('--experimental-wasm-relaxed-simd');
    const bytes = compileAssemblyScript(
      source(form),
      form === 'fma' ? ['simd', 'relaxed-simd'] : ['simd'],
    );
    m = new WebAssembly.Module(new Uint8Array(bytes));
    modules.set(form, m);
  }
  return m;
}

/** Runs in each worker: calibrate the step count to ~`seconds`, then time one run. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { run } = new WebAssembly.Instance(workerData.module).exports;
run(1e5);
let steps = 1e6;
for (;;) {
  const t0 = performance.now();
  run(steps);
  const s = (performance.now() - t0) / 1000;
  if (s > workerData.seconds / 4) { steps = Math.round(steps * workerData.seconds / s); break; }
  steps *= 4;
}
parentPort.postMessage('ready');
parentPort.once('message', () => {
  const t0 = performance.now();
  run(steps);
  parentPort.postMessage({ steps, seconds: (performance.now() - t0) / 1000 });
});
`;

/** GFLOP/s of `threads` workers running the loop at once (sum over workers). */
export async function measurePeak(form: PeakForm, threads: number, seconds = 1): Promise<number> {
  const module = moduleOf(form);
  const workers = Array.from(
    { length: threads },
    () => new Worker(WORKER, { eval: true, workerData: { module, seconds } }),
  );
  try {
    await Promise.all(workers.map((w) => new Promise((ok) => w.once('message', ok))));
    const done = workers.map(
      (w) =>
        new Promise<{ steps: number; seconds: number }>((ok, fail) => {
          w.once('message', ok);
          w.once('error', fail);
        }),
    );
    for (const w of workers) w.postMessage('go');
    const results = await Promise.all(done);
    return results.reduce((s, r) => s + (r.steps * FLOPS_PER_STEP) / r.seconds / 1e9, 0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function main(): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const threads = (arg('threads') ?? '1,2').split(',').map(Number);
  const seconds = Number(arg('seconds') ?? 1);
  console.log(
    `wasm SIMD peak, ${os.cpus()[0]?.model ?? 'cpu'}; load average ${os.loadavg()[0].toFixed(2)}`,
  );
  for (const t of threads) {
    const mulAdd = await measurePeak('mul+add', t, seconds);
    const fma = await measurePeak('fma', t, seconds);
    console.log(
      `threads ${t}: mul+add ${mulAdd.toFixed(1)} GFLOP/s, fma ${fma.toFixed(1)} GFLOP/s`,
    );
  }
  console.log(`load average at end ${os.loadavg()[0].toFixed(2)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
