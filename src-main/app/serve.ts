/**
 * The browser version of the app: the same services and handlers as Electron's main, served
 * with the built renderer on loopback HTTP. Used by `npm run serve`, by `npm start` when the
 * Electron binary is missing, and by the e2e tests.
 * Usage: tsx src-main/app/serve.ts [--port N]   (default: a free port; the address it prints
 * carries the one-time launch secret, see http-bridge.ts)
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { BeatlensError } from '../errors';
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

/** `--port N` (1..65535), or 0: a free port chosen by the system. */
export function parsePortArg(argv: readonly string[]): number {
  const at = argv.indexOf('--port');
  if (at < 0) return 0;
  const text = argv[at + 1] ?? '';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new BeatlensError('serve-port', `--port '${text}' is not a port number (1-65535)`);
  }
  return port;
}

const isEntry = process.argv[1] && resolve(process.argv[1]).endsWith('serve.ts');
if (isEntry) {
  try {
    const port = parsePortArg(process.argv);
    const staticDir = resolve(process.cwd(), 'dist-renderer');
    if (!existsSync(resolve(staticDir, 'index.html'))) {
      throw new BeatlensError(
        'serve-not-built',
        `${staticDir}/index.html missing; run 'node scripts/build.mjs' first`,
      );
    }
    const app = await serveApp({ staticDir, port });
    // The fragment holds the one-time launch secret: open this address (once) in a browser.
    console.log(`beatlens (browser version): open ${app.bridge.launchUrl}  — Ctrl+C to stop`);
    const stop = () => void app.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (e) {
    console.error(`beatlens: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    process.exit(1);
  }
}
