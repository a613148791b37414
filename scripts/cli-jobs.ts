/**
 * Runs `beatlens` CLI jobs a few at a time, one wasm thread each, each job's output in
 * `<logsDir>/<name>.log`; a line on stderr as each ends; exits the process on the first failure.
 * For the experiment scripts (kernel sweep, seed stability); `reproduce-mitdb.ts` has its own
 * runner, which hands the idle cores' threads to the last jobs.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'bin', 'beatlens.mjs');

export interface CliJob {
  name: string;
  args: string[];
}

export async function runCliJobs(
  jobs: readonly CliJob[],
  lanes: number,
  logsDir: string,
): Promise<void> {
  const todo = [...jobs];
  mkdirSync(logsDir, { recursive: true });
  const lane = async (): Promise<void> => {
    for (let job = todo.shift(); job; job = todo.shift()) {
      const log = createWriteStream(join(logsDir, `${job.name}.log`));
      const started = Date.now();
      const child = spawn(process.execPath, [cli, ...job.args], {
        cwd: root,
        env: { ...process.env, BEATLENS_WASM_THREADS: '1' },
      });
      child.stdout.pipe(log);
      child.stderr.pipe(log);
      const code = await new Promise<number | null>((done) => child.on('exit', done));
      const min = ((Date.now() - started) / 60000).toFixed(1);
      process.stderr.write(
        `${job.name}: ${code === 0 ? 'done' : `failed (${code})`} in ${min} min\n`,
      );
      if (code !== 0) process.exit(1);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}
