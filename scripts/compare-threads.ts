/**
 * Runs the Compare lab's two sides at the same time, one worker thread each (TF.js's WASM backend
 * is single-threaded in Node, so this is how both cores of a laptop get used). Each thread loads
 * its side, then all start together when every side is loaded, so load time and analysis time are
 * measured apart.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { sideReportSchema, type AttributeGroups, type SideReport } from '../lib/latent/compare/report';
import type { PanelOptions } from '../lib/latent/compare/run';
import type { CompareProgress } from '../lib/latent/compare/encode';

export const threadJobSchema = z.object({
  job: z.discriminatedUnion('side', [
    z.object({ side: z.literal('image'), model: z.string(), n: z.number().int() }),
    z.object({ side: z.literal('music'), model: z.string(), n: z.number().int(), dataDir: z.string().optional(), seed: z.number().int(), label: z.enum(['auto', 'file', 'folder', 'style', 'drummer']) }),
  ]),
  options: z.custom<PanelOptions>((v) => typeof v === 'object' && v !== null),
  backend: z.enum(['wasm', 'cpu']).optional(),
});
export type SideJob = z.infer<typeof threadJobSchema>['job'];

export type ThreadMessage =
  | { type: 'loaded'; loadSeconds: number; notes: string[] }
  | { type: 'progress'; progress: CompareProgress }
  | { type: 'done'; report: SideReport }
  | { type: 'error'; message: string };

export interface ThreadedResult {
  reports: SideReport[];
  notes: string[];
  /** Seconds until every side was loaded, then from "go" until every side finished. */
  loadSeconds: number;
  analysisSeconds: number;
}

/**
 * Runs `jobs` in parallel threads with the same panel options; `onProgress` gets each side's
 * progress. Rejects with the first side's error (the other threads are stopped).
 */
export async function analyseInThreads(
  jobs: readonly SideJob[],
  options: PanelOptions,
  backend: 'wasm' | 'cpu' | undefined,
  onProgress?: (side: string, p: CompareProgress) => void,
  groups: Partial<Record<SideJob['side'], AttributeGroups | undefined>> = {},
): Promise<ThreadedResult> {
  const t0 = performance.now();
  // Each thread registers tsx (to load TypeScript) before loading the side's script.
  const script = path.join(process.cwd(), 'scripts', 'compare-thread.ts');
  const workers = jobs.map((job) => new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData: { job, options: { ...options, ...(groups[job.side] ? { groups: groups[job.side] } : {}) }, ...(backend ? { backend } : {}) } }));
  const notes: string[] = [];
  let go = 0;
  try {
    const loaded: Promise<void>[] = [];
    const done = workers.map(
      (w, i) =>
        new Promise<SideReport>((resolve, reject) => {
          let markLoaded: () => void = () => undefined;
          loaded.push(new Promise<void>((r) => (markLoaded = r)));
          w.on('message', (m: ThreadMessage) => {
            if (m.type === 'loaded') {
              notes.push(...m.notes.slice(0, 10).map((n) => `${jobs[i]?.side}: ${n}`));
              markLoaded();
            } else if (m.type === 'progress') onProgress?.(jobs[i]?.side ?? '?', m.progress);
            else if (m.type === 'done') resolve(sideReportSchema.parse(m.report));
            else reject(new Error(`${jobs[i]?.side} side: ${m.message}`));
          });
          w.on('error', reject);
          w.on('exit', (code) => reject(new Error(`The ${jobs[i]?.side} thread stopped (exit code ${code}) before it finished.`)));
        }),
    );
    // A side that fails while loading must not leave the others waiting for "go".
    await Promise.race([Promise.all(loaded), Promise.all(done)]);
    const loadSeconds = (performance.now() - t0) / 1000;
    go = performance.now();
    workers.forEach((w) => w.postMessage('go'));
    const reports = await Promise.all(done);
    return { reports, notes, loadSeconds, analysisSeconds: (performance.now() - go) / 1000 };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
