// Where the Chromium for e2e tests lives: $CHROMIUM_PATH, else Debian's /usr/bin/chromium.
// (Playwright's own browser download cannot work on machines without general internet access.)
import { existsSync } from 'node:fs';

export const INSTALL_HINT = 'apt-get -o DPkg::Lock::Timeout=600 update && apt-get -o DPkg::Lock::Timeout=600 install -y chromium';

/** @returns {string} */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** @returns {boolean} */
export function chromiumExists() {
  return existsSync(chromiumPath());
}
