/**
 * The packaged app's Electron fuses (electron-builder.yml `electronFuses`, flipped with
 * @electron/fuses by electron-builder): packaging needs the internet, so this checks the
 * settings, and that each is an option electron-builder really knows (a misspelt fuse would be
 * ignored silently).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The `key: value` lines of one top-level section of a flat YAML file. */
function yamlSection(text: string, name: string): Record<string, string> {
  const lines = text.split('\n');
  const start = lines.indexOf(`${name}:`);
  expect(start, `${name}: in electron-builder.yml`).toBeGreaterThanOrEqual(0);
  const out: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (!/^\s/.test(line) && line !== '') break;
    const m = /^\s+(\w+):\s*(\S+)/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

describe('Electron fuses in the build', () => {
  const fuses = yamlSection(
    readFileSync(resolve(ROOT, 'electron-builder.yml'), 'utf8'),
    'electronFuses',
  );

  it('turn off runAsNode, NODE_OPTIONS and --inspect, and turn on asar integrity', () => {
    expect(fuses).toMatchObject({
      runAsNode: 'false',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
    });
  });

  const types = resolve(ROOT, 'node_modules', 'app-builder-lib', 'out', 'configuration.d.ts');
  it.skipIf(!existsSync(types))('name only fuses electron-builder knows', () => {
    const d = readFileSync(types, 'utf8');
    const body = /interface FuseOptionsV1 \{([\s\S]*?)\n\}/.exec(d)?.[1] ?? '';
    const known = [...body.matchAll(/^\s+(\w+)\?:/gm)].map((m) => m[1]);
    expect(known).toContain('runAsNode');
    for (const name of Object.keys(fuses)) expect(known).toContain(name);
  });
});
