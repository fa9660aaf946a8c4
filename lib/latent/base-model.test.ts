import * as tf from '@tensorflow/tfjs';
import { describeLatentModelContract } from '../core/testing/latent-model-contract';
import { createRng } from '../core/random';
import { TinyLinearModel } from './testing/tiny-model';

describeLatentModelContract('tiny linear autoencoder', {
  create: async () => new TinyLinearModel(12, 3, 7),
  makeInput: (n, seed) => {
    const rng = createRng(seed);
    return tf.tensor2d(
      Array.from({ length: n * 12 }, () => rng.next()),
      [n, 12],
    );
  },
  outputShape: (n) => [n, 12],
  stochasticDecode: true,
});
