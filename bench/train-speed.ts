/**
 * Training and inference speed of the beatlens models, per tfjs backend present.
 *
 *   npx tsx bench/train-speed.ts                      # every backend present, both models
 *   npx tsx bench/train-speed.ts --backend wasm       # one backend (runs in this process)
 *   npx tsx bench/train-speed.ts --steps 5 --batches 10 --profile
 *   npx tsx bench/train-speed.ts --backend wasm --compare --rounds 3   # + the previous default
 *   npx tsx bench/train-speed.ts --backend wasm --methods joint \
 *     --variant 'narrow={"segmenter":{"widths":[8,16,32,32,64]}}'      # any config override
 *   npx tsx bench/train-speed.ts --torch --rounds 2   # wasm against the PyTorch reference
 *
 * --torch times the wasm backend against the PyTorch reference of the same models
 * (../shared/tools/torch_ref.py, or --torch-ref PATH / BEATLENS_TORCH_REF, run with --python,
 * default /usr/bin/python3) at each thread count of --threads (default 1,2), interleaved: every
 * round runs a wasm child (BEATLENS_WASM_THREADS=t) and the reference (TORCH_THREADS=t) for each
 * t in turn, and the ratios beatlens / PyTorch are printed. Without the reference (no file, or
 * no torch for that Python) it says why in one line and prints the wasm figures alone.
 * --peak (with --torch) also measures the wasm SIMD arithmetic peak at each thread count in the
 * same rounds (bench/wasm-simd-peak.ts) and prints each model's ceiling: its segments/s if every
 * flop ran at that peak and nothing else cost time, and that ceiling's ratio to PyTorch.
 *
 * Models are timed in interleaved rounds (--rounds; each round runs --steps training steps and
 * --batches inference batches of every model in turn) so that load changes on the shared machine
 * hit all of them alike, and the ratios to the first model are printed.
 *
 * Prints segments/s for one Adam training step and for inference, at batch 32 (--batch) on (2 leads ×
 * 2000 samples) — MIT-BIH segments — for the joint and the classifier-only model, with the
 * parameter count, the peak RSS and the load average (the machine is shared: a busy machine
 * makes every figure lower). The bar (issue 3): joint training ≥ 20 and inference ≥ 100
 * segments/s. --profile lists the kernels that took the most time in one training step.
 * Each backend runs in its own child process (backends and their thread pools are per process).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, type BackendInfo, type BackendPreference } from '../src-main/model/backend';
import { defaultModelConfig } from '../src-main/model/config';
import { forwardMacs } from '../src-main/model/cost';
import { weightedNllLoss } from '../src-main/model/loss';
import { createModel } from '../src-main/model/registry';
import type { ClassifierConfig, Method, SegmenterConfig } from '../src-main/model/types';
import { tf } from '../src-main/model/tf';
import { createRng } from '../src-main/random';
import { measurePeak } from './wasm-simd-peak';

const N_LEADS = 2;
const N_SAMPLES = 2000;
const FS = 360;
const BAR = { train: 20, infer: 100 };

interface Options {
  backend: BackendPreference | null;
  batch: number;
  steps: number;
  batches: number;
  profile: boolean;
  methods: Method[];
  /** Extra configurations (`--variant name=json`), benchmarked interleaved with the methods. */
  variants: Variant[];
  /** Interleaved rounds: each round runs every model once, so load changes hit all alike. */
  rounds: number;
  /** Compare with the PyTorch reference (`--torch`), at each of `threads`. */
  torch: boolean;
  torchRef: string;
  python: string;
  threads: number[];
  /** Child mode of --torch: print the results as one JSON line as well. */
  json: boolean;
  /** With --torch: also measure the wasm SIMD arithmetic ceiling (bench/wasm-simd-peak.ts). */
  peak: boolean;
}

