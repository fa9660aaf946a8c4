import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { bilinearGridTensor, bilinearWeights, fractions, interpolateCodesTensor, randomCodesTensor } from './interpolate';

async function rows(t: tf.Tensor): Promise<number[][]> {
  return (await t.array()) as number[][];
}

describe('interpolateCodesTensor', () => {
  it('lerp walks a straight line with both ends exact', async () => {
    const a = tf.tensor1d([0, 0, 4]);
    const b = tf.tensor1d([2, -2, 0]);
    const path = interpolateCodesTensor(a, b, 3, 'lerp');
    expect(await rows(path)).toEqual([
      [0, 0, 4],
      [1, -1, 2],
      [2, -2, 0],
    ]);
    tf.dispose([a, b, path]);
  });

  it('slerp keeps the norm of unit codes along the arc (lerp shrinks it)', async () => {
    const a = tf.tensor2d([[1, 0]]);
    const b = tf.tensor2d([[0, 1]]);
    const slerp = await rows(interpolateCodesTensor(a, b, 5, 'slerp'));
    const lerp = await rows(interpolateCodesTensor(a, b, 5, 'lerp'));
    for (const [x, y] of slerp) expect(Math.hypot(x ?? 0, y ?? 0)).toBeCloseTo(1, 5);
    expect(slerp[2]?.[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(Math.hypot(...(lerp[2] ?? []))).toBeCloseTo(Math.SQRT1_2, 5);
    tf.dispose([a, b]);
  });

  it('slerp of (anti)parallel codes falls back to lerp instead of dividing by zero', async () => {
    const a = tf.tensor1d([1, 1]);
    const path = await rows(interpolateCodesTensor(a, a, 3, 'slerp'));
    expect(path.flat().every(Number.isFinite)).toBe(true);
    expect(path[1]).toEqual([1, 1]);
    a.dispose();
  });

  it('leaves no tensors behind and rejects bad arguments', () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([3, 4, 5]);
    const before = tf.memory().numTensors;
    expect(() => interpolateCodesTensor(a, b, 3)).toThrow(/same size; got 2 and 3/);
    expect(() => interpolateCodesTensor(a, a, 1)).toThrow(InvalidInputError);
    expect(() => interpolateCodesTensor(a, a, 2.5)).toThrow(InvalidInputError);
    interpolateCodesTensor(a, a, 4, 'slerp').dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});

describe('bilinear grid', () => {
  it('has corner weights that sum to one and reproduce the corners', async () => {
    const w = bilinearWeights(3, 4);
    expect(w).toHaveLength(12);
    for (const cell of w) expect(cell.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 10);
    const corners = tf.tensor2d([
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ]);
    const grid = await rows(bilinearGridTensor(corners, 3, 3));
    expect(grid[0]).toEqual([1, 0]);
    expect(grid[2]).toEqual([0, 1]);
    expect(grid[6]).toEqual([-1, 0]);
    expect(grid[8]).toEqual([0, -1]);
    expect(grid[4]).toEqual([0, 0]);
    corners.dispose();
  });
  it('rejects grids that are too small or too big', () => {
    expect(() => bilinearWeights(1, 3)).toThrow(InvalidInputError);
    expect(() => bilinearWeights(100, 100)).toThrow(/too large/);
  });
});

describe('randomCodesTensor and fractions', () => {
  it('is reproducible by seed', async () => {
    const a = randomCodesTensor(2, 8, 99);
    const b = randomCodesTensor(2, 8, 99);
    const c = randomCodesTensor(2, 8, 100);
    expect(await rows(a)).toEqual(await rows(b));
    expect(await rows(a)).not.toEqual(await rows(c));
    tf.dispose([a, b, c]);
  });
  it('spaces fractions evenly from 0 to 1', () => {
    expect(fractions(5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(fractions(1)).toEqual([0]);
  });
});
