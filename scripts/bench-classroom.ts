/**
 * `npm run bench:classroom`: a class of simulated students against the production server.
 *
 * Starts `next start` (needs `npm run build`) with a fresh database, creates a free challenge, and
 * has the students join, open one live-event listener each, submit 5 entries each (melody, drums
 * and digit entries with real MIDI/PNG bytes) and vote, all at once. Then it checks that every
 * acknowledged write is in the database (entries and exact vote counts), that no answer was a 5xx,
 * and that every listener saw every entry; it prints p50/p95/p99 latencies per operation, and the
 * CPU the simulated class (this process) and the server used during the class, to tell which side
 * was the bottleneck. Entries are built before the class starts, outside the timed requests.
 *
 * With `--attackers 3` (the default; `--attackers 0` turns it off), three more students attack
 * while the class works: each sends, as fast as its rate limit lets it (waiting out every 429), the
 * costliest entries the server accepts (the busiest MIDI file and the largest PNG allowed) and the
 * bombs it must refuse (a MIDI file of 86,000 controller events, PNG and iCCP zip bombs). The
 * students list the gallery after every entry, so the table shows what the attack does to them.
 *
 * With `--servers 2` the class runs on two app servers sharing one PostgreSQL database (a
 * throwaway cluster, or `--database-url`): student i writes through server i mod 2 and listens on
 * the other one, so half of what each listener sees crossed servers through LISTEN/NOTIFY. The
 * same class then runs on one server with the embedded SQLite, and both are printed side by side.
 *
 *   npm run bench:classroom                       # 40 students × 5 entries, one server, SQLite
 *   npm run bench:classroom -- --servers 2        # 80 students over two servers on PostgreSQL, beside SQLite
 *   npm run bench:classroom -- --servers 2 --database-url postgres://user:pw@host/db --no-baseline
 *   npm run bench:classroom -- --students 20 --entries 3 --votes 8 --port 3290
 *   npm run bench:classroom -- --url http://127.0.0.1:3000   # a server that is already running
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClassroomApiError, ClassroomClient, followEvents, type EventStreamHandle, type SubmitBody } from '../lib/classroom/client';
import { digitEntry, drumEntry, freeSession, melodyEntry } from '../lib/classroom/testing/fixtures';
import { controllerFloodMidi, iccpBomb, pngBomb, worstAllowedMidi, worstAllowedPng } from '../lib/classroom/testing/hostile';
import { bytesToBase64 } from '../lib/classroom/client';
import { startPgCluster, type PgCluster } from '../lib/classroom/testing/pg-cluster';
import { startProdServer, type ProdServer } from './testing/prod-server';
import { procStat } from './testing/proc-stat';

const { values: args } = parseArgs({
  options: {
    servers: { type: 'string', default: '1' },
    students: { type: 'string' },
    entries: { type: 'string', default: '5' },
    votes: { type: 'string', default: '10' },
    port: { type: 'string' },
    url: { type: 'string' },
    'database-url': { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    attackers: { type: 'string', default: '3' },
  },
});
const ATTACKERS = Number(args.attackers);
const SERVERS = Number(args.servers);
const STUDENTS = Number(args.students ?? (SERVERS > 1 ? 80 : 40));
const ENTRIES = Number(args.entries);
const VOTES = Number(args.votes);
if (![1, 2, 3, 4].includes(SERVERS) || !(STUDENTS > 0) || !(ENTRIES > 0) || !(VOTES >= 0)) {
  console.error('Usage: --servers 1..4, --students N > 0, --entries N > 0, --votes N >= 0');
  process.exit(2);
}

interface Sample {
  op: string;
  ms: number;
  status: number;
}

interface RunResult {
  label: string;
  attack: { accepted: number; refused: number; limited: number };
  samples: Sample[];
  wallMs: number;
  entries: number;
  votes: number;
  failures: (readonly [string, number])[];
  reconnects: number;
  ok: boolean;
  /** CPU seconds used during the class (join to last list): by this process (the simulated class) and by each server. */
  cpu: { bench: number; servers: (number | undefined)[] };
}