/** A named model to benchmark: a method of the default config with optional overrides. */
interface Variant {
  name: string;
  method: Method;
  segmenter?: Partial<SegmenterConfig>;
  classifier?: Partial<ClassifierConfig>;
  /** Speed kernels switched off for this model (BEATLENS_KERNELS_OFF while it runs), e.g.
   * `--variant 'before={"kernelsOff":"bn-relu,concat-upsample"}'`. */
  kernelsOff?: string;
}

/** The default joint model before the speed work (804,491 parameters), kept as a reference. */
const PREVIOUS_JOINT: Variant = {
  name: 'joint-prev',
  method: 'joint',
  segmenter: { widths: [8, 16, 32, 64, 128], kernelSize: 9 },
};

function parseVariant(spec: string): Variant {
  const eq = spec.indexOf('=');
  if (spec === 'joint-prev') return PREVIOUS_JOINT;
  if (eq <= 0) throw new Error(`--variant ${spec}: expected name=json or joint-prev`);
  const v = JSON.parse(spec.slice(eq + 1)) as Partial<Omit<Variant, 'name'>>;
  return { ...v, method: v.method ?? 'joint', name: spec.slice(0, eq) };
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    backend: null,
    batch: 32,
    steps: 3,
    batches: 5,
    profile: false,
    methods: ['joint', 'classifier'],
    variants: [],
    rounds: 1,
    torch: false,
    torchRef:
      process.env.BEATLENS_TORCH_REF ??
      path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/tools/torch_ref.py'),
    python: '/usr/bin/python3',
    threads: [1, 2],
    json: false,
    peak: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--backend') o.backend = argv[++i] as BackendPreference;
    else if (a === '--batch') o.batch = Number(argv[++i]);
    else if (a === '--steps') o.steps = Number(argv[++i]);
    else if (a === '--batches') o.batches = Number(argv[++i]);
    else if (a === '--profile') o.profile = true;
    else if (a === '--methods') o.methods = argv[++i].split(',') as Method[];
    else if (a === '--variant') o.variants.push(parseVariant(argv[++i]));
    else if (a === '--compare') o.variants.push(PREVIOUS_JOINT);
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--torch') o.torch = true;
    else if (a === '--torch-ref') o.torchRef = path.resolve(argv[++i]);
    else if (a === '--python') o.python = argv[++i];
    else if (a === '--threads') o.threads = argv[++i].split(',').map(Number);
    else if (a === '--json') o.json = true;
    else if (a === '--peak') o.peak = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

interface Result {
  name: string;
  method: Method;
  params: number;
  /** Multiply–accumulates of one segment's forward pass (src-main/model/cost.ts). */
  macs: number;
  trainPerS: number;
  inferPerS: number;
  msPerTrainStep: number;
  msPerInferBatch: number;
  /** CPU time (all threads of this process) per step / batch: unlike wall time, barely
   * affected by other processes competing for the cores. */
  cpuMsPerTrainStep: number;
  cpuMsPerInferBatch: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function randomBatch(seed: number, batch: number): { x: tf.Tensor3D; y: tf.Tensor1D } {
  const rng = createRng(seed);
  const x = new Float32Array(batch * N_SAMPLES * N_LEADS);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = Array.from({ length: batch }, (_, i) => i % 2);
  return { x: tf.tensor3d(x, [batch, N_SAMPLES, N_LEADS]), y: tf.tensor1d(y, 'int32') };
}

/** One model set up for timing: `step` trains on a fixed batch, `infer` predicts it. */
interface Bench {
  variant: Variant;
  params: number;
  macs: number;
  step(): number;
  infer(): void;
  dispose(): void;
  /** Accumulated wall and CPU ms and counts over the rounds. */
  train: { wall: number; cpu: number; n: number };
  inference: { wall: number; cpu: number; n: number };
}

function createBench(variant: Variant, o: Options): Bench {
  const cfg = defaultModelConfig({
    method: variant.method,
    nLeads: N_LEADS,
    nSamples: N_SAMPLES,
    fs: FS,
    classes: ['PVC', 'APB'],
    segmenter: variant.segmenter,
    classifier: variant.classifier,
  });
  const model = createModel(cfg, 1);
  const optimizer = tf.train.adam(1e-3);
  const { x, y } = randomBatch(7, o.batch);
  const weights = model.trainableWeights();
  const withSwitches = <T>(f: () => T): T => {
    const before = process.env.BEATLENS_KERNELS_OFF;
    if (variant.kernelsOff != null) process.env.BEATLENS_KERNELS_OFF = variant.kernelsOff;
    try {
      return f();
    } finally {
      if (before == null) delete process.env.BEATLENS_KERNELS_OFF;
      else process.env.BEATLENS_KERNELS_OFF = before;
    }
  };
  return {
    variant,
    params: model.countParams(),
    macs: forwardMacs(cfg).totalMacs,
    step: () => withSwitches(() => trainStep()),
    infer: () => withSwitches(() => inferBatch()),
    dispose() {
      model.dispose();
      optimizer.dispose();
      x.dispose();
      y.dispose();
    },
    train: { wall: 0, cpu: 0, n: 0 },
    inference: { wall: 0, cpu: 0, n: 0 },
  };

  function trainStep(): number {
    const loss = optimizer.minimize(
      () => {
        const out = model.forward(x, true);
        out.attention?.dispose();
        return weightedNllLoss(out.logits, y, [1, 1]);
      },
      true,
      weights,
    );
    const v = loss!.dataSync()[0];
    loss!.dispose();
    return v;
  }

  function inferBatch(): void {
    const out = model.forward(x, false);
    out.logits.dataSync();
    out.logits.dispose();
    out.attention?.dispose();
  }
}

function timeRuns(fn: () => unknown, n: number, acc: Bench['train']): void {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  acc.wall += performance.now() - t0;
  acc.cpu += cpuMs(c0);
  acc.n += n;
}

/**
 * Benchmarks all models in interleaved rounds (each round: `steps` training steps, then
 * `batches` inference batches, of every model in turn), so a change in the machine's load
 * affects every model alike and their ratios stay comparable.
 */
async function benchAll(variants: Variant[], o: Options): Promise<Result[]> {
  const benches = variants.map((v) => createBench(v, o));
  for (const b of benches) {
    b.step(); // warm-up: kernel set-up, XNNPACK operator creation, optimizer slots
    b.infer();
    if (o.profile) await printProfile(b.variant.name, () => b.step());
  }
  for (let r = 0; r < o.rounds; r++) {
    for (const b of benches) {
      timeRuns(() => b.step(), o.steps, b.train);
      timeRuns(() => b.infer(), o.batches, b.inference);
    }
  }
  return benches.map((b) => {
    b.dispose();
    const msPerTrainStep = b.train.wall / b.train.n;
    const msPerInferBatch = b.inference.wall / b.inference.n;
    return {
      name: b.variant.name,
      method: b.variant.method,
      params: b.params,
      macs: b.macs,
      trainPerS: (o.batch * 1000) / msPerTrainStep,
      inferPerS: (o.batch * 1000) / msPerInferBatch,
      msPerTrainStep,
      msPerInferBatch,
      cpuMsPerTrainStep: b.train.cpu / b.train.n,
      cpuMsPerInferBatch: b.inference.cpu / b.inference.n,
    };
  });
}

async function printProfile(name: string, step: () => number): Promise<void> {
  const info = await tf.profile(() => {
    step();
  });
  const byKernel = new Map<string, { ms: number; n: number }>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    total += ms;
    const key = `${k.name} ${JSON.stringify(k.inputShapes?.[0] ?? [])}`;
    const e = byKernel.get(key) ?? { ms: 0, n: 0 };
    e.ms += ms;
    e.n++;
    byKernel.set(key, e);
  }
  const byName = new Map<string, number>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
  }
  console.log(`\nprofile of one ${name} training step: ${total.toFixed(0)} ms in kernels`);
  for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(
      `  ${name.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms  ${((100 * ms) / total).toFixed(1)}%`,
    );
  }
  console.log('  top kernel calls by first input shape:');
  for (const [key, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
    console.log(`    ${e.ms.toFixed(0).padStart(6)} ms  ×${e.n}  ${key}`);
  }
}

