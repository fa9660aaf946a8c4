/**
 * bench:music's child for our library: times MusicVAE on one backend and prints JSON (timings, peak
 * RSS, tensors left). Its own entry file, bundled alone by scripts/bench-music.ts, so the measured
 * process holds what the library needs and nothing of the bench (the docs writer's Prettier alone
 * added ~17 MB of RSS when the whole bench script was the child).
 *
 *   node <bundle> <checkpoint dir> <cpu|wasm> <runs> <warmup>
 */
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../lib/core/backend-node';
import { fsSource } from '../../lib/core/checkpoint-node';
import { createRng } from '../../lib/core/random';
import { MELODY_EXAMPLES, melodyExample } from '../../lib/music/examples';
import { MusicVAE } from '../../lib/music/music-vae';
import type { QuantizedNoteSequence } from '../../lib/music/note-sequence';

export interface Timing {
  wallMs: number;
  cpuMs: number;
  error?: string;
}
export interface ProcessResult {
  results: Timing[];
  maxRssKb: number;
  numTensorsAfter?: number;
}

export const OPS = ['encode 1', 'encode 16', 'decode 16', 'sample 16 (T=0.5)', 'interpolate 2×11'] as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** The 16 melodies and codes every run uses (examples repeated, codes from seed 5). */
export function inputs(zDims: number): { melodies16: QuantizedNoteSequence[]; codes16: number[][] } {
  const melodies = MELODY_EXAMPLES.map((e) => melodyExample(e));
  const melodies16 = Array.from({ length: 16 }, (_, i) => melodies[i % melodies.length] as QuantizedNoteSequence);
  const rng = createRng(5);
  return { melodies16, codes16: Array.from({ length: 16 }, () => Array.from(rng.normalArray(zDims))) };
}

/** Child mode: time our library on one backend and print JSON. */
async function oursChild(dir: string, backend: 'cpu' | 'wasm', runs: number, warmup: number): Promise<void> {
  await initNodeBackend(backend);
  const model = await MusicVAE.load(fsSource(dir));
  const { melodies16, codes16 } = inputs(model.zDims);
  const first = melodies16[0] as QuantizedNoteSequence;
  const second = melodies16[1] as QuantizedNoteSequence;
  const ops: Record<(typeof OPS)[number], () => Promise<unknown>> = {
    'encode 1': () => model.encodeSequences([first]),
    'encode 16': () => model.encodeSequences(melodies16),
    'decode 16': () => model.decodeSequences(codes16),
    'sample 16 (T=0.5)': () => model.sampleSequences(16, { temperature: 0.5, seed: 1 }),
    'interpolate 2×11': () => model.interpolateSequences(first, second, 11, 'lerp'),
  };
  const results: Timing[] = [];
  for (const op of OPS) {
    const fn = ops[op];
    for (let i = 0; i < warmup; i++) await fn();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fn();
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    results.push({ wallMs: median(wall), cpuMs: median(cpu) });
  }
  model.dispose();
  const out: ProcessResult = { results, maxRssKb: process.resourceUsage().maxRSS, numTensorsAfter: tf.memory().numTensors };
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function main(): Promise<void> {
  const [dir = '', backend = 'wasm', runs = '10', warmup = '3'] = process.argv.slice(2);
  if (backend !== 'cpu' && backend !== 'wasm') throw new Error('backend must be cpu or wasm');
  await oursChild(dir, backend, Number(runs), Number(warmup));
}

if (process.argv[1]?.endsWith('.cjs')) void main();
