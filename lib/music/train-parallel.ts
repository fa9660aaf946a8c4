/**
 * Data-parallel MusicVAE training in Node: one TF.js WASM instance per core.
 *
 * TF.js turns WASM multithreading off in Node, so one training uses one core. Here N participants —
 * this thread and N − 1 worker threads, each with its own WASM backend and an identical copy of the
 * model and of Adam's state — each compute the gradient of their share of a batch (see
 * `MusicVaeTrainer.computeGradients`: the shard's loss is divided by the whole batch's size and uses
 * the whole batch's random draws, so the shares add up to the whole batch's gradient). Each writes
 * its gradient into its own slice of one SharedArrayBuffer; then every participant adds the slices
 * in the same order and applies the same clipped Adam step, so the copies stay identical without
 * ever sending weights. The update equals one worker's for the same batch up to float rounding.
 *
 * This thread is participant 0 and keeps the model everyone shares: evaluation, checkpoints and
 * resuming use it directly.
 */
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors';
import type { NamedValues } from '../core/checkpoint-write';
import type { MusicConverter } from './converters/types';
import { addSums, batchTensors, type StepStats, type StepSums } from './train-batch';
import type { MusicVaeTrainer } from './train';
import type { TrainHyperparams } from './train-options';

/** Messages from this thread to a worker. */
export type ToWorker =
  | {
      type: 'init';
      backend: 'wasm' | 'cpu';
      converter: { type: string; args: Record<string, unknown> };
      hparams: TrainHyperparams;
      weights: NamedValues[];
      /** Variables kept as they are (no gradient: see MusicVaeTrainer's `frozen`). */
      frozen: string[];
      optimizer: NamedValues[];
      step: number;
      gradients: SharedArrayBuffer;
      index: number;
    }
  | { type: 'step'; windows: Int32Array[]; seed: number; offset: number; total: number }
  | { type: 'apply'; sums: StepSums }
  | { type: 'close' };

const sumsSchema = z.object({ items: z.number(), steps: z.number(), loss: z.number(), reconstruction: z.number(), kl: z.number(), correct: z.number() });

/** Messages from a worker to this thread (checked: a malformed reply fails the run, it does not hang it). */
export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('grads'), sums: sumsSchema }),
  z.object({ type: z.literal('applied'), step: z.number().int() }),
  z.object({ type: z.literal('error'), message: z.string(), name: z.string() }),
]);
export type FromWorker = z.infer<typeof fromWorkerSchema>;

/** Where each trained variable's gradient lives in a participant's slice (variables in the trainer's order; frozen ones have none). */
export function gradientLayout(trainer: MusicVaeTrainer): { name: string; offset: number; shape: number[] }[] {
  let offset = 0;
  return [...trainer.variables]
    .filter(([, v]) => v.trainable)
    .map(([name, v]) => {
      const entry = { name, offset, shape: v.shape.slice() };
      offset += v.size;
      return entry;
    });
}

/** Writes a participant's gradients into its slice of the shared buffer. */
export async function writeGradients(trainer: MusicVaeTrainer, grads: tf.NamedTensorMap, buffer: SharedArrayBuffer, index: number): Promise<void> {
  const layout = gradientLayout(trainer);
  const size = layout.reduce((n, l) => n + l.shape.reduce((a, b) => a * b, 1), 0);
  const slice = new Float32Array(buffer, index * size * 4, size);
  const byId = new Map([...trainer.variables].map(([name, v]) => [v.name, name] as const));
  const byName = new Map(Object.entries(grads).map(([id, g]) => [byId.get(id) ?? id, g] as const));
  for (const l of layout) {
    const g = byName.get(l.name);
    if (!g) throw new Error(`No gradient for ${l.name}.`);
    slice.set(await g.data(), l.offset);
  }
}

/** Adds every participant's slice (in participant order, the same everywhere) and applies the step. Caller owns nothing. */
export async function applySharedGradients(trainer: MusicVaeTrainer, buffer: SharedArrayBuffer, participants: number, sums: StepSums): Promise<StepStats> {
  const layout = gradientLayout(trainer);
  const size = layout.reduce((n, l) => n + l.shape.reduce((a, b) => a * b, 1), 0);
  const total = new Float32Array(size);
  for (let k = 0; k < participants; k++) {
    const slice = new Float32Array(buffer, k * size * 4, size);
    for (let i = 0; i < size; i++) total[i] = (total[i] ?? 0) + (slice[i] ?? 0);
  }
  const grads: tf.NamedTensorMap = {};
  for (const l of layout) {
    const v = trainer.variables.get(l.name);
    if (!v) throw new Error(`No variable ${l.name}.`);
    grads[v.name] = tf.tensor(total.subarray(l.offset, l.offset + v.size), l.shape);
  }
  try {
    return await trainer.applyGradients(grads, sums);
  } finally {
    tf.dispose(Object.values(grads));
  }
}

/** How many items each participant takes from a batch (as even as possible, the first ones one more). */
export function shardSizes(batch: number, participants: number): number[] {
  return Array.from({ length: participants }, (_, k) => Math.floor(batch / participants) + (k < batch % participants ? 1 : 0));
}

/** The values of settled promises, or the first failure. */
function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

interface Pending {
  resolve: (message: FromWorker) => void;
  reject: (error: Error) => void;
}

/** One worker thread running lib/music/train-worker.ts. */
class TrainWorker {
  private readonly worker: Worker;
  private waiting: Pending | undefined;
  private failure: Error | undefined;