const JSON_TAG = 'BENCH_JSON ';

/** Why the PyTorch reference cannot run here, or null when it can. */
function torchUnavailable(o: Options): string | null {
  if (!fs.existsSync(o.torchRef)) {
    return `no reference script at ${o.torchRef} (--torch-ref PATH or BEATLENS_TORCH_REF)`;
  }
  const r = spawnSync(o.python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `${o.python} cannot be run (${r.error.message})`;
  if (r.status !== 0) {
    return `${o.python} has no torch (apt-get install python3-torch, or --python PATH)`;
  }
  return null;
}

/** One method's figures from a torch_ref.py output line. */
interface TorchResult {
  params: number;
  trainPerS: number;
  inferPerS: number;
}

function runTorch(o: Options, threads: number, methods: Method[]): Map<string, TorchResult> {
  const r = spawnSync(o.python, [o.torchRef, ...methods], {
    encoding: 'utf8',
    env: { ...process.env, TORCH_THREADS: String(threads) },
  });
  if (r.status !== 0) {
    const why = (r.stderr ?? '').trim().split('\n').pop() ?? `exit ${r.status}`;
    throw new Error(`PyTorch reference failed: ${why}`);
  }
  const out = new Map<string, TorchResult>();
  const line =
    /threads (\d+) (\w+)\s+params\s+(\d+) train\s+([\d.]+) seg\/s infer\s+([\d.]+) seg\/s/;
  for (const l of r.stdout.split('\n')) {
    const m = line.exec(l);
    if (m)
      out.set(m[2], { params: Number(m[3]), trainPerS: Number(m[4]), inferPerS: Number(m[5]) });
  }
  return out;
}

function runWasmChild(self: string, argv: string[], threads: number): Result[] {
  // The parent's own flags minus those of the comparison; one round per child.
  const skip = new Set(['--torch', '--json', '--peak']);
  const withValue = new Set(['--torch-ref', '--python', '--threads', '--rounds', '--backend']);
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (skip.has(argv[i])) continue;
    if (withValue.has(argv[i])) {
      i++;
      continue;
    }
    args.push(argv[i]);
  }
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, self, ...args, '--backend', 'wasm', '--rounds', '1', '--json'],
    { encoding: 'utf8', env: { ...process.env, BEATLENS_WASM_THREADS: String(threads) } },
  );
  if (r.status !== 0) {
    const why = (r.stderr ?? '').trim().split('\n').pop() ?? `exit ${r.status}`;
    throw new Error(`wasm child (${threads} threads) failed: ${why}`);
  }
  for (const l of r.stdout.split('\n')) {
    if (l.startsWith('profile') || l.startsWith('  ')) console.log(l);
  }
  const json = r.stdout.split('\n').find((l) => l.startsWith(JSON_TAG));
  if (json == null) throw new Error(`wasm child (${threads} threads) printed no results`);
  return JSON.parse(json.slice(JSON_TAG.length)) as Result[];
}

