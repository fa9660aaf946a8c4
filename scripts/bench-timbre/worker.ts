/**
 * The bench's Web Worker (bundled by scripts/bench-timbre.ts with esbuild): TF.js on WASM with
 * Latent Lab's kernels, as the app's model worker runs it; loads the timbre model over HTTP and
 * times decodes of one 1.28-s note (from the call until the samples are back in JavaScript).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { urlSource } from '../../lib/core/checkpoint';
import { installFastKernels } from '../../lib/core/kernels';
import { TimbreModel } from '../../lib/timbre/timbre-model';

interface Request {
  runs: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] ?? NaN) : ((s[s.length / 2 - 1] ?? NaN) + (s[s.length / 2] ?? NaN)) / 2;
}

self.onmessage = async (event: MessageEvent<Request>) => {
  try {
    const runs = event.data.runs;
    setWasmPaths(new URL('/wasm/', self.location.href).href);
    installFastKernels();
    if (!(await tf.setBackend('wasm'))) throw new Error('The WASM backend did not start.');
    await tf.ready();
    const t0 = performance.now();
    const model = await TimbreModel.load(urlSource(new URL('/model/', self.location.href).href));
    const loadMs = performance.now() - t0;
    const codes = await model.randomCodes(4, 7);
    const cond = { f0Hz: 261.63, loudnessDb: -30 };
    for (let i = 0; i < 3; i++) await model.decodeNotes([codes[i % 4] as Float32Array], [cond]);
    const samePitch: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await model.decodeNotes([codes[i % 4] as Float32Array], [cond]);
      samePitch.push(performance.now() - t);
    }
    const newPitch: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await model.decodeNotes([codes[i % 4] as Float32Array], [{ f0Hz: 440 * 2 ** ((40 + i - 69 + 0.37) / 12), loudnessDb: -30 }]);
      newPitch.push(performance.now() - t);
    }
    // A pad position: the bilinear blend of four corner codes, then one decode.
    const pad: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const u = (i % 5) / 4;
      const v = (i % 3) / 2;
      const z = Float32Array.from(codes[0] as Float32Array, (a, j) => {
        const [b, c, d] = [codes[1]![j]!, codes[2]![j]!, codes[3]![j]!];
        return (1 - u) * (1 - v) * a + u * (1 - v) * b + (1 - u) * v * c + u * v * d;
      });
      await model.decodeNotes([z], [cond]);
      pad.push(performance.now() - t);
    }
    const tensors = tf.memory().numTensors;
    model.dispose();
    self.postMessage({
      ok: true,
      backend: tf.getBackend(),
      loadMs,
      samePitch: { median: median(samePitch), min: Math.min(...samePitch), max: Math.max(...samePitch) },
      newPitch: { median: median(newPitch), min: Math.min(...newPitch), max: Math.max(...newPitch) },
      pad: { median: median(pad), min: Math.min(...pad), max: Math.max(...pad) },
      tensors,
    });
  } catch (error) {
    self.postMessage({ ok: false, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
