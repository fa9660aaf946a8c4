/**
 * Data-parallel MusicVAE training: one TF.js WASM instance per core.
 *
 * TF.js's WASM backend runs one thread here (in Node it turns multithreading off; in the browser its
 * threaded build needs cross-origin isolated pages, which its own thread workers then fail to load in
 * our production bundle: docs/fine-tuning.md). So N participants — this thread and N − 1 peers (Node
 * worker threads, or Web Workers in the browser), each with its own backend and an identical copy of
 * the model and of Adam's state — each compute the gradient of their share of a batch (see
 * `MusicVaeTrainer.computeGradients`: the shard's loss is divided by the whole batch's size and uses
 * the whole batch's random draws, so the shares add up to the whole batch's gradient). The peers send
 * theirs (one flat array, transferred, not copied); this thread adds them in participant order and
 * sends the sum back; every participant applies the same clipped Adam step, so the copies stay
 * identical without ever sending weights. The update equals one trainer's for the same batch up to
 * float rounding.
 *
 * This thread is participant 0 and keeps the model everyone shares: evaluation, checkpoints and
 * resuming use it directly. No Node or DOM API here: the transport is a {@link PeerEndpoint}
 * (train-parallel-node.ts for worker threads, lib/music/train-peer-browser.ts for Web Workers) and
 * the peers' side is {@link trainPeerHandler}.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { describeError, InvalidInputError } from '../core/errors';
import type { NamedValues } from '../core/checkpoint-write';
import type { MusicConverter } from './converters/types';
import { converterFromConfig } from './music-vae';
import { addSums, batchTensors, type StepStats, type StepSums } from './train-batch';
import { MusicVaeTrainer } from './train';
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
      index: number;
    }
  | { type: 'step'; windows: Int32Array[]; seed: number; offset: number; total: number }
  /** The sum of every participant's gradient (in {@link gradientLayout}'s order) and the batch's statistics. */
  | { type: 'apply'; sums: StepSums; gradients: Float32Array }
  | { type: 'close' };

const sumsSchema = z.object({ items: z.number(), steps: z.number(), loss: z.number(), reconstruction: z.number(), kl: z.number(), correct: z.number() });

/** Messages from a worker to this thread (checked: a malformed reply fails the run, it does not hang it). */
export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('grads'), sums: sumsSchema, gradients: z.instanceof(Float32Array) }),
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

/** A participant's gradients as one flat array in {@link gradientLayout}'s order. */
export async function flatGradients(trainer: MusicVaeTrainer, grads: tf.NamedTensorMap): Promise<Float32Array<ArrayBuffer>> {
  const layout = gradientLayout(trainer);
  const flat = new Float32Array(layout.reduce((n, l) => n + l.shape.reduce((a, b) => a * b, 1), 0));
  const byId = new Map([...trainer.variables].map(([name, v]) => [v.name, name] as const));
  const byName = new Map(Object.entries(grads).map(([id, g]) => [byId.get(id) ?? id, g] as const));
  for (const l of layout) {
    const g = byName.get(l.name);
    if (!g) throw new Error(`No gradient for ${l.name}.`);
    flat.set(await g.data(), l.offset);
  }
  return flat;
}