/** CPU seconds (user + system) a process has used so far (undefined off Linux). */
function processCpuSeconds(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : procStat(pid)?.cpuSeconds;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function entryFor(student: number, i: number): SubmitBody {
  const title = `s${student} e${i}`;
  switch ((student + i) % 3) {
    case 0:
      return melodyEntry(title);
    case 1:
      return drumEntry(title, 0.5, student + i);
    default:
      return digitEntry(title, student + i + 1);
  }
}

/** Runs one class against `bases` (student i writes through bases[i % n], listens on bases[(i + 1) % n]). */
async function runClass(label: string, bases: string[], pids: (number | undefined)[] = []): Promise<RunResult> {
  const samples: Sample[] = [];
  let fiveHundreds = 0;
  const timed = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      const r = await fn();
      samples.push({ op, ms: performance.now() - t0, status: 200 });
      return r;
    } catch (error) {
      const status = error instanceof ClassroomApiError ? error.status : 0;
      if (status >= 500 || status === 0) fiveHundreds++;
      samples.push({ op, ms: performance.now() - t0, status });
      throw error;
    }
  };
  const n = bases.length;
  const apis = bases.map((baseUrl) => new ClassroomClient({ baseUrl }));
  const api = (i: number) => apis[i % n] ?? (apis[0] as ClassroomClient);
  const listeners: EventStreamHandle[] = [];
  try {
    console.log(`\n${label}: ${STUDENTS} students × ${ENTRIES} entries, up to ${VOTES} votes each, ${STUDENTS} live listeners, against ${bases.join(' and ')}`);
    const session = await api(0).createSession({ ...freeSession('Benchmark class') });
    const code = session.code;
    // Every student's entries are made before the class, as a student's piece is ready before Submit:
    // building them (MIDI and PNG encoding, the first digit loading MNIST) is this process's work,
    // and inside the timed requests it delayed every request in flight by up to 2 s.
    const entries = Array.from({ length: STUDENTS }, (_, i) => Array.from({ length: ENTRIES }, (_, e) => entryFor(i, e)));
    const wall0 = performance.now();
    const cpu0 = { bench: process.cpuUsage(), servers: pids.map(processCpuSeconds) };

    // Join, all at once (one address, like a school); a student refused by the per-session join
    // limit (429) presses Join again after the Retry-After the server gave.
    const joinRetrying = async (i: number, name: string) => {
      for (;;) {
        try {
          return await api(i).join(code, name);
        } catch (error) {
          if (!(error instanceof ClassroomApiError) || error.status !== 429) throw error;
          await sleep((error.retryAfterSeconds ?? 1) * 1000);
        }
      }
    };
    const students = await Promise.all(
      Array.from({ length: STUDENTS }, (_, i) =>
        timed('join (retried after 429)', () => joinRetrying(i, `Student ${String(i + 1).padStart(2, '0')}`)).then((r) => ({ i, token: r.studentToken })),
      ),
    );

    // The attackers: worst accepted entries and refused bombs, at their rate limit, until the class is done.
    const attack = { accepted: 0, refused: 0, limited: 0 };
    const attackerAcked = new Set<number>();
    let classDone = false;
    const hostile: SubmitBody[] = [
      { title: 'busy midi', kind: 'melody', midiBase64: bytesToBase64(worstAllowedMidi()) },
      { title: 'big png', kind: 'image', pngBase64: bytesToBase64(worstAllowedPng()), latent: [0, 0], params: { model: 'vae' } },
      { title: 'midi bomb', kind: 'melody', midiBase64: bytesToBase64(controllerFloodMidi(86_000)) },
      { title: 'png bomb', kind: 'image', pngBase64: bytesToBase64(pngBomb()), latent: [0, 0] },
      { title: 'iccp bomb', kind: 'image', pngBase64: bytesToBase64(iccpBomb()), latent: [0, 0] },
    ];
    const attackers = await Promise.all(Array.from({ length: ATTACKERS }, (_, k) => joinRetrying(k, `Attacker ${k + 1}`)));
    const attacking = attackers.map(async (a, k) => {
      for (let n = k; !classDone; n++) {
        try {
          const { id } = await api(k).submit(code, a.studentToken, hostile[n % hostile.length] as SubmitBody);
          attackerAcked.add(id);
          attack.accepted++;
        } catch (error) {
          if (error instanceof ClassroomApiError && error.status === 429) {
            attack.limited++;
            await sleep(Math.min(5, error.retryAfterSeconds ?? 1) * 1000);
          } else if (error instanceof ClassroomApiError && error.status < 500) attack.refused++;
          else throw error;
        }
      }
    });

    // One live listener per student, on the other server than the one it writes through.
    const seen = students.map(() => new Map<number, number>());
    const seenIds = students.map(() => [] as number[]);
    let streamErrors = 0;
    await Promise.all(
      students.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            const t0 = performance.now();
            const timer = setTimeout(() => reject(new Error(`listener ${s.i} got no snapshot in 30 s`)), 30_000);
            listeners.push(
              followEvents({
                baseUrl: bases[(s.i + 1) % n],
                code,
                token: s.token,
                onEvent: (e) => {
                  if (e.type === 'snapshot') {
                    samples.push({ op: 'live-event connect → snapshot', ms: performance.now() - t0, status: 200 });
                    clearTimeout(timer);
                    resolve();
                  } else if (e.type === 'submitted' && !seen[s.i]?.has(e.submission.id)) {
                    seen[s.i]?.set(e.submission.id, performance.now());
                    seenIds[s.i]?.push(e.submission.id);
                  }
                },
                onStatus: (st) => {
                  if (st === 'reconnecting') streamErrors++;
                },
                onFatal: (err) => reject(err),
              }),
            );
          }),
      ),
    );

    // Submit and vote, everyone at once.
    const acked = new Map<number, { author: number; startedAt: number }>();
    const votesAcked = new Map<number, number>();
    await Promise.all(
      students.map(async (s) => {
        const voted = new Set<number>();
        for (const [e, entry] of (entries[s.i] ?? []).entries()) {
          const startedAt = performance.now();
          const { id } = await timed('submit (MIDI/PNG checked)', () => api(s.i).submit(code, s.token, entry));
          acked.set(id, { author: s.i, startedAt });
          await timed('list entries', () => api(s.i).list(code, s.token));
          // Vote for entries this student has seen live (never its own, never twice).
          const candidates = (seenIds[s.i] ?? []).filter((x) => !voted.has(x) && acked.get(x)?.author !== s.i && acked.has(x));
          for (let k = 0; k < Math.ceil(VOTES / ENTRIES) && candidates.length > 0 && voted.size < VOTES; k++) {
            const pick = candidates.splice((s.i * 7 + e * 3 + k) % candidates.length, 1)[0];
            if (pick === undefined) break;
            voted.add(pick);
            await timed('vote', () => api(s.i).vote(code, s.token, pick));
            votesAcked.set(pick, (votesAcked.get(pick) ?? 0) + 1);
          }
        }
        await timed('list entries', () => api(s.i).list(code, s.token));
      }),
    );
    const wallMs = performance.now() - wall0;
    const benchCpu = process.cpuUsage(cpu0.bench);
    const cpu = {
      bench: (benchCpu.user + benchCpu.system) / 1e6,
      servers: pids.map((pid, i) => {
        const [now, then] = [processCpuSeconds(pid), cpu0.servers[i]];
        return now === undefined || then === undefined ? undefined : now - then;
      }),
    };
    classDone = true;
    await Promise.all(attacking);

    // Every listener must see every entry: wait (bounded) for the last deliveries.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && seen.some((m) => [...acked.keys()].some((id) => !m.has(id)))) await new Promise((r) => setTimeout(r, 50));
    let missing = 0;
    seen.forEach((m, listener) => {
      const listenerServer = (listener + 1) % n;
      for (const [id, a] of acked) {
        const at = m.get(id);
        if (at === undefined) {
          missing++;
          continue;
        }
        const op = n === 1 ? 'submit → seen by a listener' : a.author % n === listenerServer ? 'submit → seen, same server' : 'submit → seen, other server';
        samples.push({ op, ms: Math.max(0, at - a.startedAt), status: 200 });
      }
    });

    // Every acknowledged write is there: entries and exact vote counts, read back by the teacher (through every server).
    let lostEntries = 0;
    let extra = 0;
    let wrongVotes = 0;
    for (const a of apis) {
      const stored = await a.list(code, session.teacherToken);
      const storedIds = new Set(stored.map((x) => x.id));
      lostEntries += [...acked.keys()].filter((id) => !storedIds.has(id)).length;
      lostEntries += [...attackerAcked].filter((id) => !storedIds.has(id)).length;
      extra += stored.filter((x) => !acked.has(x.id) && !attackerAcked.has(x.id)).length;
      wrongVotes += stored.filter((x) => (x.votes ?? -1) !== (votesAcked.get(x.id) ?? 0)).length;
    }
    const totalVotes = [...votesAcked.values()].reduce((a, b) => a + b, 0);
    const failures = [
      [`entries acknowledged but missing`, lostEntries],
      [`entries stored that were never acknowledged`, extra],
      [`entries whose vote count differs from the acknowledged votes`, wrongVotes],
      [`5xx answers or failed requests`, fiveHundreds],
      [`(listener, entry) pairs never delivered`, missing],
      [`refused requests of the class (4xx)`, samples.filter((x) => x.status >= 400 && x.status < 500).length],
    ] as const;
    const ok = failures.every(([, k]) => k === 0) && acked.size === STUDENTS * ENTRIES;
    return { label, attack, samples, wallMs, entries: acked.size, votes: totalVotes, failures: [...failures], reconnects: streamErrors, ok, cpu };
  } finally {
    for (const l of listeners) l.close();
  }
}

