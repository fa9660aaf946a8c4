/**
 * Runs the Compare lab's work on several worker threads, since TF.js's WASM backend uses one core
 * in Node: one thread per side, and the Map panel of the last side in a thread of its own as soon as
 * that side's codes exist (the map needs only the codes; the side's thread goes on with the panels
 * that decode). Every side loads first; all start together on "go", so load time and analysis
 * time are measured apart.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { CompareProgress } from '../lib/latent/compare/encode';
import { mapReportSchema, sideReportSchema, type AttributeGroups, type MapReport, type SideReport } from '../lib/latent/compare/report';
import type { PanelOptions } from '../lib/latent/compare/run';

const jobSchema = z.discriminatedUnion('side', [
  z.object({ side: z.literal('image'), model: z.string(), n: z.number().int() }),
  z.object({
    side: z.literal('music'),
    model: z.string(),
    n: z.number().int(),
    dataDir: z.string().optional(),
    seed: z.number().int(),
    label: z.enum(['auto', 'file', 'folder', 'style', 'drummer']),
  }),
]);
export type SideJob = z.infer<typeof jobSchema>;
const optionsSchema = z.custom<PanelOptions>((v) => typeof v === 'object' && v !== null);
const backendSchema = z.enum(['wasm', 'cpu']).optional();

/** What a thread is given when it starts. */
export const threadTaskSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('side'), job: jobSchema, options: optionsSchema, mapElsewhere: z.boolean(), backend: backendSchema }),
  z.object({
    kind: z.literal('map'),
    set: z.object({ count: z.number().int(), dims: z.number().int(), mean: z.custom<Float32Array>((v) => v instanceof Float32Array) }),
    labels: z.array(z.string()),
    options: optionsSchema,
    backend: backendSchema,
  }),
]);
type ThreadTask = z.infer<typeof threadTaskSchema>;

export type ThreadMessage =
  | { type: 'loaded'; loadSeconds: number; notes: string[] }
  | { type: 'progress'; progress: CompareProgress }
  | { type: 'encoded'; set: { count: number; dims: number; mean: Float32Array }; labels: string[] }
  | { type: 'map'; report: MapReport; seconds: number }
  | { type: 'done'; report: SideReport }
  | { type: 'error'; message: string };

export interface ThreadedResult {
  reports: SideReport[];
  notes: string[];
  /** Seconds until every side was loaded, then from "go" until all work finished. */
  loadSeconds: number;
  analysisSeconds: number;
  /** CPU seconds (user + system, every thread of the process) spent until every side was loaded. */
  loadCpuSeconds: number;
}

/** A thread running compare-thread.ts with `task` (tsx is registered first, to load TypeScript). */
function startThread(task: ThreadTask): Worker {
  const script = path.join(process.cwd(), 'scripts', 'compare-thread.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData: task });
}

/** Resolves with the first message `accept` takes; rejects on an error message, a crash or an early exit. */
function until<T>(w: Worker, what: string, accept: (m: ThreadMessage) => T | undefined, onOther?: (m: ThreadMessage) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: ThreadMessage): void => {
      if (m.type === 'error') return reject(new Error(`${what}: ${m.message}`));
      const value = accept(m);
      if (value !== undefined) {
        w.off('message', onMessage);
        resolve(value);
      } else onOther?.(m);
    };
    w.on('message', onMessage);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`${what}: the thread stopped (exit code ${code}) before it finished.`)));
  });
}

/**
 * Runs `jobs` (one thread per side) with the same panel options plus per-side attribute groups;
 * the last side's map runs in its own thread once its codes exist. Rejects with the first error
 * (every thread is then stopped).
 */
export async function analyseInThreads(
  jobs: readonly SideJob[],
  options: PanelOptions,
  backend: 'wasm' | 'cpu' | undefined,
  onProgress?: (side: string, p: CompareProgress) => void,
  groups: Partial<Record<SideJob['side'], AttributeGroups | undefined>> = {},
): Promise<ThreadedResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const split = jobs.length - 1;
  const threads = jobs.map((job, i) =>
    startThread({
      kind: 'side',
      job,
      options: { ...options, ...(groups[job.side] ? { groups: groups[job.side] } : {}) },
      mapElsewhere: i === split && jobs.length > 1,
      ...(backend ? { backend } : {}),
    }),
  );
  const all = [...threads];
  const notes: string[] = [];
  try {
    await Promise.all(
      threads.map((w, i) =>
        until(w, `${jobs[i]?.side} side`, (m) => {
          if (m.type !== 'loaded') return undefined;
          notes.push(...m.notes.slice(0, 10).map((n) => `${jobs[i]?.side}: ${n}`));
          return true;
        }),
      ),
    );
    const loadSeconds = (performance.now() - t0) / 1000;
    const loadCpu = process.cpuUsage(cpu0);
    const loadCpuSeconds = (loadCpu.user + loadCpu.system) / 1e6;
    const go = performance.now();
    let mapJob: Promise<{ report: MapReport; seconds: number }> | undefined;
    const reports = threads.map((w, i) => {
      const side = jobs[i]?.side ?? '?';
      const done = until(
        w,
        `${side} side`,
        (m) => (m.type === 'done' ? sideReportSchema.parse(m.report) : undefined),
        (m) => {
          if (m.type === 'progress') onProgress?.(side, m.progress);
          else if (m.type === 'encoded') {
            const mapThread = startThread({ kind: 'map', set: m.set, labels: m.labels, options, ...(backend ? { backend } : {}) });
            all.push(mapThread);
            mapJob = until(mapThread, `${side} map`, (r) => (r.type === 'map' ? { report: mapReportSchema.parse(r.report), seconds: r.seconds } : undefined));
          }
        },
      );
      w.postMessage('go');
      return done;
    });
    const finished = await Promise.all(reports);
    const map = mapJob ? await mapJob : undefined;
    const last = finished[split];
    if (map && last) {
      const seconds: Record<string, number> = { ...last.seconds, map: map.seconds };
      seconds.total = Object.entries(seconds).reduce((a, [k, v]) => (k === 'total' ? a : a + v), 0);
      finished[split] = { ...last, map: map.report, seconds };
    }
    return { reports: finished, notes, loadSeconds, loadCpuSeconds, analysisSeconds: (performance.now() - go) / 1000 };
  } finally {
    await Promise.all(all.map((w) => w.terminate()));
  }
}
