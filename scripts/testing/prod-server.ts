/**
 * Starts the production server (`next start`, after `npm run build`) as a child process with its
 * own classroom database (LATENT_LAB_DB) or a shared PostgreSQL one (DATABASE_URL), for the
 * classroom's crash tests and benchmark. `kill('SIGKILL')` is a
 * real crash: the process is the server itself (no npx wrapper in between).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../lib/classroom/testing/pg-cluster';

const ROOT = path.resolve(__dirname, '..', '..');

export interface ProdServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Server output so far (for failure messages). */
  output(): string;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function hasProductionBuild(): boolean {
  return existsSync(path.join(ROOT, '.next', 'BUILD_ID'));
}

/** Starts `next start` on 127.0.0.1:`port` (a free port when not given) and resolves once it answers HTTP. */
export async function startProdServer(options: { port?: number; env?: Record<string, string>; timeoutMs?: number }): Promise<ProdServer> {
  if (!hasProductionBuild()) throw new Error('No production build: run `npm run build` first.');
  const next = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${url}/api/sessions/AAAAAA`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`next start did not answer on ${url} in time:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    port,
    process: child,
    output: () => log,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
