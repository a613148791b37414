/**
 * Picks and starts the fastest tfjs backend present, and says which one runs (every run records
 * the returned BackendInfo).
 *
 * Order for 'auto': tfjs-node-gpu, tfjs-node (native TensorFlow; optional dependencies that a
 * user's machine may have), then wasm (SIMD, multi-threaded in Node — see `createThreadedWasm`),
 * then the pure-JS cpu backend. BEATLENS_BACKEND=auto|tensorflow|wasm|cpu overrides 'auto';
 * BEATLENS_WASM_THREADS=n sets the wasm thread count (default: the cores Node reports).
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { BeatlensError } from '../errors';
import { tf } from './tf';
import { registerGradientKernels } from './kernels';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** tfjs backend name: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** npm package that provides it. */
  package: string;
  /** that package's version. */
  version: string;
  /** compute threads the backend uses (tfjs-node: 0 = TensorFlow's own default pool). */
  threads: number;
  /** whether SIMD code runs (wasm); true for native TensorFlow, false for cpu. */
  simd: boolean;
}

const PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
/** The priority tfjs-backend-wasm registers itself with. */
const WASM_PRIORITY = 2;

let current: { info: BackendInfo } | null = null;

function nodeRequire(): NodeJS.Require {
  // Bundled to CommonJS (the Electron main process) import.meta.url is gone but __filename is
  // there; run as ESM (tsx, vitest) it is the other way round.
  if (typeof __filename === 'string' && __filename !== '') return createRequire(__filename);
  return createRequire(import.meta.url);
}

function packageDir(name: string): string {
  return path.dirname(nodeRequire().resolve(`${name}/package.json`));
}

function parsePreference(value: string, source: string): BackendPreference {
  if ((PREFERENCES as readonly string[]).includes(value)) return value as BackendPreference;
  throw new BeatlensError(
    'backend-unknown',
    `${source}=${value} is not a backend; use one of ${PREFERENCES.join(', ')}`,
  );
}

/** Threads for wasm: BEATLENS_WASM_THREADS, else the cores available to this process. */
export function wasmThreadsWanted(): number {
  const env = process.env.BEATLENS_WASM_THREADS;
  if (env != null && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > 8) {
      throw new BeatlensError(
        'backend-threads',
        `BEATLENS_WASM_THREADS=${env} must be an integer from 1 to 8`,
      );
    }
    return n;
  }
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : 1;
  return Math.max(1, Math.min(8, cores));
}

async function tryTensorflow(): Promise<BackendInfo | null> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      // A variable specifier keeps bundlers and tsc from requiring the optional package.
      const mod = (await import(/* @vite-ignore */ pkg)) as { version?: Record<string, string> };
      if (!(await tf.setBackend('tensorflow'))) continue;
      const version = mod.version?.['tfjs-node'] ?? readVersion(pkg);
      return { name: 'tensorflow', package: pkg, version, threads: 0, simd: true };
    } catch {
      // Not installed, or its native library failed to load: try the next one.
    }
  }
  return null;
}

function readVersion(pkg: string): string {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(packageDir(pkg), 'package.json'), 'utf8'));
    return String(json.version);
  } catch {
    return 'unknown';
  }
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  tfjs?: Record<string, unknown>;
  PThread?: { runningWorkers: Array<{ unref?: () => void }> };
}

/**
 * Starts tfjs's threaded-SIMD wasm build in Node, which tfjs itself never does (its
 * WASM_HAS_MULTITHREAD_SUPPORT flag is hard-wired false in Node, tfjs issue #3830). Three things
 * stand in the way and are handled here:
 * 1. tfjs hands Emscripten its pthread worker as a Blob URL, which worker_threads cannot load, so
 *    the worker script is written to a file in the OS temp dir (named by its hash) instead;
 * 2. the worker must re-evaluate the main script, so it is given that script's file path;
 * 3. the C++ side caps threads at (logical cores / 2), i.e. 1 on a 2-core machine; the core count
 *    Emscripten reads in Node is os.cpus().length, so it is reported as 2 × wanted while the
 *    module initialises.
 * If anything here fails, `startWasm` falls back to tfjs's own single-threaded init.
 */
