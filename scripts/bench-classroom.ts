/**
 * `npm run bench:classroom`: a class of simulated students against the production server.
 *
 * Starts `next start` (needs `npm run build`) on its own port with a fresh database, creates a free
 * challenge, and has 40 students join, open 40 live-event listeners, submit 5 entries each (melody,
 * drums and digit entries with real MIDI/PNG bytes) and vote, all at once. Then it checks that every
 * acknowledged write is in the database (entries and exact vote counts), that no answer was a 5xx,
 * and that every listener saw every entry; it prints p50/p95/p99 latencies per operation.
 *
 *   npm run bench:classroom                       # 40 students × 5 entries
 *   npm run bench:classroom -- --students 20 --entries 3 --votes 8 --port 3290
 *   npm run bench:classroom -- --url http://127.0.0.1:3000   # a server that is already running
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClassroomApiError, ClassroomClient, followEvents, type EventStreamHandle, type SubmitBody } from '../lib/classroom/client';
import { digitEntry, drumEntry, freeSession, melodyEntry } from '../lib/classroom/testing/fixtures';
import { startProdServer, type ProdServer } from './testing/prod-server';

const { values: args } = parseArgs({
  options: {
    students: { type: 'string', default: '40' },
    entries: { type: 'string', default: '5' },
    votes: { type: 'string', default: '10' },
    port: { type: 'string', default: '3290' },
    url: { type: 'string' },
  },
});
const STUDENTS = Number(args.students);
const ENTRIES = Number(args.entries);
const VOTES = Number(args.votes);

interface Sample {
  op: string;
  ms: number;
  status: number;
}
const samples: Sample[] = [];
let fiveHundreds = 0;

async function timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
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
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function row(name: string, values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1).padStart(8);
  return `| ${name.padEnd(34)} | ${String(s.length).padStart(5)} | ${f(pct(s, 50))} | ${f(pct(s, 95))} | ${f(pct(s, 99))} | ${f(s.at(-1) ?? Number.NaN)} |`;
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

async function main(): Promise<void> {
  let server: ProdServer | undefined;
  let dir: string | undefined;
  let base = args.url;
  if (!base) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'latent-lab-bench-'));
    server = await startProdServer({ port: Number(args.port), env: { LATENT_LAB_DB: path.join(dir, 'bench.db') } });
    base = server.url;
  }
  const api = new ClassroomClient({ baseUrl: base });
  const listeners: EventStreamHandle[] = [];
  try {
    console.log(`Classroom benchmark: ${STUDENTS} students × ${ENTRIES} entries, up to ${VOTES} votes each, ${STUDENTS} live listeners, against ${base}`);
    const session = await api.createSession({ ...freeSession('Benchmark class') });
    const code = session.code;
    const wall0 = performance.now();

    // Join, all at once (one address, like a school).
    const students = await Promise.all(
      Array.from({ length: STUDENTS }, (_, i) => timed('join', () => api.join(code, `Student ${String(i + 1).padStart(2, '0')}`)).then((r) => ({ i, token: r.studentToken }))),
    );

    // One live listener per student; each remembers when it saw which entry.
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
                baseUrl: base,
                code,
                token: s.token,
                onEvent: (e) => {
                  if (e.type === 'snapshot') {
                    samples.push({ op: 'SSE connect → snapshot', ms: performance.now() - t0, status: 200 });
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
        for (let e = 0; e < ENTRIES; e++) {
          const startedAt = performance.now();
          const { id } = await timed('submit (MIDI/PNG checked)', () => api.submit(code, s.token, entryFor(s.i, e)));
          acked.set(id, { author: s.i, startedAt });
          // Vote for entries this student has seen live (never its own, never twice).
          const candidates = (seenIds[s.i] ?? []).filter((x) => !voted.has(x) && acked.get(x)?.author !== s.i && acked.has(x));
          for (let k = 0; k < Math.ceil(VOTES / ENTRIES) && candidates.length > 0 && voted.size < VOTES; k++) {
            const pick = candidates.splice((s.i * 7 + e * 3 + k) % candidates.length, 1)[0];
            if (pick === undefined) break;
            voted.add(pick);
            await timed('vote', () => api.vote(code, s.token, pick));
            votesAcked.set(pick, (votesAcked.get(pick) ?? 0) + 1);
          }
        }
        await timed('list entries', () => api.list(code, s.token));
      }),
    );
    const wallMs = performance.now() - wall0;

    // Every listener must see every entry: wait (bounded) for the last deliveries.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && seen.some((m) => [...acked.keys()].some((id) => !m.has(id)))) await new Promise((r) => setTimeout(r, 50));
    const delivery: number[] = [];
    let missing = 0;
    for (const m of seen) {
      for (const [id, a] of acked) {
        const at = m.get(id);
        if (at === undefined) missing++;
        else delivery.push(Math.max(0, at - a.startedAt));
      }
    }

    // Every acknowledged write is there: entries and exact vote counts, read back by the teacher.
    const stored = await api.list(code, session.teacherToken);
    const storedIds = new Set(stored.map((x) => x.id));
    const lostEntries = [...acked.keys()].filter((id) => !storedIds.has(id));
    const wrongVotes = stored.filter((x) => (x.votes ?? -1) !== (votesAcked.get(x.id) ?? 0));
    const extra = stored.filter((x) => !acked.has(x.id));
    const totalVotes = [...votesAcked.values()].reduce((a, b) => a + b, 0);

    const ops = [...new Set(samples.map((x) => x.op))];
    console.log('');
    console.log(`| ${'operation (ms)'.padEnd(34)} |     n |      p50 |      p95 |      p99 |      max |`);
    console.log(`|${'-'.repeat(36)}|-------|----------|----------|----------|----------|`);
    for (const op of ops) console.log(row(op, samples.filter((x) => x.op === op).map((x) => x.ms)));
    console.log(row('submit → seen by a listener', delivery));
    console.log('');
    console.log(`wall time ${(wallMs / 1000).toFixed(1)} s · ${acked.size} entries and ${totalVotes} votes acknowledged · ${((acked.size + totalVotes) / (wallMs / 1000)).toFixed(1)} writes/s`);
    const failures = [
      [`entries acknowledged but missing`, lostEntries.length],
      [`entries stored that were never acknowledged`, extra.length],
      [`entries whose vote count differs from the acknowledged votes`, wrongVotes.length],
      [`5xx answers or failed requests`, fiveHundreds],
      [`(listener, entry) pairs never delivered`, missing],
      [`refused requests (4xx)`, samples.filter((x) => x.status >= 400 && x.status < 500).length],
    ] as const;
    for (const [what, n] of failures) console.log(`${n === 0 ? 'ok ' : 'BAD'} ${n} ${what}`);
    console.log(`stream reconnects: ${streamErrors}`);
    const ok = failures.every(([, n]) => n === 0) && acked.size === STUDENTS * ENTRIES;
    console.log(ok ? '\nAll checks passed.' : '\nSome checks FAILED.');
    if (!ok) process.exitCode = 1;
  } finally {
    for (const l of listeners) l.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
