/**
 * The Web Worker of `npm run bench:transcribe` (bundled by esbuild): TF.js on WASM, basic-pitch from
 * /models/basic-pitch/, lib/sound's transcribeMelody — what the lab's model worker will run.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { urlSource } from '../../lib/core/checkpoint';
import { loadBasicPitch, type BasicPitchModel } from '../../lib/sound/basic-pitch';
import { transcribeMelody } from '../../lib/sound/transcribe';

type Request = { type: 'init' } | { type: 'run'; samples: Float32Array; sampleRate: number; qpm: number; downbeat: number };

let model: BasicPitchModel | undefined;

self.onmessage = async (event: MessageEvent<Request>) => {
  const msg = event.data;
  try {
    if (msg.type === 'init') {
      setWasmPaths(new URL('/wasm/', self.location.href).href);
      await tf.setBackend('wasm');
      await tf.ready();
      const t0 = performance.now();
      model = await loadBasicPitch(urlSource(new URL('/models/basic-pitch/', self.location.href).href));
      self.postMessage({ type: 'ready', backend: tf.getBackend(), loadMs: performance.now() - t0, tensors: tf.memory().numTensors });
      return;
    }
    if (!model) throw new Error('init first');
    const before = tf.memory().numTensors;
    let listenedAt = 0;
    const t0 = performance.now();
    const result = await transcribeMelody(
      model,
      { samples: msg.samples, sampleRate: msg.sampleRate },
      {
        grid: { qpm: msg.qpm, downbeat: msg.downbeat },
        onProgress: (stage, f) => {
          if (stage === 'notes' && f === 0) listenedAt = performance.now();
        },
      },
    );
    const ms = performance.now() - t0;
    self.postMessage({
      type: 'done',
      ms,
      modelMs: listenedAt - t0,
      notes: result.sequence.notes.map((n) => `${n.pitch}@${n.quantizedStartStep}-${n.quantizedEndStep}`).join(' '),
      leaked: tf.memory().numTensors - before,
    });
  } catch (error) {
    self.postMessage({ type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