/** Applies the step of summed flat gradients (every participant alike). Caller owns nothing. */
export async function applyFlatGradients(trainer: MusicVaeTrainer, total: Float32Array, sums: StepSums): Promise<StepStats> {
  const layout = gradientLayout(trainer);
  const size = layout.reduce((n, l) => n + l.shape.reduce((a, b) => a * b, 1), 0);
  if (total.length !== size) throw new Error(`The summed gradient has ${total.length} numbers; this model needs ${size}.`);
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

/** How this thread reaches one peer: Node's worker threads and the browser's Web Workers both fit. */
export interface PeerEndpoint {
  post(message: ToWorker, transfer: ArrayBuffer[]): void;
  /** Registers the listeners (once): every message, and the peer's failure or exit. */
  listen(onMessage: (raw: unknown) => void, onFailure: (error: Error) => void): void;
  terminate(): Promise<void>;
}

/** One peer: requests and their checked replies over a {@link PeerEndpoint}. */
class TrainPeer {
  private waiting: Pending | undefined;
  private failure: Error | undefined;

  constructor(
    readonly index: number,
    private readonly endpoint: PeerEndpoint,
  ) {
    endpoint.listen(
      (raw) => {
        const parsed = fromWorkerSchema.safeParse(raw);
        const waiting = this.waiting;
        this.waiting = undefined;
        if (!waiting) return;
        if (!parsed.success) waiting.reject(new Error(`Training peer ${index} sent a malformed message: ${parsed.error.issues[0]?.message ?? 'invalid'}.`));
        else if (parsed.data.type === 'error')
          waiting.reject(Object.assign(new Error(`Training peer ${index}: ${parsed.data.message}`), { name: parsed.data.name }));
        else waiting.resolve(parsed.data);
      },
      (error) => {
        this.failure = error;
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting?.reject(error);
      },
    );
  }

  /** Sends a message and waits for the reply of the expected type. */
  request<T extends FromWorker['type']>(message: ToWorker, expect: T, transfer: ArrayBuffer[] = []): Promise<Extract<FromWorker, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = {
        resolve: (reply) =>
          reply.type === expect
            ? resolve(reply as Extract<FromWorker, { type: T }>)
            : reject(new Error(`Training peer ${this.index} answered "${reply.type}" instead of "${expect}".`)),
        reject,
      };
      this.endpoint.post(message, transfer);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error(`Training peer ${this.index} was closed.`);
    this.endpoint.post({ type: 'close' }, []);
    await this.endpoint.terminate();
  }
}

/** Starts peer `index` (1 … N − 1): a worker running {@link trainPeerHandler}. */
export type SpawnPeer = (index: number) => PeerEndpoint;

/**
 * A {@link MusicVaeTrainer} (this thread's, participant 0) plus N − 1 peers that share each step's
 * work. Use `trainer` for everything but steps; call {@link start} after loading weights and Adam's
 * state into it, then {@link trainStep} per batch, and {@link close} at the end.
 */
export class ParallelTrainer {
  private peers: TrainPeer[] = [];

  /** @param spawn how to start a peer (needed when `participants` > 1). */
  constructor(
    readonly trainer: MusicVaeTrainer,
    readonly converter: MusicConverter,
    readonly participants: number,
    private readonly spawn?: SpawnPeer,
  ) {
    if (!Number.isInteger(participants) || participants < 1 || participants > 64)
      throw new InvalidInputError(`--workers must be a whole number from 1 to 64; got ${participants}.`);
    if (participants > 1 && !spawn) throw new InvalidInputError('Training on several workers needs a way to start them.');
  }

