// First step of `npm test`: fail at once, with the install command, if there is no Chromium for the e2e tests.
import { execFileSync } from 'node:child_process';
import { chromiumExists, chromiumPath, INSTALL_HINT } from './chromium-path.mjs';

const path = chromiumPath();
if (!chromiumExists()) {
  console.error(
    `\nNo Chromium found at ${path} (needed by the e2e tests).\nInstall it with:\n\n  ${INSTALL_HINT}\n\nor point CHROMIUM_PATH at a Chromium/Chrome binary.\n`,
  );
  process.exit(1);
}
try {
  const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 }).trim();
  console.log(`e2e browser: ${version} (${path})`);
} catch (error) {
  console.error(`\n${path} exists but does not run (${error instanceof Error ? error.message : String(error)}).\nReinstall it with:\n\n  ${INSTALL_HINT}\n`);
  process.exit(1);
}
