// Launching the system Chromium through playwright-core. Never a downloaded browser: that fails
// on our machines, and scripts/install-chromium.sh installs Debian's package instead.

import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** From the field notes; the loopback/fake-media flags let ICE work with only a loopback interface. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
];

export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';
  constructor(path: string) {
    super(`Chromium not found at ${path}; install it with: bash scripts/install-chromium.sh`);
  }
}

export class PlaywrightMissingError extends Error {
  override readonly name = 'PlaywrightMissingError';
  constructor() {
    super('driving Chromium needs playwright-core, an optional peer dependency of raftbed that is not installed: npm install playwright-core');
  }
}

/** playwright-core is an optional peer: loaded only when a browser is launched, with a clear error when absent. */
function loadPlaywright(): typeof import('playwright-core') {
  try {
    return require('playwright-core') as typeof import('playwright-core');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'MODULE_NOT_FOUND') throw new PlaywrightMissingError();
    throw e;
  }
}

export async function launchChromium(path = CHROMIUM_PATH): Promise<Browser> {
  const { chromium } = loadPlaywright();
  if (!existsSync(path)) throw new ChromiumMissingError(path);
  return chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS], headless: true });
}