  /** Starts the peers with copies of the trainer's current weights, Adam state and step. */
  async start(): Promise<void> {
    if (this.participants === 1 || this.peers.length > 0 || !this.spawn) return;
    const weights = await this.trainer.toNamedValues();
    const optimizer: NamedValues[] = [];
    for (const w of await this.trainer.optimizerWeights())
      optimizer.push({ name: w.name, shape: w.tensor.shape.slice(), values: Float32Array.from(await w.tensor.data()) });
    const spawn = this.spawn;
    this.peers = Array.from({ length: this.participants - 1 }, (_, k) => new TrainPeer(k + 1, spawn(k + 1)));
    try {
      await Promise.all(
        this.peers.map((w) =>
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
    if (this.peers.length === 0) {
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
    const replies = this.peers.map((w) => {
      const offset = offsets[w.index] ?? 0;
      return w.request({ type: 'step', windows: windows.slice(offset, offset + (sizes[w.index] ?? 0)), seed, offset, total }, 'grads');
    });
    const gathered = Promise.allSettled(replies);
    const own = batchTensors(this.converter, windows.slice(0, sizes[0]));
    let mine: { sums: StepSums; gradients: Float32Array };
    try {
      const { grads, sums } = await this.trainer.computeGradients(own, seed, { offset: 0, total });
      try {
        mine = { sums, gradients: await flatGradients(this.trainer, grads) };
      } finally {
        tf.dispose(grads);
      }
    } catch (error) {
      await gathered;
      throw error;
    } finally {
      tf.dispose([own.x, own.previous, own.targets, own.labels]);
    }
    const theirs = fulfilled(await gathered);
    // Added in participant order, the same sum for everyone.
    const summed = mine.gradients;
    for (const reply of theirs) {
      if (reply.gradients.length !== summed.length)
        throw new Error(`A training peer sent ${reply.gradients.length} gradient numbers; this model has ${summed.length}.`);
      for (let i = 0; i < summed.length; i++) summed[i] = (summed[i] ?? 0) + (reply.gradients[i] ?? 0);
    }
    const sums = addSums([mine.sums, ...theirs.map((r) => r.sums)]);
    // Every participant applies the same step; a diverged loss is refused by all of them alike.
    const applied = Promise.allSettled(
      this.peers.map((w) => {
        const copy = summed.slice();
        return w.request({ type: 'apply', sums, gradients: copy }, 'applied', [copy.buffer]);
      }),
    );
    let stats: StepStats;
    try {
      stats = await applyFlatGradients(this.trainer, summed, sums);
    } catch (error) {
      await applied;
      throw error;
    }
    for (const reply of fulfilled(await applied)) {
      if (reply.step !== this.trainer.step)
        throw new Error(`A training peer is at step ${reply.step}, this thread at ${this.trainer.step}: the copies went out of step.`);
    }
    return stats;
  }

  async close(): Promise<void> {
    const peers = this.peers;
    this.peers = [];
    await Promise.all(peers.map((w) => w.close()));
  }
}

/**
 * A peer's side: `serve` handles one message (one at a time, in order) and sends the reply with
 * `post` (and what to transfer), or calls `close` once a close was handled. `initBackend` starts the
 * same backend as participant 0 (Node's or the browser's way).
 */
export function trainPeerHandler(initBackend: (backend: 'wasm' | 'cpu') => Promise<void>): {
  serve(message: ToWorker, post: (reply: FromWorker, transfer: ArrayBuffer[]) => void, close: () => void): void;
} {
  let trainer: MusicVaeTrainer | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const handle = async (message: ToWorker): Promise<{ reply: FromWorker; transfer: ArrayBuffer[] } | undefined> => {
    switch (message.type) {
      case 'init': {
        await initBackend(message.backend);
        const converter = converterFromConfig({ type: 'MusicVAE', dataConverter: message.converter });
        const frozen = new Set(message.frozen);
        trainer?.dispose();
        trainer = new MusicVaeTrainer(converter, message.hparams, message.weights, (name) => frozen.has(name));
        trainer.step = message.step;
        const slots: tf.NamedTensorMap = Object.fromEntries(message.optimizer.map((o) => [o.name, tf.tensor(o.values, o.shape)]));
        try {
          if (message.optimizer.length > 0) await trainer.setOptimizerWeights(slots);
        } finally {
          tf.dispose(Object.values(slots));
        }
        return { reply: { type: 'ready' }, transfer: [] };
      }
      case 'step': {
        if (!trainer) throw new Error('The peer got a step before init.');
        const batch = batchTensors(trainer.converter, message.windows);
        try {
          const { grads, sums } = await trainer.computeGradients(batch, message.seed, { offset: message.offset, total: message.total });
          try {
            const gradients = await flatGradients(trainer, grads);
            return { reply: { type: 'grads', sums, gradients }, transfer: [gradients.buffer as ArrayBuffer] };
          } finally {
            tf.dispose(grads);
          }
        } finally {
          tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
        }
      }
      case 'apply': {
        if (!trainer) throw new Error('The peer got an update before init.');
        await applyFlatGradients(trainer, message.gradients, message.sums);
        return { reply: { type: 'applied', step: trainer.step }, transfer: [] };
      }
      case 'close':
        trainer?.dispose();
        trainer = undefined;
        return undefined;
    }
  };
  // One message at a time, in order; a failure is the reply, never a hang.
  const inOrder = (message: ToWorker): Promise<{ reply: FromWorker; transfer: ArrayBuffer[] } | undefined> => {
    const next = queue.then(() =>
      handle(message).catch((error: unknown) => ({
        reply: { type: 'error', message: describeError(error), name: error instanceof Error ? error.name : 'Error' } as FromWorker,
        transfer: [],
      })),
    );
    queue = next;
    return next;
  };
  return {
    serve(message, post, close) {
      void inOrder(message).then((out) => {
        if (out) post(out.reply, out.transfer);
        else if (message.type === 'close') close();
      });
    },
  };
}
