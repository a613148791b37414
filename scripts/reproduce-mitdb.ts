/**
 * Reproduces the MIT-BIH tables (docs/results/mitdb): every (protocol, method, fold) is an
 * independent, resumable job, run `--jobs` at a time (default: one per core, one wasm thread
 * each), so no core idles while work is left. A finished fold is skipped; an interrupted one
 * resumes from its last epoch checkpoint. After the jobs, `beatlens results mitdb` rebuilds
 * docs/results/mitdb and the README's tables from the run folders.
 *
 *   npm run reproduce:mitdb                       # everything (see docs/results/mitdb/README.md)
 *   npm run reproduce:mitdb -- --only stratified/joint-l2,stratified/classifier-none
 *   npm run reproduce:mitdb -- --jobs 1 --results-only
 *
 * Logs: runs/mitdb/logs/<protocol>-<method>-<pooling>-fold<k>.log.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MITDB_ROWS, rowCvArgs, rowName, rowRunDir } from '../src-main/experiments/mitdb-results';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'beatlens.mjs');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runsDir = resolve(arg('runs') ?? join(root, 'runs', 'mitdb'));
const jobs = Number(arg('jobs') ?? availableParallelism());
const only = arg('only')?.split(',');
const resultsOnly = process.argv.includes('--results-only');

interface Job {
  name: string;
  args: string[];
  done: string;
}

const rows = MITDB_ROWS.filter((r) => !only || only.includes(`${r.protocol}/${rowName(r)}`));
const todo: Job[] = [];
for (const r of rows) {
  const runDir = rowRunDir(runsDir, r);
  for (let k = 0; k < r.folds; k++) {
    todo.push({
      name: `${r.protocol}-${rowName(r)}-fold${k}`,
      done: join(runDir, 'folds', String(k), 'result.json'),
      args: rowCvArgs(runsDir, r, k),
    });
  }
}

function run(args: string[], log: string, threads: number): Promise<number> {
  return new Promise((resolvePromise) => {
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, BEATLENS_WASM_THREADS: String(threads) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.on('close', (code) => {
      out.end();
      resolvePromise(code ?? 1);
    });
  });
}

async function main(): Promise<void> {
  const logs = join(runsDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const pending = resultsOnly ? [] : todo.filter((j) => !existsSync(j.done));
  const started = Date.now();
  const total = pending.length;
  let finished = 0;
  let failed = 0;
  process.stderr.write(
    `${todo.length - pending.length} of ${todo.length} fold jobs already done; ${total} to run, ${jobs} at a time\n`,
  );
  const worker = async (): Promise<void> => {
    for (let job = pending.shift(); job; job = pending.shift()) {
      // The last jobs get the idle cores' threads.
      const threads = Math.max(
        1,
        Math.floor(jobs / Math.max(1, Math.min(jobs, pending.length + 1))),
      );
      process.stderr.write(`start ${job.name} (${threads} thread${threads > 1 ? 's' : ''})\n`);
      const code = await run(job.args, join(logs, `${job.name}.log`), threads);
      finished++;
      if (code !== 0) failed++;
      const minutes = (Date.now() - started) / 60000;
      process.stderr.write(
        `${code === 0 ? 'done' : `FAILED (exit ${code}, see logs/${job.name}.log)`} ${job.name}: ${finished}/${total} in ${minutes.toFixed(1)} min\n`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  const code = await run(
    ['results', 'mitdb', '--runs', runsDir, '--out', join(root, 'docs', 'results', 'mitdb')],
    join(logs, 'results.log'),
    jobs,
  );
  process.stderr.write(
    `results: ${code === 0 ? 'written to docs/results/mitdb' : `failed, see ${join(logs, 'results.log')}`}; ${((Date.now() - started) / 60000).toFixed(1)} min in all\n`,
  );
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
}

void main();
