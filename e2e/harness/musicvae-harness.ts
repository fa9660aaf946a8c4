/**
 * Browser harness for the backend-parity e2e test: bundled by esbuild inside the test and served
 * through Playwright routes, it runs the real lib/music MusicVAE on a chosen TF.js backend
 * (cpu, wasm, webgl, webgpu) against a checkpoint served at `./ckpt/`, and returns plain results.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { urlSource } from '../../lib/core/checkpoint';
import { DRUM_EXAMPLES, drumExample, MELODY_EXAMPLES, melodyExample } from '../../lib/music/examples';
import { MusicVAE } from '../../lib/music/music-vae';
import type { QuantizedNoteSequence } from '../../lib/music/note-sequence';

export interface HarnessResult {
  backend: string;
  mu: number[][];
  labels: number[][];
  sampled: number[][];
  interpolation: number;
  grid: number;
  similar: number;
  leaked: number;
}

const steps = (seqs: QuantizedNoteSequence[]): number[][] => seqs.map((s) => s.notes.map((n) => n.pitch * 1000 + n.quantizedStartStep));

async function run(backend: string, kind: 'melody' | 'drums'): Promise<HarnessResult> {
  setWasmPaths(new URL('./wasm/', location.href).href);
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  await tf.ready();
  const model = await MusicVAE.load(urlSource(new URL(`./ckpt/${kind}/`, location.href).href));
  const before = tf.memory().numTensors;
  const inputs = kind === 'melody' ? MELODY_EXAMPLES.map((e) => melodyExample(e)) : DRUM_EXAMPLES.map((e) => drumExample(e));
  const { z } = await model.encodeSequences(inputs);
  const codes = tf.tensor2d(z.map((r) => Array.from(r)));
  const labels = (await model.decodeLabels(codes)).map((l) => Array.from(l));
  codes.dispose();
  const sampled = steps(await model.sampleSequences(3, { seed: 4, temperature: 0.7 }));
  const [a, b, c, d] = inputs as [QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence];
  const interpolation = (await model.interpolateSequences(a, b, 5, 'slerp')).length;
  const grid = (await model.gridSequences([a, b, c, d], 3, 3)).length;
  const similar = (await model.similarSequences(a, 2, 0.5, { seed: 3 })).length;
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return { backend: tf.getBackend(), mu: z.map((r) => Array.from(r)), labels, sampled, interpolation, grid, similar, leaked };
}

(globalThis as unknown as { runMusicVae: typeof run }).runMusicVae = run;
