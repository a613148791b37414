import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import processBoundary from './eslint/process-boundary.mjs';
import svelteScriptParser from './eslint/svelte-script-parser.mjs';

const CODE = ['**/*.{ts,js,mjs,cjs}'];
const beatlens = { rules: { 'process-boundary': processBoundary } };

/**
 * Pure logic modules: no Node, no Electron, no DOM; run-time imports only of each other, so they
 * run unchanged in main, workers, the sandboxed preload and the renderer.
 */
const PURE = [
  'src-main/errors.ts',
  'src-main/random.ts',
  'src-main/ecg/types.ts',
  'src-main/ecg/filters.ts',
  'src-main/ecg/resample.ts',
  'src-main/ecg/preprocess.ts',
  'src-main/ecg/leads.ts',
  'src-main/ecg/synthetic.ts',
  'src-main/ecg/segments.ts',
  'src-main/ecg/validate.ts',
  'src-main/ecg/file-names.ts',
  'src-main/ecg/wfdb/formats.ts',
  'src-main/ipc/contract.ts',
  'src-main/ipc/events.ts',
  'src-main/app/csp.ts',
  'src-main/app/decimate.ts',
  'src-main/train/metrics.ts',
  'src-main/train/splitters.ts',
  'src-main/evaluate/agreement.ts',
  'src-main/evaluate/localisation.ts',
  'src-main/infer/beat-scores.ts',
];
/** Globals of a browser page or of Node, which pure modules may not touch. */
const PROCESS_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'fetch',
  'XMLHttpRequest',
  'EventSource',
  'process',
  'Buffer',
  'require',
  'module',
  'global',
  '__dirname',
  '__filename',
];
/** The renderer reaches the main side through the contract only. */
const RENDERER = { what: 'renderer code', allow: ['src-renderer/', 'src-main/ipc/contract.ts'] };

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist-main/**',
      'dist-renderer/**',
      'release/**',
      'docs/**',
    ],
  },
  { ...js.configs.recommended, files: CODE },
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: c.files ?? CODE })),
  {
    files: CODE,
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        window: 'readonly',
        document: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: PURE,
    plugins: { beatlens },
    rules: {
      'beatlens/process-boundary': [
        'error',
        { what: 'a pure logic module', allow: PURE, typesFromAnywhere: true },
      ],
      'no-restricted-globals': [
        'error',
        ...PROCESS_GLOBALS.map((name) => ({
          name,
          message: 'pure logic modules use neither Node nor DOM globals',
        })),
      ],
    },
  },
  {
    files: ['src-renderer/**/*.ts'],
    plugins: { beatlens },
    rules: { 'beatlens/process-boundary': ['error', RENDERER] },
  },
  {
    // Components: only the boundary rule, on their <script> blocks.
    files: ['src-renderer/**/*.svelte'],
    languageOptions: { parser: svelteScriptParser },
    plugins: { beatlens },
    rules: { 'beatlens/process-boundary': ['error', RENDERER] },
  },
  prettier,
);
