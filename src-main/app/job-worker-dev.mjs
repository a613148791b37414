// Worker entry when running from TypeScript sources (tsx, vitest): registers tsx's loader in this
// worker thread, then loads the real worker. The Electron build uses dist-main/job-worker.cjs.
import { register } from 'tsx/esm/api';

register();
await import('./job-worker.ts');
