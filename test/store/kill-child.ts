/**
 * The crash tests' harness: a child script bundled once, then run and SIGKILLed at a chosen
 * moment, many times over, so each test can check what the store kept.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const projectRoot = resolve(__dirname, '..', '..');

/** Bundled once so each child starts in ~0.1 s instead of ~1 s through tsx. */
export async function bundleChild(entryFile: string, outFile: string): Promise<void> {
  await build({
    entryPoints: [entryFile],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: outFile,
    external: ['better-sqlite3'],
    logLevel: 'silent',
  });
}

/**
 * Runs the bundled child with `args` and kills it `killAfterMs` after it prints `ready` (or,
 * with `afterReady` false, after spawn); resolves to its stdout lines. A child that exits on its
 * own rejects with the first line of its stderr.
 */
export function runAndKill(
  childFile: string,
  args: string[],
  killAfterMs: number,
  afterReady = true,
): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [childFile, ...args], {
      env: { ...process.env, NODE_PATH: join(projectRoot, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | null = null;
    const arm = () => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    };
    if (!afterReady) arm();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('ready\n')) arm();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL')
        reject(new Error(`child exited with ${code}: ${err.split('\n')[0]}`));
      else resolvePromise(out.split('\n').filter(Boolean));
    });
  });
}
