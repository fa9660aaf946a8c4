/**
 * The training loop of the image autoencoders — the same in Node (`npm run train:image`) and in the
 * browser's model worker. Adam (with an optional per-batch learning-rate decay and decoupled weight
 * decay; off by default), seeded shuffles and corruption, a loss read back every batch (for the
 * live chart), a test pass every epoch, pause/stop between batches, and a NaN guard that restores
 * the last good weights. Settings: `train-options.ts`; schedules: `schedule.ts`; losses: `losses.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { AdjustableAdam } from '../core/optimizers';
import { CancelledError, InvalidInputError, TrainingDivergedError } from '../core/errors';
import { createRng, deriveSeed } from '../core/random';
import { trainingInput } from './corrupt';
import type { ImageAutoencoder } from './image-model';
import { datasetLoss, imageLoss } from './losses';
import { klWarmupWeight, scheduledLearningRate } from './schedule';
import { imagesTensor, range, type ImageData } from './tensors';
import { validateTrainOptions, type EpochStats, type ImageTrainOptions, type TrainResult } from './train-options';

function snapshot(vars: tf.Variable[]): tf.Tensor[] {
  return vars.map((v) => tf.keep(v.clone()));
}

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trains `model` in place. After every epoch the model is usable (its weights are the newest) and
 * `onEpoch` runs. Aborting stops between batches and resolves with `stoppedBy: 'cancelled'`
 * (weights as of the last completed batch). A NaN/∞ loss restores the weights of the last completed
 * epoch and throws {@link TrainingDivergedError}.
 */
export async function trainImageModel(model: ImageAutoencoder, train: ImageData, test: ImageData, options: ImageTrainOptions): Promise<TrainResult> {
  validateTrainOptions(options);
  if (train.count < 1) throw new InvalidInputError('There are no training images.');
  if (test.count < 1) throw new InvalidInputError('There are no test images.');
  const vars = options.trainOnly === 'encoder' ? model.encoderVariables : model.trainableVariables;
  // The same defaults as tf.train.adam (beta1 0.9, beta2 0.999, the backend's epsilon).
  const optimizer = new AdjustableAdam(options.learningRate, 0.9, 0.999);
  const batches = Math.ceil(train.count / options.batchSize);
  const totalSteps = options.epochs * batches;
  let rate = options.learningRate;
  const weightDecay = options.weightDecay ?? 0;
  const decayed = vars.filter((v) => v.rank >= 2);
  const inputNoise = options.inputNoise ?? 0;
  if (inputNoise > 0 && model.spec.corruption.kind !== 'none') {
    throw new InvalidInputError(`Input noise is for the models that see clean digits; "${model.spec.id}" already sees corrupted ones.`);
  }
  if (options.downsampleKernels && model.spec.corruption.kind !== 'downsample') {
    throw new InvalidInputError(`Downsampling filters are for the super-resolution models; "${model.spec.id}" sees full-size digits.`);
  }
  const started = performance.now();
  const epochs: EpochStats[] = [];
  let lastGood = snapshot(vars);
  let seen = 0;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStart = performance.now();
      const order = createRng(deriveSeed(options.seed, 'shuffle', epoch)).shuffled(range(0, train.count));
      let sum = 0;
      for (let b = 0; b < batches; b++) {
        if (options.waitWhilePaused) await options.waitWhilePaused();
        if (options.signal?.aborted) return { epochs, seconds: (performance.now() - started) / 1000, stoppedBy: 'cancelled' };
        const idx = order.slice(b * options.batchSize, (b + 1) * options.batchSize);
        const seed = deriveSeed(options.seed, 'batch', epoch, b);
        rate = scheduledLearningRate(options.learningRate, options.schedule, (epoch - 1) * batches + b, totalSteps);
        optimizer.setLearningRate(rate);
        const klWeight = klWarmupWeight(options.klWarmupEpochs, (epoch - 1) * batches + b, batches);
        const loss = tf.tidy(() => {
          const clean = imagesTensor(train, idx);
          const input = trainingInput(clean, model.spec.corruption, seed, { inputNoise, kernels: options.downsampleKernels });
          const cost = optimizer.minimize(() => imageLoss(model, input, clean, deriveSeed(seed, 'code'), true, klWeight), true, vars);
          if (!cost) throw new Error('The optimizer returned no loss.');
          if (weightDecay > 0) for (const v of decayed) v.assign(tf.mul(v, 1 - rate * weightDecay));
          return cost;
        });
        const value = (await loss.data())[0] ?? NaN;
        loss.dispose();
        if (!Number.isFinite(value)) {
          vars.forEach((v, i) => {
            const good = lastGood[i];
            if (good) v.assign(good);
          });
          throw new TrainingDivergedError(
            `The loss became ${String(value)} in epoch ${epoch}, batch ${b + 1}: training stopped and the weights of the last completed epoch were kept. ` +
              'Try a smaller learning rate.',
          );
        }
        sum += value * idx.length;
        seen += idx.length;
        options.onBatch?.({
          epoch,
          batch: b + 1,
          batches,
          loss: value,
          examplesPerSecond: seen / ((performance.now() - started) / 1000),
          progress: ((epoch - 1) * batches + b + 1) / (options.epochs * batches),
        });
        await nextTask();
      }
      const testLoss = await datasetLoss(model, test, { signal: options.signal });
      const stats: EpochStats = {
        epoch,
        epochs: options.epochs,
        trainLoss: sum / train.count,
        testLoss,
        seconds: (performance.now() - epochStart) / 1000,
        learningRate: rate,
      };
      epochs.push(stats);
      tf.dispose(lastGood);
      lastGood = snapshot(vars);
      await options.onEpoch?.(stats);
    }
    return { epochs, seconds: (performance.now() - started) / 1000, stoppedBy: 'done' };
  } catch (error) {
    if (error instanceof CancelledError) return { epochs, seconds: (performance.now() - started) / 1000, stoppedBy: 'cancelled' };
    throw error;
  } finally {
    tf.dispose(lastGood);
    optimizer.dispose();
  }
}