/** Mean of positive figures (segments/s are averaged as rates over equal work). */
function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * beatlens on wasm against the PyTorch reference at each thread count, interleaved: round r
 * runs, for each thread count t, a wasm child and then the reference, so that load changes on
 * the shared machine hit both alike.
 */
async function compareWithTorch(o: Options, self: string, argv: string[]): Promise<void> {
  const methods = o.methods.filter((m) => m === 'joint' || m === 'classifier');
  const why = torchUnavailable(o);
  const load0 = os.loadavg()[0];
  console.log(
    `beatlens (wasm) against PyTorch: ${methods.join(', ')}, batch ${o.batch}, threads ${o.threads.join(', ')}, ` +
      `${o.rounds} interleaved round(s); ${os.cpus().length} cores; load average ${load0.toFixed(2)}`,
  );
  if (why != null) console.log(`PyTorch reference skipped: ${why}`);
  if (o.batch !== 32) console.log('note: the PyTorch reference always runs batch 32');
  const ours = new Map<string, Result[]>();
  const theirs = new Map<string, TorchResult[]>();
  const key = (t: number, m: string): string => `${t}/${m}`;
  const peaks = new Map<number, Array<{ mulAdd: number; fma: number }>>();
  for (let r = 0; r < o.rounds; r++) {
    for (const t of o.threads) {
      for (const res of runWasmChild(self, argv, t)) {
        ours.set(key(t, res.name), [...(ours.get(key(t, res.name)) ?? []), res]);
      }
      if (o.peak) {
        const p = { mulAdd: await measurePeak('mul+add', t), fma: await measurePeak('fma', t) };
        peaks.set(t, [...(peaks.get(t) ?? []), p]);
      }
      if (why != null) continue;
      for (const [m, res] of runTorch(o, t, methods)) {
        theirs.set(key(t, m), [...(theirs.get(key(t, m)) ?? []), res]);
      }
    }
  }
  console.log(
    '| threads | model (beatlens) | params (beatlens / PyTorch) | train beatlens | train PyTorch | train ratio | infer beatlens | infer PyTorch | infer ratio |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of o.threads) {
    for (const name of [...new Set([...ours.keys()].filter((k) => k.startsWith(`${t}/`)))]) {
      const m = name.slice(name.indexOf('/') + 1);
      const a = ours.get(name) ?? [];
      // A variant is compared with the reference of its method.
      const b = theirs.get(key(t, a[0].method)) ?? [];
      const train = mean(a.map((x) => x.trainPerS));
      const infer = mean(a.map((x) => x.inferPerS));
      const cell = (v: number | null): string => (v == null ? '–' : v.toFixed(1));
      const tTrain = b.length ? mean(b.map((x) => x.trainPerS)) : null;
      const tInfer = b.length ? mean(b.map((x) => x.inferPerS)) : null;
      const ratio = (u: number, v: number | null): string =>
        v == null ? '–' : `**${(u / v).toFixed(2)}**`;
      console.log(
        `| ${t} | ${m} | ${a[0].params.toLocaleString('en')} / ${b.length ? b[0].params.toLocaleString('en') : '–'} | ` +
          `${cell(train)} | ${cell(tTrain)} | ${ratio(train, tTrain)} | ${cell(infer)} | ${cell(tInfer)} | ${ratio(infer, tInfer)} |`,
      );
    }
  }
  console.log(
    `segments/s, mean of ${o.rounds} round(s); goal: ratio ≥ 0.6; load average at end ${os.loadavg()[0].toFixed(2)}`,
  );
  if (o.peak) printCeiling(o, ours, theirs, peaks);
}

