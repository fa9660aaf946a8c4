/**
 * A data-parallel training worker (see train-parallel.ts): its own TF.js WASM backend and copy of
 * the model; computes the gradient of its share of each batch into shared memory and applies the
 * summed step like every other participant.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort } from 'node:worker_threads';
import { initNodeBackend } from '../core/backend-node';
import { describeError } from '../core/errors';
import { converterFromConfig } from './music-vae';
import { applySharedGradients, gradientLayout, writeGradients, type FromWorker, type ToWorker } from './train-parallel';
import { batchTensors } from './train-batch';
import { MusicVaeTrainer } from './train';

/** Runs the worker loop on `parentPort` (called by the bootstrap in train-parallel.ts). */
export function startTrainWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('startTrainWorker runs in a worker thread.');
  let trainer: MusicVaeTrainer | undefined;
  let buffer: SharedArrayBuffer | undefined;
  let participants = 1;
  let index = 0;
  let queue = Promise.resolve();
  const reply = (message: FromWorker): void => port.postMessage(message);
  const handle = async (message: ToWorker): Promise<void> => {
    switch (message.type) {
      case 'init': {
        await initNodeBackend(message.backend);
        const converter = converterFromConfig({ type: 'MusicVAE', dataConverter: message.converter });
        const frozen = new Set(message.frozen);
        trainer = new MusicVaeTrainer(converter, message.hparams, message.weights, (name) => frozen.has(name));
        trainer.step = message.step;
        const slots: tf.NamedTensorMap = Object.fromEntries(message.optimizer.map((o) => [o.name, tf.tensor(o.values, o.shape)]));
        try {
          if (message.optimizer.length > 0) await trainer.setOptimizerWeights(slots);
        } finally {
          tf.dispose(Object.values(slots));
        }
        buffer = message.gradients;
        index = message.index;
        participants = buffer.byteLength / 4 / gradientLayout(trainer).reduce((n, l) => n + l.shape.reduce((a, b) => a * b, 1), 0);
        reply({ type: 'ready' });
        return;
      }
      case 'step': {
        if (!trainer || !buffer) throw new Error('The worker got a step before init.');
        const batch = batchTensors(trainer.converter, message.windows);
        try {
          const { grads, sums } = await trainer.computeGradients(batch, message.seed, { offset: message.offset, total: message.total });
          try {
            await writeGradients(trainer, grads, buffer, index);
          } finally {
            tf.dispose(grads);
          }
          reply({ type: 'grads', sums });
        } finally {
          tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
        }
        return;
      }
      case 'apply': {
        if (!trainer || !buffer) throw new Error('The worker got an update before init.');
        await applySharedGradients(trainer, buffer, participants, message.sums);
        reply({ type: 'applied', step: trainer.step });
        return;
      }
      case 'close':
        trainer?.dispose();
        trainer = undefined;
        port.close();
        return;
    }
  };
  port.on('message', (message: ToWorker) => {
    queue = queue.then(() =>
      handle(message).catch((error: unknown) => reply({ type: 'error', message: describeError(error), name: error instanceof Error ? error.name : 'Error' })),
    );
  });
}