function report(r: RunResult): void {
  const ops = [...new Set(r.samples.map((x) => x.op))];
  const f = (x: number) => x.toFixed(1).padStart(8);
  console.log(`\n${r.label}`);
  console.log(`| ${'operation (ms)'.padEnd(34)} |     n |      p50 |      p95 |      p99 |      max |`);
  console.log(`|${'-'.repeat(36)}|-------|----------|----------|----------|----------|`);
  for (const op of ops) {
    const s = r.samples
      .filter((x) => x.op === op)
      .map((x) => x.ms)
      .sort((a, b) => a - b);
    console.log(
      `| ${op.padEnd(34)} | ${String(s.length).padStart(5)} | ${f(pct(s, 50))} | ${f(pct(s, 95))} | ${f(pct(s, 99))} | ${f(s.at(-1) ?? Number.NaN)} |`,
    );
  }
  console.log('');
  console.log(
    `wall time ${(r.wallMs / 1000).toFixed(1)} s · ${r.entries} entries and ${r.votes} votes acknowledged · ${((r.entries + r.votes) / (r.wallMs / 1000)).toFixed(1)} writes/s`,
  );
  const serverCpu = r.cpu.servers.filter((x): x is number => x !== undefined);
  console.log(
    `CPU during the class (${os.availableParallelism()} cores): the simulated class ${r.cpu.bench.toFixed(1)} s` +
      (serverCpu.length ? `, ${serverCpu.length === 1 ? 'the server' : 'the servers'} ${serverCpu.map((x) => x.toFixed(1)).join(' + ')} s` : '') +
      ` in ${(r.wallMs / 1000).toFixed(1)} s`,
  );
  for (const [what, k] of r.failures) console.log(`${k === 0 ? 'ok ' : 'BAD'} ${k} ${what}`);
  console.log(`stream reconnects: ${r.reconnects}`);
  if (ATTACKERS > 0)
    console.log(
      `attack (${ATTACKERS} students): ${r.attack.accepted} worst-case entries accepted, ${r.attack.refused} bombs refused, ${r.attack.limited} answers 429`,
    );
  const list = r.samples
    .filter((x) => x.op === 'list entries')
    .map((x) => x.ms)
    .sort((a, b) => a - b);
  console.log(`list entries p95 ${pct(list, 95).toFixed(0)} ms (target ≤ 250 ms): ${pct(list, 95) <= 250 ? 'met' : 'NOT met'}`);
}