/**
 * The most any wasm kernel could give: each model's forward pass (2 flops a multiply–accumulate)
 * and training step (~3× the forward: the input and the filter gradient) at the measured wasm
 * SIMD peak, with every other cost (memory traffic, non-convolution ops) taken as zero, as
 * segments/s and as a ratio to PyTorch's.
 */
function printCeiling(
  o: Options,
  ours: Map<string, Result[]>,
  theirs: Map<string, TorchResult[]>,
  peaks: Map<number, Array<{ mulAdd: number; fma: number }>>,
): void {
  console.log('');
  console.log(
    '| threads | model | MFLOP / segment (forward) | wasm peak mul+add / fma (GFLOP/s) | infer ceiling | ceiling / PyTorch infer | train ceiling | ceiling / PyTorch train |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const t of o.threads) {
    const p = peaks.get(t) ?? [];
    const mulAdd = mean(p.map((x) => x.mulAdd));
    const fma = mean(p.map((x) => x.fma));
    const best = Math.max(mulAdd, fma) * 1e9;
    for (const m of ['joint', 'classifier'] as const) {
      const a = ours.get(`${t}/${m}`);
      const b = theirs.get(`${t}/${m}`);
      if (!a) continue;
      const flops = 2 * a[0].macs;
      const infer = best / flops;
      const train = best / (3 * flops);
      const ratio = (u: number, v: number[] | undefined): string =>
        v?.length ? `**${(u / mean(v)).toFixed(2)}**` : '–';
      console.log(
        `| ${t} | ${m} | ${(flops / 1e6).toFixed(0)} | ${mulAdd.toFixed(1)} / ${fma.toFixed(1)} | ` +
          `${infer.toFixed(0)} | ${ratio(
            infer,
            b?.map((x) => x.inferPerS),
          )} | ${train.toFixed(0)} | ${ratio(
            train,
            b?.map((x) => x.trainPerS),
          )} |`,
      );
    }
  }
  console.log(
    'ceiling: segments/s if every flop ran at the wasm SIMD peak (the larger of mul+add and fma) and nothing else cost time',
  );
}

