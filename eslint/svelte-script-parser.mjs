/**
 * Lets ESLint check the imports of .svelte components without a Svelte plug-in: the component's
 * <script> blocks are parsed as TypeScript at their own positions (markup and styles blanked
 * out), so rule messages point at the right lines. Only beatlens/process-boundary runs on them.
 */
import tseslint from 'typescript-eslint';

export default {
  meta: { name: 'beatlens-svelte-script' },
  parseForESLint(text, options) {
    const code = text.replace(/[^\n]/g, ' ').split('');
    for (const m of text.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script>/g)) {
      const start = m.index + m[1].length;
      for (let i = 0; i < m[2].length; i++) code[start + i] = m[2][i];
    }
    return tseslint.parser.parseForESLint(code.join(''), { ...options, sourceType: 'module' });
  },
};
