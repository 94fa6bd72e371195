/**
 * A real browser for the web UI tests: Debian's `chromium` driven by playwright-core
 * (which ships no browser). CHROMIUM_PATH overrides where it is. When it is missing
 * the test stops with one clear line saying how to install it, never a skip.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export class ChromiumMissingError extends Error {}

export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new ChromiumMissingError(`CHROMIUM_PATH=${given} does not exist`);
    return given;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new ChromiumMissingError('chromium is not installed: the web UI tests need it (Debian: apt-get install -y chromium, or run scripts/test-prerequisites.sh as root; or set CHROMIUM_PATH)');
}

export async function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