/** One table: each operation's p50/p95/p99 per run, side by side. */
function compare(runs: RunResult[]): void {
  const ops: string[] = [];
  for (const r of runs) for (const op of r.samples.map((x) => x.op)) if (!ops.includes(op)) ops.push(op);
  const cell = (r: RunResult, op: string) => {
    const s = r.samples
      .filter((x) => x.op === op)
      .map((x) => x.ms)
      .sort((a, b) => a - b);
    return s.length ? `${Math.round(pct(s, 50))} / ${Math.round(pct(s, 95))} / ${Math.round(pct(s, 99))}` : '—';
  };
  console.log(`\nSide by side: p50 / p95 / p99 in ms (${STUDENTS} students × ${ENTRIES} entries each run)\n`);
  console.log(`| operation | ${runs.map((r) => r.label).join(' | ')} |`);
  console.log(`|---|${runs.map(() => '---').join('|')}|`);
  for (const op of ops) console.log(`| ${op} | ${runs.map((r) => cell(r, op)).join(' | ')} |`);
  console.log(`| writes/s (entries + votes) | ${runs.map((r) => ((r.entries + r.votes) / (r.wallMs / 1000)).toFixed(1)).join(' | ')} |`);
  console.log(
    `| lost writes · 5xx · undelivered | ${runs.map((r) => `${r.failures[0]?.[1] ?? '?'} · ${r.failures[3]?.[1] ?? '?'} · ${r.failures[4]?.[1] ?? '?'}`).join(' | ')} |`,
  );
}

