/**
 * Can tfjs's WebGL or WebGPU backend train the beatlens models in a Chromium renderer (as in
 * Electron's)?
 *
 *   npx tsx bench/webgl-train.ts                  # joint tiny model, 4 Adam steps, 'tiny' preset
 *   npx tsx bench/webgl-train.ts --steps 8 --method classifier --gpu
 *   npx tsx bench/webgl-train.ts --backend webgpu # WebGPU (@tensorflow/tfjs-backend-webgpu)
 *
 * Bundles the model code for the browser (esbuild), opens it in headless Chromium (the one the
 * e2e tests use, BEATLENS_CHROMIUM or /usr/bin/chromium) and trains the same model from the same
 * seed on the same batch with the 'webgl' and the 'cpu' backend in that page, printing the loss
 * of every step on both, their largest relative difference, the WebGL renderer (SwiftShader when
 * there is no GPU: software GL, correct but slow) and ms per step. Without --gpu Chromium is told
 * to use SwiftShader; with --gpu it uses the machine's GPU where it has one. `--backend webgpu`
 * runs the same comparison on WebGPU (SwiftShader's Vulkan without --gpu; the page is served
 * from an https origin, since WebGPU exists only in secure contexts).
 */
import { build } from 'esbuild';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../test/helpers/chromium';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  steps: number;
  method: 'joint' | 'classifier' | 'cascaded' | 'mil';
  gpu: boolean;
  backend: 'webgl' | 'webgpu';
}

function parseArgs(argv: string[]): Options {
  const o: Options = { steps: 4, method: 'joint', gpu: false, backend: 'webgl' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--steps') o.steps = Number(argv[++i]);
    else if (a === '--method') o.method = argv[++i] as Options['method'];
    else if (a === '--gpu') o.gpu = true;
    else if (a === '--backend') {
      const b = argv[++i];
      if (b !== 'webgl' && b !== 'webgpu') throw new Error(`--backend ${b}: webgl or webgpu`);
      o.backend = b;
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** The page's code: trains on one backend and returns the loss per step. */
const PAGE_ENTRY = `
import { tf } from './src-main/model/tf';
import '@tensorflow/tfjs-backend-webgpu';
import { createModel } from './src-main/model/registry';
import { weightedNllLoss } from './src-main/model/loss';
import { datasetToTensor, datasetLabels } from './src-main/model/input';
import { getPreset } from './src-main/train/presets';
import { tinyConfig, tinyDataset } from './test/model/helpers';

async function train(backend, method, steps) {
  if (!(await tf.setBackend(backend))) throw new Error('backend ' + backend + ' did not start');
  await tf.ready();
  const preset = getPreset('tiny');
  const model = createModel(tinyConfig(method), 1);
  const data = tinyDataset(preset.batchSize, 2);
  const all = Array.from({ length: preset.batchSize }, (_, i) => i);
  const x = datasetToTensor(data, all);
  const y = datasetLabels(data, all);
  const optimizer = tf.train.adam(preset.learningRate);
  const losses = [];
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const loss = optimizer.minimize(() => {
      const out = model.forward(x, true);
      out.attention?.dispose();
      return weightedNllLoss(out.logits, y, [1, 1]);
    }, true, model.trainableWeights());
    losses.push((await loss.data())[0]);
    loss.dispose();
  }
  const msPerStep = (performance.now() - t0) / steps;
  let renderer = '';
  if (backend === 'webgl') {
    const gl = tf.backend().gpgpu.gl;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } else if (backend === 'webgpu') {
    const info = tf.backend().adapterInfo ?? {};
    renderer = [info.vendor, info.architecture].filter(Boolean).join(' ');
  }
  model.dispose(); optimizer.dispose(); x.dispose(); y.dispose();
  return { losses, msPerStep, renderer };
}
window.beatlensTrain = train;
`;

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const bundle = await build({
    stdin: { contents: PAGE_ENTRY, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  const gl = o.gpu
    ? ['--ignore-gpu-blocklist', '--enable-gpu-rasterization']
    : ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
  const gpu =
    o.backend === 'webgpu'
      ? ['--enable-unsafe-webgpu', ...(o.gpu ? [] : ['--use-webgpu-adapter=swiftshader'])]
      : [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-quic', ...gl, ...gpu],
  });
  try {
    const page = await browser.newPage();
    // A made-up https origin answered by the page itself (nothing leaves the machine): WebGPU
    // exists only in secure contexts.
    const origin = 'https://beatlens.invalid/';
    await page.route(`${origin}**`, (r) =>
      r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>gpu training</title>' }),
    );
    await page.goto(origin);
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    type Run = { losses: number[]; msPerStep: number; renderer: string };
    const run = (backend: string): Promise<Run> =>
      page.evaluate(
        ([b, m, s]) =>
          (
            window as unknown as {
              beatlensTrain(b: string, m: string, s: number): Promise<Run>;
            }
          ).beatlensTrain(b, m, s),
        [backend, o.method, o.steps] as [string, string, number],
      );
    const webgl = await run(o.backend);
    const cpu = await run('cpu');
    let worst = 0;
    webgl.losses.forEach((v, i) => {
      worst = Math.max(
        worst,
        Math.abs(v - cpu.losses[i]) / Math.max(1e-6, Math.abs(cpu.losses[i])),
      );
    });
    const fmt = (l: number[]): string => l.map((v) => v.toFixed(5)).join(' ');
    const name = o.backend === 'webgl' ? 'WebGL' : 'WebGPU';
    console.log(`Chromium ${browser.version()}, ${name} renderer: ${webgl.renderer}`);
    console.log(`${o.method} tiny model, 'tiny' preset batch, ${o.steps} Adam steps`);
    console.log(
      `${o.backend.padEnd(5)} loss ${fmt(webgl.losses)}  (${webgl.msPerStep.toFixed(0)} ms/step)`,
    );
    console.log(`cpu   loss ${fmt(cpu.losses)}  (${cpu.msPerStep.toFixed(0)} ms/step)`);
    const learns = webgl.losses[webgl.losses.length - 1] < webgl.losses[0];
    console.log(
      `largest relative loss difference ${worst.toExponential(2)}; ` +
        `${o.backend} loss ${learns ? 'falls' : 'does not fall'} over the steps`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
