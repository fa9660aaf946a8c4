/** Optimizers shared by the training loops (images and music). */
import * as tf from '@tensorflow/tfjs';

/**
 * TF.js's Adam whose learning rate can be changed between steps (schedules, decay) while its
 * moment estimates are kept. Same defaults as `tf.train.adam` when `beta1`/`beta2` are left out.
 * Owns its slot variables: call `dispose()` when training ends.
 */
export class AdjustableAdam extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** The rate of the next `minimize`/`applyGradients` step. */
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}
