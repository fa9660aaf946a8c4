import { describe, expect, it } from 'vitest';
import { nearestGridCell, squareCodeGrid } from './grid';

describe('nearestGridCell', () => {
  it('puts the corners on the corner cells, row-major', () => {
    expect(nearestGridCell(7, 0, 0)).toBe(0);
    expect(nearestGridCell(7, 1, 0)).toBe(6);
    expect(nearestGridCell(7, 0, 1)).toBe(42);
    expect(nearestGridCell(7, 1, 1)).toBe(48);
    expect(nearestGridCell(7, 0.5, 0.5)).toBe(24);
  });

  it('rounds to the nearest cell and clamps outside the square', () => {
    expect(nearestGridCell(5, 0.13, 0.9)).toBe(4 * 5 + 1); // col round(0.52) = 1, row round(3.6) = 4
    expect(nearestGridCell(5, -3, 7)).toBe(20);
    expect(nearestGridCell(5, Number.NaN, 0)).toBe(2);
  });

  it('refuses grids smaller than 2×2', () => {
    expect(() => nearestGridCell(1, 0, 0)).toThrow(RangeError);
  });
});

describe('squareCodeGrid', () => {
  it('lays the codes out as a picture of the plane: top row highest y, each row left to right', () => {
    const g = squareCodeGrid(3, 2);
    expect(g.length).toBe(18);
    expect(Array.from(g.subarray(0, 6))).toEqual([-2, 2, 0, 2, 2, 2]);
    expect(Array.from(g.subarray(8, 10))).toEqual([0, 0]);
    expect(Array.from(g.subarray(16))).toEqual([2, -2]);
    expect(() => squareCodeGrid(1, 2)).toThrow(RangeError);
  });
});
