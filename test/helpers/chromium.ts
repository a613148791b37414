/**
 * Headless Chromium for the e2e tests and the viewer benchmark: one executable setting
 * (BEATLENS_CHROMIUM, else the apt-installed /usr/bin/chromium) and one set of launch flags.
 */
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../../src-main/holter/pdf';

export const CHROMIUM = process.env.BEATLENS_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium with a fresh profile in `profileDir` (launchPersistentContext owns
 * --user-data-dir); no sandbox, GPU, QUIC or background network traffic.
 */
export function launchChromium(
  profileDir: string,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    viewport,
    args: [...CHROMIUM_FLAGS],
  });
}
