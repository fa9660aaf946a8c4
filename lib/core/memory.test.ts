import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TensorLeakError } from './errors';
import { expectNoTensorLeak, liveTensorCount } from './memory';

describe('expectNoTensorLeak', () => {
  it('passes clean work through and returns its result', async () => {
    const sum = await expectNoTensorLeak('sum', async () => {
      const t = tf.tidy(() => tf.tensor1d([1, 2, 3]).sum());
      try {
        return (await t.data())[0];
      } finally {
        t.dispose();
      }
    });
    expect(sum).toBe(6);
  });

  it('names the work and the number of leaked tensors', async () => {
    const before = liveTensorCount();
    let kept: tf.Tensor | undefined;
    const err = await expectNoTensorLeak('careless work', () => {
      kept = tf.ones([2]);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TensorLeakError);
    expect((err as TensorLeakError).leaked).toBe(1);
    expect((err as Error).message).toMatch(/^careless work leaked 1 tensor\(s\)/);
    kept?.dispose();
    expect(liveTensorCount()).toBe(before);
  });
});
