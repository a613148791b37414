/**
 * The process-boundary lint rule, through the project's own ESLint config: pure logic modules
 * import neither Node nor DOM, and renderer code (TypeScript and Svelte components) imports from
 * the main side only the contract module.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** The messages of the boundary rules for `code` linted as if it were the file `path`. */
async function boundaryMessages(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, path) });
  return result.messages
    .filter((m) => m.ruleId === 'beatlens/process-boundary' || m.ruleId === 'no-restricted-globals')
    .map((m) => `${m.line}: ${m.message}`);
}

describe('pure logic modules', () => {
  const pure = 'src-main/ecg/filters.ts';
  it.each([
    [
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;",
      /may not import 'node:fs'/,
    ],
    ["import { join } from 'path';\nexport const x = join;", /may not import 'path'/],
    ["import { app } from 'electron';\nexport const x = app;", /may not import 'electron'/],
    [
      "import { readBytes } from './import/files';\nexport const x = readBytes;",
      /may not import src-main\/ecg\/import\/files\.ts at run time/,
    ],
    ['export const w = () => window.innerWidth;', /pure logic modules use neither Node nor DOM/],
    ['export const e = () => process.env.HOME;', /pure logic modules use neither Node nor DOM/],
    ["export const f = () => fetch('x');", /pure logic modules use neither Node nor DOM/],
  ])('refuses %j', async (code, message) => {
    const messages = await boundaryMessages(pure, code);
    expect(messages.join('\n')).toMatch(message);
  });

  it('accepts imports of other pure modules, packages and types of anything', async () => {
    const code = [
      "import { BeatlensError } from '../errors';",
      "import { createRng } from '../random';",
      "import type { Store } from '../store/index';",
      'export const x = [BeatlensError, createRng] as const;',
      'export type S = Store;',
    ].join('\n');
    expect(await boundaryMessages(pure, code)).toEqual([]);
  });
});

describe('renderer code', () => {
  it.each([
    [
      'src-renderer/lib/x.ts',
      "import { rendererFile } from '../../src-main/app/renderer-files';\nexport const x = rendererFile;",
    ],
    [
      'src-renderer/lib/x.ts',
      "import type { RecordLibrary } from '../../src-main/app/records';\nexport type R = RecordLibrary;",
    ],
    [
      'src-renderer/lib/x.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;",
    ],
  ])('refuses in %s: %j', async (path, code) => {
    expect((await boundaryMessages(path, code)).length).toBe(1);
  });

  it('checks the <script> of Svelte components, at the right line', async () => {
    const component = [
      '<script lang="ts">',
      "  import type { RecordSummary } from '../../src-main/ipc/contract';",
      "  import { createAppServices } from '../../src-main/app/services';",
      '  let r = $state<RecordSummary | null>(null);',
      '</script>',
      '',
      '<p>{r?.id} {createAppServices}</p>',
    ].join('\n');
    expect(await boundaryMessages('src-renderer/screens/X.svelte', component)).toEqual([
      '3: renderer code may not import src-main/app/services.ts (allowed: src-renderer/, src-main/ipc/contract.ts)',
    ]);
  });

  it('accepts the contract, its own modules and packages', async () => {
    const code = [
      "import { METHOD_OF } from '../../src-main/ipc/contract';",
      "import type { Channel } from '../../src-main/ipc/contract';",
      "import { go } from './route.svelte';",
      "import * as d3 from 'd3';",
      'export const x = [METHOD_OF, go, d3] as const;',
      'export type C = Channel;',
    ].join('\n');
    expect(await boundaryMessages('src-renderer/lib/x.ts', code)).toEqual([]);
  });
});
