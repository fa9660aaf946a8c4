/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` in a temporary folder, then
 * `pg_ctl start` on a free local port (TCP on 127.0.0.1 only, the Unix socket in the same folder),
 * and everything removed afterwards. Real PostgreSQL, never a mock.
 *
 * PostgreSQL refuses to run as root, so when this process is root the server runs as the
 * `postgres` system user (Debian's package creates it) and the folder is handed to that user.
 * Binaries are looked up in PG_BIN, then Debian's /usr/lib/postgresql/<version>/bin (newest
 * first), then `pg_config --bindir`, then PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, rmSync, statSync, appendFileSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The folder holding `initdb`, `pg_ctl` and `postgres`, or undefined when PostgreSQL is not installed. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const has = (dir: string) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'));
  if (env.PG_BIN) return has(env.PG_BIN) ? env.PG_BIN : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(path.join(debian, v, 'bin'))) return path.join(debian, v, 'bin');
  }
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (cfg.status === 0 && has(cfg.stdout.trim())) return cfg.stdout.trim();
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir && has(dir)) return dir;
  return undefined;
}

/** What to do when PostgreSQL is missing (for skip messages and CI failures). */
export const POSTGRES_MISSING =
  'PostgreSQL is not installed (no initdb/pg_ctl in PG_BIN, /usr/lib/postgresql/*/bin, pg_config --bindir or PATH). ' +
  'Install it with: apt-get -o DPkg::Lock::Timeout=600 install -y postgresql   (or set PG_BIN to the folder with initdb).';

/** A free TCP port on 127.0.0.1 (asked from the OS; a moment later someone else could take it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** Root runs the server as `postgres`; anyone else runs it as themselves. */
function runAs(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      "PostgreSQL refuses to run as root and there is no `postgres` user to run it as. Install Debian's postgresql package (it creates the user) or run the tests as another user.",
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(bin: string, args: string[], as: RunAs, cwd: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd,
      uid: as.uid,
      gid: as.gid,
      env: { ...process.env, LANG: 'C', LC_ALL: 'C', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(bin)} ${args.join(' ')} failed (${signal ?? code}):\n${out}`));
    });
  });
}

/** A temporary folder the server's user can reach (a parent only root can enter would not do). */
function tempFolder(as: RunAs): string {
  let parent = os.tmpdir();
  if (as.uid !== undefined) {
    const worldTraversable = (p: string) => {
      for (let dir = p; ; dir = path.dirname(dir)) {
        if ((statSync(dir).mode & 0o001) === 0) return false;
        if (dir === path.dirname(dir)) return true;
      }
    };
    if (!worldTraversable(parent)) parent = '/tmp';
  }
  const dir = mkdtempSync(path.join(parent, 'latent-lab-pg-'));
  if (as.uid !== undefined && as.gid !== undefined) chownSync(dir, as.uid, as.gid);
  return dir;
}

export interface PgClusterOptions {
  /** Database to create (default `latent_lab`). */
  database?: string;
  /**
   * Trade durability for speed (fsync off): right for unit tests, whose data dies with the
   * folder. Reliability tests and benchmarks keep PostgreSQL's defaults.
   */
  fast?: boolean;
  /** More `postgresql.conf` settings. */
  settings?: Record<string, string | number>;
}

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` (trust authentication, local only). */
  url: string;
  port: number;
  dir: string;
  bin: string;
  /** Whether the server is running (as far as this helper knows). */
  readonly running: boolean;
  /** Starts a stopped cluster again on the same port, with the same data. */
  start(): Promise<void>;
  /** Stops the server (`-m fast`: clients are disconnected, committed data stays). */
  stop(): Promise<void>;
  /** Stops the server and deletes the folder. */
  remove(): Promise<void>;
  /** The server log so far (for failure messages). */
  log(): string;
}

const live = new Set<{ dir: string; bin: string; as: RunAs }>();
let exitHook = false;

/** Last resort on exit: stop clusters a test forgot (immediate mode) and delete their folders. */
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of live) {
      spawnSync(path.join(c.bin, 'pg_ctl'), ['-D', path.join(c.dir, 'data'), '-m', 'immediate', '-w', 'stop'], {
        uid: c.as.uid,
        gid: c.as.gid,
        stdio: 'ignore',
        cwd: c.dir,
      });
      rmSync(c.dir, { recursive: true, force: true });
    }
  });
}

/** Creates and starts a throwaway cluster with one empty database; throws {@link POSTGRES_MISSING} without PostgreSQL. */
export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const as = runAs();
  const dir = tempFolder(as);
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const entry = { dir, bin, as };
  live.add(entry);
  installExitHook();
  let running = false;
  let port = 0;
  const pgCtl = (args: string[]) => run(path.join(bin, 'pg_ctl'), ['-D', data, ...args], as, dir);
  try {
    await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync'], as, dir);
    const settings: Record<string, string | number> = {
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${dir}'`,
      max_connections: 100,
      ...(options.fast ? { fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off' } : {}),
      ...options.settings,
    };
    // Several of these run at once on a shared machine: a port picked a moment ago may be gone.
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      appendFileSync(
        path.join(data, 'postgresql.conf'),
        `\n# latent-lab test cluster\nport = ${port}\n${Object.entries(settings)
          .map(([k, v]) => `${k} = ${v}`)
          .join('\n')}\n`,
      );
      try {
        await pgCtl(['-l', logFile, '-w', '-t', '60', 'start']);
        break;
      } catch (error) {
        if (attempt >= 3 || !/could not bind|Address already in use/i.test(readLog(logFile))) throw error;
      }
    }
    running = true;
    const database = options.database ?? 'latent_lab';
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
    } finally {
      await admin.end();
    }
    const cluster: PgCluster = {
      url: `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`,
      port,
      dir,
      bin,
      get running() {
        return running;
      },
      async start() {
        if (running) return;
        await pgCtl(['-l', logFile, '-w', '-t', '60', 'start']);
        running = true;
      },
      async stop() {
        if (!running) return;
        await pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop']);
        running = false;
      },
      async remove() {
        try {
          if (running) await pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop']).catch(() => pgCtl(['-m', 'immediate', '-w', 'stop']));
        } finally {
          running = false;
          live.delete(entry);
          rmSync(dir, { recursive: true, force: true });
        }
      },
      log: () => readLog(logFile),
    };
    return cluster;
  } catch (error) {
    if (running) await pgCtl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    live.delete(entry);
    const log = readLog(logFile);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `Could not start a throwaway PostgreSQL cluster: ${error instanceof Error ? error.message : String(error)}${log ? `\nserver log:\n${log}` : ''}`,
      { cause: error },
    );
  }
}

function readLog(file: string): string {
  try {
    accessSync(file, constants.R_OK);
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '';
  }
}
