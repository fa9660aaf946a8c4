// `npm start`: build the app if there is no production build or the sources changed since the last
// one, then serve it on http://localhost:3000 (PORT overrides the port).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const buildId = path.join(root, '.next', 'BUILD_ID');
const SOURCES = ['app', 'lib', 'public', 'models', 'next.config.js', 'package-lock.json', 'tsconfig.json'];

/** Newest modification time under `p` (files and folders), skipping dot-folders. */
function newest(p) {
  if (!existsSync(p)) return 0;
  const info = statSync(p);
  if (!info.isDirectory()) return info.mtimeMs;
  let max = info.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry.startsWith('.')) continue;
    max = Math.max(max, newest(path.join(p, entry)));
  }
  return max;
}

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const changedAt = Math.max(...SOURCES.map((s) => newest(path.join(root, s))));

if (builtAt === 0 || changedAt > builtAt) {
  console.log(builtAt === 0 ? 'No production build yet: building (about a minute)…' : 'Sources changed since the last build: rebuilding…');
  const result = spawnSync(npx, ['next', 'build'], { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error('\nThe build failed (see above). Fix the error, then run `npm start` again.');
    process.exit(result.status ?? 1);
  }
} else {
  console.log('Production build is up to date.');
}

const port = process.env.PORT ?? '3000';
console.log(`Starting Latent Lab on http://localhost:${port}`);
// Students' devices cannot reach "localhost": print the addresses they can use for the classroom.
const publicUrl = process.env.LATENT_LAB_PUBLIC_URL?.trim();
const lan = Object.values(os.networkInterfaces())
  .flatMap((list) => list ?? [])
  .filter((i) => i.family === 'IPv4' && !i.internal)
  .map((i) => `http://${i.address}:${port}`);
const links = [...(publicUrl ? [publicUrl.replace(/\/$/, '')] : []), ...lan];
if (links.length > 0) for (const l of links) console.log(`Classroom: students join at ${l}/classroom/join`);
else console.log('Classroom: this computer has no network address students can reach (connect it to the class network, or set LATENT_LAB_PUBLIC_URL).');
const server = spawn(npx, ['next', 'start', '-p', port], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
