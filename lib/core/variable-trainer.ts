/**
 * What every hand-written trainer (the MusicVAE's, the timbre model's) keeps and does the same way,
 * whatever its network: named variables, one Adam whose learning rate follows a schedule, the step
 * count, the guarded update (a non-finite loss or gradient changes nothing; gradients are clipped by
 * their global norm), and the state a checkpoint holds (the variables under their names, Adam's
 * moments) for exact resumption. A domain's trainer extends it with its forward pass and loss.
 *
 * In a learner's words: the gradient says which way each number should move; if it is huge, we
 * shorten it (clipping) so one odd batch cannot throw the model far; if it is not a number at all,
 * we refuse the step rather than fill the model with NaN.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedValues } from './checkpoint-write';
import { TrainingDivergedError } from './errors';
import { AdjustableAdam } from './optimizers';

export abstract class VariableTrainer {
  /** The model's variables under their checkpoint names (TF.js's own names are made unique). */
  readonly variables = new Map<string, tf.Variable>();
  protected readonly optimizer: AdjustableAdam;
  /** Optimisation steps applied so far. */
  step = 0;

  /** `learningRate` is the first step's (see {@link applyClippedGradients}); Adam's β₁ 0.9, β₂ 0.999, ε 1e-8. */
  constructor(learningRate: number) {
    this.optimizer = new AdjustableAdam(learningRate, 0.9, 0.999, 1e-8);
  }

  /**
   * One Adam step at `learningRate` with `grads` (keyed by TF.js variable name), clipped to a global
   * norm of at most `clipNorm`; advances {@link step}. Does not dispose `grads`.
   * @param loss the batch's loss, checked with the gradient norm.
   * @param advice what to try when training diverges, appended to the message.
   * @returns the gradient's global norm before clipping.
   * @throws {TrainingDivergedError} (no weight changed, `step` unchanged) when the loss or the norm is not finite.
   */
  protected async applyClippedGradients(
    grads: tf.NamedTensorMap,
    loss: number,
    options: { learningRate: number; clipNorm: number; advice: string },
  ): Promise<number> {
    const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
    const gradNorm = (await norm.data())[0] ?? NaN;
    norm.dispose();
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      throw new TrainingDivergedError(
        `Training diverged at step ${this.step + 1}: the loss is ${loss} and the gradient norm ${gradNorm}. The weights were left at the last good step. ${options.advice}`,
      );
    }
    const scale = gradNorm > options.clipNorm ? options.clipNorm / gradNorm : 1;
    const clipped = Object.entries(grads).map(([name, g]) => ({ name, tensor: scale === 1 ? g : tf.mul(g, scale) }));
    this.optimizer.setLearningRate(options.learningRate);
    this.optimizer.applyGradients(clipped);
    if (scale !== 1) tf.dispose(clipped.map((c) => c.tensor));
    this.step++;
    return gradNorm;
  }

  /** Adam's state (iteration count and moments, in variable order), for exact resumption. The tensors stay Adam's. */
  async optimizerWeights(): Promise<{ name: string; tensor: tf.Tensor }[]> {
    return (await this.optimizer.getWeights()).map((w, i) => ({ name: `slot_${String(i).padStart(5, '0')}`, tensor: w.tensor }));
  }

  /** Restores Adam's state saved by {@link optimizerWeights} (the tensors are copied; the caller disposes them). */
  async setOptimizerWeights(weights: tf.NamedTensorMap): Promise<void> {
    const ordered = Object.keys(weights)
      .sort()
      .map((name) => ({ name, tensor: weights[name] as tf.Tensor }));
    await this.optimizer.setWeights(ordered);
  }

  /** The variables as plain data under their checkpoint names (for checkpoints). */
  async toNamedValues(): Promise<NamedValues[]> {
    const out: NamedValues[] = [];
    for (const [name, v] of this.variables) out.push({ name, shape: v.shape.slice(), values: Float32Array.from(await v.data()) });
    return out;
  }

  /** Frees the variables and Adam's state. Safe to call twice. */
  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.optimizer.dispose();
  }
}
