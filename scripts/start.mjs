#!/usr/bin/env node
/**
 * `npm start`: build, then open the Electron app on the built-in synthetic demo study. Where the
 * Electron binary is missing (it cannot be downloaded on every machine; npm then drops the
 * optional package) it prints a one-line hint and serves the browser version instead, on a free
 * loopback port, printing the address to open (it carries a one-time launch secret).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
const run = (cmd, args) =>
  new Promise((resolveRun) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    child.on('exit', (code) => resolveRun(code ?? 1));
  });

if ((await run(process.execPath, ['scripts/build.mjs'])) !== 0) process.exit(1);

let electronPath = null;
try {
  const p = require('electron');
  if (typeof p === 'string' && existsSync(p)) electronPath = p;
} catch {
  electronPath = null;
}
if (electronPath) {
  process.exit(await run(electronPath, ['.']));
} else {
  console.log(
    'beatlens: the Electron binary is not installed (its download failed or was skipped; `npm install electron` where it can be downloaded); serving the browser version instead',
  );
  process.exit(
    await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src-main/app/serve.ts']),
  );
}