async function main(): Promise<void> {
  const cleanup: (() => Promise<void>)[] = [];
  const results: RunResult[] = [];
  try {
    if (args.url) {
      results.push(await runClass(`server at ${args.url}`, [args.url]));
    } else {
      const basePort = args.port ? Number(args.port) : undefined;
      if (SERVERS > 1) {
        let url = args['database-url'];
        if (!url) {
          console.log('Starting a throwaway PostgreSQL cluster (default settings, fsync on)…');
          const cluster: PgCluster = await startPgCluster({ database: 'latent_lab_bench' });
          cleanup.push(() => cluster.remove());
          url = cluster.url;
        }
        const servers: ProdServer[] = [];
        cleanup.push(async () => {
          for (const s of servers) await s.stop();
        });
        for (let i = 0; i < SERVERS; i++)
          servers.push(await startProdServer({ port: basePort === undefined ? undefined : basePort + i, env: { DATABASE_URL: url } }));
        results.push(
          await runClass(
            `${SERVERS} app servers, PostgreSQL`,
            servers.map((s) => s.url),
            servers.map((s) => s.process.pid),
          ),
        );
        for (const s of servers.splice(0)) await s.stop();
      }
      if (SERVERS === 1 || !args['no-baseline']) {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'latent-lab-bench-'));
        cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
        const server = await startProdServer({ port: basePort, env: { LATENT_LAB_DB: path.join(dir, 'bench.db') } });
        cleanup.push(() => server.stop());
        results.push(await runClass('1 app server, SQLite', [server.url], [server.process.pid]));
      }
    }
    for (const r of results) report(r);
    if (results.length > 1) compare(results);
    const ok = results.every((r) => r.ok);
    console.log(ok ? '\nAll checks passed.' : '\nSome checks FAILED.');
    if (!ok) process.exitCode = 1;
  } finally {
    for (const c of cleanup.reverse()) await c().catch((e: unknown) => console.error(e));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