async function createThreadedWasm(threads: number): Promise<tf.KernelBackend> {
  const req = nodeRequire();
  const dir = packageDir(WASM_PACKAGE);
  const mainScript = path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const factory = req(mainScript) as (cfg: Record<string, unknown>) => Promise<EmscriptenModule>;
  const { wasmWorkerContents } = req(
    path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as { wasmWorkerContents: string };
  // The template literal in the package turned the script's "\n" escapes into newlines.
  const workerSource = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(workerSource).digest('hex').slice(0, 16);
  const workerFile = path.join(os.tmpdir(), `beatlens-tfjs-wasm-worker-${hash}.cjs`);
  if (!fs.existsSync(workerFile)) {
    const tmp = `${workerFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, workerSource);
    fs.renameSync(tmp, workerFile);
  }
  const osModule = req('os') as { cpus: () => os.CpuInfo[] };
  const realCpus = osModule.cpus;
  osModule.cpus = () => {
    const one = realCpus()[0];
    return Array.from({ length: 2 * threads }, () => one);
  };
  wasmBackend.setThreadsCount(threads);
  const listenersBefore = {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
  let mod: EmscriptenModule;
  try {
    mod = await factory({
      locateFile: (file: string) =>
        file.endsWith('.worker.js')
          ? workerFile
          : file.endsWith('.wasm')
            ? path.join(dir, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm')
            : path.join(dir, 'wasm-out', file),
      mainScriptUrlOrBlob: mainScript,
    });
  } finally {
    osModule.cpus = realCpus;
    // Emscripten adds handlers that rethrow every uncaught error from inside its minified
    // script, so Node prints ~50 kB of it above the real message; Node's defaults are enough.
    const emitter = process as unknown as {
      listeners(event: string): unknown[];
      removeListener(event: string, listener: (...a: unknown[]) => void): void;
    };
    for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
      const before: unknown[] = listenersBefore[event];
      for (const listener of emitter.listeners(event)) {
        if (!before.includes(listener)) {
          emitter.removeListener(event, listener as (...a: unknown[]) => void);
        }
      }
    }
  }
  // The same bridge tfjs's own init() builds.
  mod.tfjs = {
    init: mod.cwrap('init', null, []),
    initWithThreadsCount: mod.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: mod.cwrap('get_threads_count', 'number', []),
    registerTensor: mod.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: mod.cwrap('dispose_data', null, ['number']),
    dispose: mod.cwrap('dispose', null, []),
  };
  const backend = new wasmBackend.BackendWasm(mod as never) as unknown as tf.KernelBackend;
  // The thread pool's workers are ref'd while their pthreads live, i.e. forever, which would
  // keep Node from exiting after the work is done. The main thread waits for them inside wasm
  // (atomics), not on the event loop, so unref'ing them changes nothing else.
  for (const worker of mod.PThread?.runningWorkers ?? []) worker.unref?.();
  return backend;
}

async function startWasm(): Promise<BackendInfo | null> {
  registerGradientKernels('wasm');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  // Already running in this process (e.g. after a switch to cpu): reuse it, tensors and all.
  if ('wasm' in tf.engine().registry) {
    return (await tf.setBackend('wasm')) ? wasmInfo(simd) : null;
  }
  const threads = wasmThreadsWanted();
  // tfjs's own factory: single-threaded in Node; kept as the fallback.
  const tfjsFactory = tf.findBackendFactory('wasm');
  if (threads > 1 && simd && typeof SharedArrayBuffer !== 'undefined') {
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', () => createThreadedWasm(threads), WASM_PRIORITY);
    if (await tf.setBackend('wasm')) return wasmInfo(simd);
    tf.removeBackend('wasm');
    if (tfjsFactory != null) tf.registerBackend('wasm', tfjsFactory, WASM_PRIORITY);
  }
  if (tfjsFactory == null) return null;
  // Found from the package, not the cwd, so it works from any directory and when bundled.
  wasmBackend.setWasmPaths(path.join(packageDir(WASM_PACKAGE), 'dist') + path.sep);
  if (!(await tf.setBackend('wasm'))) return null;
  return wasmInfo(simd);
}

function wasmInfo(simd: boolean): BackendInfo {
  return {
    name: 'wasm',
    package: WASM_PACKAGE,
    version: wasmBackend.version_wasm,
    threads: wasmBackend.getThreadsCount(),
    simd,
  };
}

async function startCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) {
    throw new BeatlensError('backend-unavailable', 'the tfjs cpu backend failed to start');
  }
  return {
    name: 'cpu',
    package: '@tensorflow/tfjs-backend-cpu',
    version: tf.version_core,
    threads: 1,
    simd: false,
  };
}

/**
 * Starts the backend (once per process; later calls with the same preference return the same
 * info) and registers the wasm gradient kernels. An explicit preference whose backend is absent
 * fails with a BeatlensError instead of silently running elsewhere.
 */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  let want = parsePreference(preference, 'backend');
  const env = process.env.BEATLENS_BACKEND;
  if (want === 'auto' && env != null && env !== '') want = parsePreference(env, 'BEATLENS_BACKEND');
  if (current != null && (want === 'auto' || want === current.info.name)) {
    if (tf.getBackend() === current.info.name) return current.info;
  }
  registerGradientKernels('wasm');
  let info: BackendInfo | null = null;
  if (want === 'auto' || want === 'tensorflow') {
    info = await tryTensorflow();
    if (info == null && want === 'tensorflow') {
      throw new BeatlensError(
        'backend-unavailable',
        'backend=tensorflow but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node loads here',
      );
    }
  }
  if (info == null && (want === 'auto' || want === 'wasm')) {
    info = await startWasm();
    if (info == null && want === 'wasm') {
      throw new BeatlensError('backend-unavailable', 'backend=wasm failed to start');
    }
  }
  if (info == null) info = await startCpu();
  await tf.ready();
  current = { info };
  return info;
}

/** The info of the backend `initBackend` started, or null before it ran. */
export function currentBackend(): BackendInfo | null {
  return current?.info ?? null;
}