function fmtRatio(v: number, bar: number): string {
  return `${v.toFixed(1)} (${(v / bar).toFixed(2)}× bar ${bar})`;
}

async function runInProcess(o: Options): Promise<void> {
  const info: BackendInfo = await initBackend(o.backend ?? 'auto');
  const load0 = os.loadavg()[0];
  console.log(
    `backend ${info.name} (${info.package} ${info.version}, threads ${info.threads}, simd ${info.simd}); ` +
      `batch ${o.batch} × ${N_LEADS} leads × ${N_SAMPLES} samples; ${os.cpus().length} cores; ` +
      `load average ${load0.toFixed(2)}`,
  );
  const variants: Variant[] = [
    ...o.methods.map((method): Variant => ({ name: method, method })),
    ...o.variants,
  ];
  const results = await benchAll(variants, o);
  const width = Math.max(10, ...results.map((r) => r.name.length));
  for (const r of results) {
    console.log(
      `${info.name.padEnd(10)} ${r.name.padEnd(width)} params ${String(r.params).padStart(8)}  ` +
        `train ${fmtRatio(r.trainPerS, BAR.train)} seg/s [${r.msPerTrainStep.toFixed(0)} ms/step, cpu ${r.cpuMsPerTrainStep.toFixed(0)} ms]  ` +
        `infer ${fmtRatio(r.inferPerS, BAR.infer)} seg/s [${r.msPerInferBatch.toFixed(0)} ms/batch, cpu ${r.cpuMsPerInferBatch.toFixed(0)} ms]`,
    );
  }
  if (results.length > 1) {
    const ref = results[0];
    console.log(
      `ratios to ${ref.name} (same run, interleaved): ` +
        results
          .slice(1)
          .map(
            (r) =>
              `${r.name} train ×${(r.trainPerS / ref.trainPerS).toFixed(2)} infer ×${(r.inferPerS / ref.inferPerS).toFixed(2)}`,
          )
          .join('; '),
    );
  }
  if (o.json) console.log(`${JSON_TAG}${JSON.stringify(results)}`);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `peak RSS ${peakRssMiB.toFixed(0)} MiB; load average at end ${os.loadavg()[0].toFixed(2)}`,
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o = parseArgs(argv);
  if (o.backend != null) {
    await runInProcess(o);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  if (o.torch) {
    await compareWithTorch(o, self, argv);
    return;
  }
  // One child per backend; 'tensorflow' is skipped by the child itself when not installed.
  for (const backend of ['tensorflow', 'wasm'] as const) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, self, ...argv, '--backend', backend],
      {
        stdio: ['ignore', 'inherit', 'pipe'],
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) {
      const why = (r.stderr ?? '').trim().split('\n').pop() ?? `exit ${r.status}`;
      console.log(`${backend.padEnd(10)} not run: ${why}`);
    }
  }
  console.log(
    'cpu        not run: the pure-JS backend takes minutes per step (--backend cpu to try)',
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