  constructor(readonly index: number) {
    // The worker's TypeScript is compiled on the fly by tsx, as the training CLI's own code is.
    const entry = new URL('./train-worker.ts', import.meta.url).pathname;
    const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(entry)}).startTrainWorker();`;
    this.worker = new Worker(boot, { eval: true });
    this.worker.on('message', (raw: unknown) => {
      const parsed = fromWorkerSchema.safeParse(raw);
      const waiting = this.waiting;
      this.waiting = undefined;
      if (!waiting) return;
      if (!parsed.success) waiting.reject(new Error(`Training worker ${index} sent a malformed message: ${parsed.error.issues[0]?.message ?? 'invalid'}.`));
      else if (parsed.data.type === 'error')
        waiting.reject(Object.assign(new Error(`Training worker ${index}: ${parsed.data.message}`), { name: parsed.data.name }));
      else waiting.resolve(parsed.data);
    });
    const fail = (error: Error): void => {
      this.failure = error;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(error);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`Training worker ${index} stopped (exit code ${code}).`)));
  }

  /** Sends a message and waits for the reply of the expected type. */
  request<T extends FromWorker['type']>(message: ToWorker, expect: T): Promise<Extract<FromWorker, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = {
        resolve: (reply) =>
          reply.type === expect
            ? resolve(reply as Extract<FromWorker, { type: T }>)
            : reject(new Error(`Training worker ${this.index} answered "${reply.type}" instead of "${expect}".`)),
        reject,
      };
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    await this.worker.terminate();
  }
}

/**
 * A {@link MusicVaeTrainer} (this thread's, participant 0) plus N − 1 worker threads that share each
 * step's work. Use `trainer` for everything but steps; call {@link start} after loading weights and
 * Adam's state into it, then {@link trainStep} per batch.
 */
export class ParallelTrainer {
  private workers: TrainWorker[] = [];
  private buffer: SharedArrayBuffer | undefined;

  constructor(
    readonly trainer: MusicVaeTrainer,
    readonly converter: MusicConverter,
    readonly participants: number,
  ) {
    if (!Number.isInteger(participants) || participants < 1 || participants > 64)
      throw new InvalidInputError(`--workers must be a whole number from 1 to 64; got ${participants}.`);
  }

  /** Starts the worker threads with copies of the trainer's current weights, Adam state and step. */
  async start(): Promise<void> {
    if (this.participants === 1 || this.workers.length > 0) return;
    const size = gradientLayout(this.trainer).reduce((n, l) => n + l.shape.reduce((a, b) => a * b, 1), 0);
    this.buffer = new SharedArrayBuffer(size * 4 * this.participants);
    const weights = await this.trainer.toNamedValues();
    const optimizer: NamedValues[] = [];
    for (const w of await this.trainer.optimizerWeights())
      optimizer.push({ name: w.name, shape: w.tensor.shape.slice(), values: Float32Array.from(await w.tensor.data()) });
    this.workers = Array.from({ length: this.participants - 1 }, (_, k) => new TrainWorker(k + 1));
    try {
      await Promise.all(
        this.workers.map((w) =>
          w.request(
            {
              type: 'init',
              backend: tf.getBackend() === 'cpu' ? 'cpu' : 'wasm',
              converter: this.converter.toSpec(),
              hparams: this.trainer.hparams,
              weights,
              frozen: [...this.trainer.variables].filter(([, v]) => !v.trainable).map(([name]) => name),
              optimizer,
              step: this.trainer.step,
              gradients: this.buffer as SharedArrayBuffer,
              index: w.index,
            },
            'ready',
          ),
        ),
      );
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** One step on `windows` (label windows), split over the participants. */
  async trainStep(windows: readonly Int32Array[], seed: number): Promise<StepStats> {
    if (this.participants === 1 || !this.buffer) {
      const batch = batchTensors(this.converter, windows);
      try {
        return await this.trainer.trainStep(batch, seed);
      } finally {
        tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
      }
    }
    const sizes = shardSizes(windows.length, this.participants);
    const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
    const total = windows.length;
    const replies = this.workers.map((w) => {
      const offset = offsets[w.index] ?? 0;
      return w.request({ type: 'step', windows: windows.slice(offset, offset + (sizes[w.index] ?? 0)), seed, offset, total }, 'grads');
    });
    const gathered = Promise.allSettled(replies);
    const own = batchTensors(this.converter, windows.slice(0, sizes[0]));
    let mine: StepSums;
    try {
      const { grads, sums } = await this.trainer.computeGradients(own, seed, { offset: 0, total });
      try {
        await writeGradients(this.trainer, grads, this.buffer, 0);
      } finally {
        tf.dispose(grads);
      }
      mine = sums;
    } catch (error) {
      await gathered;
      throw error;
    } finally {
      tf.dispose([own.x, own.previous, own.targets, own.labels]);
    }
    const sums = addSums([mine, ...fulfilled(await gathered).map((r) => r.sums)]);
    // Every participant applies the same step; a diverged loss is refused by all of them alike.
    const applied = Promise.allSettled(this.workers.map((w) => w.request({ type: 'apply', sums }, 'applied')));
    let stats: StepStats;
    try {
      stats = await applySharedGradients(this.trainer, this.buffer, this.participants, sums);
    } catch (error) {
      await applied;
      throw error;
    }
    for (const reply of fulfilled(await applied)) {
      if (reply.step !== this.trainer.step)
        throw new Error(`A training worker is at step ${reply.step}, this thread at ${this.trainer.step}: the copies went out of step.`);
    }
    return stats;
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.close()));
  }
}
