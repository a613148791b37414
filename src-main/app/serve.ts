/**
 * The browser version of the app: the same services and handlers as Electron's main, served
 * with the built renderer on loopback HTTP. Used by `npm run serve`, by `npm start` when the
 * Electron binary is missing, and by the e2e tests.
 * Usage: tsx src-main/app/serve.ts [--port N]
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { createEventBus } from '../ipc/events';
import { createHandlers } from '../ipc/handlers';
import { startHttpBridge } from '../ipc/http-bridge';
import type { HttpBridge } from '../ipc/http-bridge';
import { createAppServices } from './services';
import type { AppServices, AppServicesOptions } from './services';

export interface ServedApp {
  bridge: HttpBridge;
  services: AppServices;
  close(): Promise<void>;
}

export async function serveApp(opts: {
  staticDir: string;
  port?: number;
  home?: string;
  demo?: boolean;
  core?: AppServicesOptions['core'];
}): Promise<ServedApp> {
  const events = createEventBus();
  const services = await createAppServices({
    shell: 'browser',
    events,
    demo: opts.demo ?? true,
    home: opts.home,
    core: opts.core,
  });
  const bridge = await startHttpBridge({
    handlers: createHandlers(services.impl),
    events,
    staticDir: opts.staticDir,
    port: opts.port,
  });
  return {
    bridge,
    services,
    close: async () => {
      await bridge.close();
      services.close();
    },
  };
}

const isEntry = process.argv[1] && resolve(process.argv[1]).endsWith('serve.ts');
if (isEntry) {
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 5180;
  const staticDir = resolve(process.cwd(), 'dist-renderer');
  if (!existsSync(resolve(staticDir, 'index.html'))) {
    console.error(`beatlens: ${staticDir}/index.html missing; run 'node scripts/build.mjs' first`);
    process.exit(1);
  }
  const app = await serveApp({ staticDir, port });
  console.log(`beatlens (browser version) at ${app.bridge.url}/  — Ctrl+C to stop`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
