/**
 * beatlens/process-boundary: what a module may import, given the process it runs in.
 *
 * - Pure logic modules (signal processing, metrics, the IPC contract, …) import no Node built-in
 *   and no Electron, and at run time only other pure modules, so they run unchanged in main, a
 *   worker, the sandboxed preload or the renderer. (Their DOM and Node globals are refused by
 *   `no-restricted-globals` in eslint.config.js.)
 * - Renderer code imports from the main side only the contract module (types and channel
 *   names), and no Node built-in or Electron.
 *
 * Options: `{ what, allow, typesFromAnywhere }`: `what` names the kind in messages; `allow` lists
 * the project paths (files, or folders ending in '/') that its relative imports may resolve to;
 * with `typesFromAnywhere`, `import type` may name any module (types leave no code behind).
 */
import { builtinModules } from 'node:module';
import { statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

const isFile = (p) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;

/** The project-relative path (with '/') that a relative import from `fromFile` names. */
function target(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const found = [base, `${base}.ts`, `${base}.svelte`, `${base}/index.ts`].find(isFile) ?? base;
  return relative(ROOT, found).split(sep).join('/');
}

const isTypeOnly = (node) =>
  node.importKind === 'type' ||
  node.exportKind === 'type' ||
  (node.specifiers?.length > 0 &&
    node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));

export default {
  meta: {
    type: 'problem',
    docs: { description: 'imports across process boundaries (pure logic, renderer)' },
    schema: [
      {
        type: 'object',
        properties: {
          what: { type: 'string' },
          allow: { type: 'array', items: { type: 'string' } },
          typesFromAnywhere: { type: 'boolean' },
        },
        required: ['what', 'allow'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { what, allow, typesFromAnywhere = false } = context.options[0];
    const check = (node, specifier, typeOnly) => {
      if (typeof specifier !== 'string') return;
      if (NODE.has(specifier) || specifier === 'electron' || specifier.startsWith('electron/')) {
        context.report({
          node,
          message: `${what} may not import '${specifier}' (Node or Electron)`,
        });
        return;
      }
      if (!specifier.startsWith('.') || (typeOnly && typesFromAnywhere)) return;
      const path = target(context.physicalFilename, specifier);
      if (!allow.some((a) => (a.endsWith('/') ? path.startsWith(a) : path === a))) {
        context.report({
          node,
          message: `${what} may not import ${path}${typesFromAnywhere ? ' at run time' : ''} (allowed: ${allow.join(', ')})`,
        });
      }
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value, isTypeOnly(n)),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value, isTypeOnly(n)),
      ExportAllDeclaration: (n) => check(n, n.source.value, isTypeOnly(n)),
      ImportExpression: (n) => check(n, n.source.value, false),
      'CallExpression[callee.name="require"]': (n) => check(n, n.arguments[0]?.value, false),
    };
  },
};
