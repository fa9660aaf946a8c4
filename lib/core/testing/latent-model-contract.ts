/**
 * The shared contract suite: every {@link LatentModel} (image or music) is run through it by its
 * own test file, so all of them honour the same promises: shapes, seeded determinism, no leaked
 * tensors, safe double dispose and clear errors after dispose or on bad codes.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DisposedError, InvalidInputError } from '../errors';
import type { LatentModel } from '../latent-model';
import { liveTensorCount } from '../memory';

export interface ContractSubject<X extends tf.Tensor> {
  /** Makes a fresh model (each test gets its own). */
  create(): Promise<LatentModel<X>>;
  /** A batch of `n` valid inputs, different for different seeds. Caller disposes. */
  makeInput(n: number, seed: number): X;
  /** Expected shape of a decoded batch of `n`. */
  outputShape(n: number): number[];
  /** Whether decoding with a temperature is random (so seeds matter). */
  stochasticDecode?: boolean;
}

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

export function describeLatentModelContract<X extends tf.Tensor>(label: string, subject: ContractSubject<X>): void {
  describe(`LatentModel contract: ${label}`, () => {
    it('encodes to finite codes of shape [n, zDims] and decodes back to the output shape', async () => {
      const model = await subject.create();
      const x = subject.makeInput(3, 1);
      try {
        expect(Number.isInteger(model.zDims) && model.zDims > 0).toBe(true);
        const z = await model.encode(x);
        expect(z.shape).toEqual([3, model.zDims]);
        expect((await values(z)).every(Number.isFinite)).toBe(true);
        const y = await model.decode(z);
        expect(y.shape).toEqual(subject.outputShape(3));
        tf.dispose([z, y]);
      } finally {
        x.dispose();
        model.dispose();
      }
    });

    it('samples deterministically for a seed, and differently for another seed', async () => {
      const model = await subject.create();
      try {
        const s1 = await model.sample(4, { seed: 11 });
        const s2 = await model.sample(4, { seed: 11 });
        const s3 = await model.sample(4, { seed: 12 });
        expect(s1.shape).toEqual(subject.outputShape(4));
        expect(await values(s1)).toEqual(await values(s2));
        expect(await values(s1)).not.toEqual(await values(s3));
        tf.dispose([s1, s2, s3]);
        if (subject.stochasticDecode) {
          const t1 = await model.sample(4, { seed: 5, temperature: 1 });
          const t2 = await model.sample(4, { seed: 5, temperature: 1 });
          expect(await values(t1)).toEqual(await values(t2));
          tf.dispose([t1, t2]);
        }
      } finally {
        model.dispose();
      }
    });

    it('interpolates with lerp and slerp: `steps` items that start at A and end at B', async () => {
      const model = await subject.create();
      const a = subject.makeInput(1, 2);
      const b = subject.makeInput(1, 3);
      try {
        const za = await model.encode(a);
        const zb = await model.encode(b);
        const ya = await model.decode(za);
        const yb = await model.decode(zb);
        for (const mode of ['lerp', 'slerp'] as const) {
          const path = await model.interpolate(a, b, 5, mode);
          expect(path.shape).toEqual(subject.outputShape(5));
          const first = path.slice(0, 1);
          const last = path.slice(4, 1);
          expect(await values(first)).toEqual(await values(ya));
          expect(await values(last)).toEqual(await values(yb));
          tf.dispose([path, first, last]);
        }
        tf.dispose([za, zb, ya, yb]);
      } finally {
        tf.dispose([a, b]);
        model.dispose();
      }
    });

    it('leaks no tensors over repeated calls', async () => {
      const model = await subject.create();
      const x = subject.makeInput(2, 4);
      const a = subject.makeInput(1, 5);
      try {
        const warm = await model.sample(2, { seed: 1 });
        warm.dispose();
        const before = liveTensorCount();
        for (let i = 0; i < 5; i++) {
          const z = await model.encode(x);
          const y = await model.decode(z, { temperature: 0.5, seed: i });
          const s = await model.sample(2, { seed: i });
          const p = await model.interpolate(a, a, 3, i % 2 ? 'slerp' : 'lerp');
          tf.dispose([z, y, s, p]);
        }
        expect(liveTensorCount() - before).toBe(0);
      } finally {
        tf.dispose([x, a]);
        model.dispose();
      }
    });

    it('rejects codes of the wrong size with InvalidInputError', async () => {
      const model = await subject.create();
      const bad = tf.zeros([2, model.zDims + 1]) as tf.Tensor2D;
      try {
        await expect(model.decode(bad)).rejects.toBeInstanceOf(InvalidInputError);
        await expect(model.sample(0)).rejects.toBeInstanceOf(InvalidInputError);
        await expect(model.sample(2, { temperature: Number.NaN })).rejects.toBeInstanceOf(InvalidInputError);
      } finally {
        bad.dispose();
        model.dispose();
      }
    });

    it('frees its tensors on dispose, may be disposed twice, and refuses work afterwards', async () => {
      const before = liveTensorCount();
      const model = await subject.create();
      const x = subject.makeInput(1, 6);
      model.dispose();
      expect(model.isDisposed).toBe(true);
      expect(() => model.dispose()).not.toThrow();
      expect(liveTensorCount() - before).toBe(1); // only x is left
      await expect(model.encode(x)).rejects.toBeInstanceOf(DisposedError);
      await expect(model.sample(1, { seed: 1 })).rejects.toBeInstanceOf(DisposedError);
      x.dispose();
      expect(liveTensorCount()).toBe(before);
    });

    it('refines codes when it can (same shape, finite, no leaks, named errors), and refuses clearly when it cannot', async () => {
      const start = liveTensorCount();
      const model = await subject.create();
      const x = subject.makeInput(2, 7);
      try {
        // A model may keep what refining needs after its first refinement (freed when it is disposed).
        if (model.canRefine) (await model.encode(x, { refine: { steps: 1 } })).dispose();
        const before = liveTensorCount();
        if (model.canRefine) {
          const seen: number[] = [];
          const z = await model.encode(x, { refine: { steps: 3, onProgress: (done) => seen.push(done) } });
          expect(z.shape).toEqual([2, model.zDims]);
          expect((await values(z)).every(Number.isFinite)).toBe(true);
          expect(seen).toEqual([1, 2, 3]);
          z.dispose();
          await expect(model.encode(x, { refine: { steps: 0 } })).rejects.toBeInstanceOf(InvalidInputError);
          await expect(model.encode(x, { refine: { steps: 3, learningRate: Number.NaN } })).rejects.toBeInstanceOf(InvalidInputError);
        } else {
          await expect(model.encode(x, { refine: { steps: 3 } })).rejects.toBeInstanceOf(InvalidInputError);
        }
        expect(liveTensorCount()).toBe(before);
      } finally {
        x.dispose();
        model.dispose();
      }
      expect(liveTensorCount()).toBe(start);
    });
  });
}
