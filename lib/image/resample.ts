/**
 * Resizing images with the filters image editors use, as plain arrays (no TF.js): the one place
 * that knows how a small digit is made from a full one (the super-resolution models' inputs) and
 * how the classical baselines enlarge it again.
 *
 * Resizing is separable: every output row is a weighted sum of input rows, and every output column
 * of input columns. {@link resampleMatrix} gives those weights for one axis as an `out × in` matrix,
 * following PIL's `Image.resize`: pixel centres are aligned (output pixel i sits at input position
 * `(i + 0.5) · in / out − 0.5`), and when shrinking the filter is widened by the factor so that it
 * averages over the block it replaces (antialiasing). Taps beyond the border repeat the edge pixel.
 *
 * Point sampling is the exception, as in OpenCV's and TF.js's nearest neighbour: it keeps the
 * top-left pixel of each block (input index `floor(i · in / out)`, "corner" alignment). Enlarging
 * such a digit well puts each kept pixel back where it came from — output pixel i at input position
 * `i · in / out` — so {@link alignmentFor} gives the enlarging that matches each way of shrinking.
 *
 * Images are batches in one Float32Array: `n × h × w` pixels, row-major, values 0..1.
 */
import { InvalidInputError } from '../core/errors';
import type { DownsampleKernel } from './specs';

/** Filters: the four ways to make a small digit, plus `nearest` for blocky enlarging. */
export type ResampleKernel = DownsampleKernel | 'nearest';

/**
 * Where output pixels sit on the input: `centre` (pixel centres aligned, PIL and image editors) or
 * `corner` (output pixel i at input position i · in / out: the sampling of point-shrunk digits).
 */
export type Alignment = 'centre' | 'corner';

/** The alignment a small digit made with `kernel` was sampled with — and so the one to enlarge it with. */
export function alignmentFor(kernel: DownsampleKernel): Alignment {
  return kernel === 'point' ? 'corner' : 'centre';
}

/** Keys' cubic convolution kernel with a = −0.5 (the "bicubic" of image editors). */
function cubic(t: number): number {
  const a = -0.5;
  const x = Math.abs(t);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

const FILTERS: Record<Exclude<ResampleKernel, 'point' | 'nearest'>, { support: number; weight: (x: number) => number }> = {
  box: { support: 0.5, weight: (x) => (x >= -0.5 && x < 0.5 ? 1 : 0) },
  bilinear: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  bicubic: { support: 2, weight: cubic },
};

const checkSize = (size: number, what: string): void => {
  if (!Number.isInteger(size) || size < 1 || size > 4096) throw new InvalidInputError(`${what} must be a whole number of pixels from 1 to 4096; got ${size}.`);
};

/**
 * The `outSize × inSize` weights (row-major) that resize one axis from `inSize` to `outSize` pixels
 * with `kernel`. Each row sums to 1. `point` copies the top-left input pixel of each block (input
 * index `floor(i · in / out)`); `nearest` the input pixel under each output pixel (which when
 * enlarging repeats each pixel in a block). `align` (default: `corner` for `point`, else `centre`)
 * says where output pixels sit on the input.
 */
export function resampleMatrix(
  inSize: number,
  outSize: number,
  kernel: ResampleKernel,
  align: Alignment = kernel === 'point' ? 'corner' : 'centre',
): Float64Array {
  checkSize(inSize, 'The input size');
  checkSize(outSize, 'The output size');
  const scale = inSize / outSize;
  const m = new Float64Array(outSize * inSize);
  // The output pixel's position in input coordinates (input pixel j covers [j, j + 1)).
  const position = (i: number): number => (align === 'corner' ? i * scale + 0.5 : (i + 0.5) * scale);
  if (kernel === 'point' || kernel === 'nearest') {
    for (let i = 0; i < outSize; i++) m[i * inSize + Math.min(inSize - 1, Math.floor(align === 'corner' ? i * scale : (i + 0.5) * scale))] = 1;
    return m;
  }
  const filter = FILTERS[kernel];
  if (!filter) throw new InvalidInputError(`Unknown resampling filter "${String(kernel)}"; use box, point, bilinear, bicubic or nearest.`);
  // Shrinking widens the filter by the factor (it then averages the block); enlarging does not.
  const stretch = Math.max(1, scale);
  const support = filter.support * stretch;
  for (let i = 0; i < outSize; i++) {
    const centre = position(i);
    const from = Math.floor(centre - support);
    const to = Math.ceil(centre + support);
    let total = 0;
    const row = i * inSize;
    for (let j = from; j <= to; j++) {
      const w = filter.weight((j + 0.5 - centre) / stretch);
      if (w === 0) continue;
      const k = Math.min(inSize - 1, Math.max(0, j));
      m[row + k] = (m[row + k] ?? 0) + w;
      total += w;
    }
    for (let k = 0; k < inSize; k++) m[row + k] = (m[row + k] ?? 0) / total;
  }
  return m;
}

/**
 * Resizes every image of a batch from `h × w` to `oh × ow` with `kernel` (see {@link resampleMatrix}),
 * clipping the result to 0..1 (bicubic overshoots at sharp edges).
 *
 * @returns `n × oh × ow` pixels.
 */
export function resizeImages(images: Float32Array, h: number, w: number, oh: number, ow: number, kernel: ResampleKernel, align?: Alignment): Float32Array {
  checkSize(h, 'The image height');
  checkSize(w, 'The image width');
  if (images.length % (h * w) !== 0) throw new InvalidInputError(`${images.length} pixels is not a whole number of ${h}×${w} images (${h * w} pixels each).`);
  const n = images.length / (h * w);
  const rows = resampleMatrix(h, oh, kernel, align);
  const cols = resampleMatrix(w, ow, kernel, align);
  const out = new Float32Array(n * oh * ow);
  const wide = new Float64Array(h * ow);
  for (let b = 0; b < n; b++) {
    const src = b * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < ow; x++) {
        let sum = 0;
        for (let k = 0; k < w; k++) {
          const c = cols[x * w + k] ?? 0;
          if (c !== 0) sum += c * (images[src + y * w + k] ?? 0);
        }
        wide[y * ow + x] = sum;
      }
    }
    const dst = b * oh * ow;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        let sum = 0;
        for (let k = 0; k < h; k++) {
          const r = rows[y * h + k] ?? 0;
          if (r !== 0) sum += r * (wide[k * ow + x] ?? 0);
        }
        out[dst + y * ow + x] = sum < 0 ? 0 : sum > 1 ? 1 : sum;
      }
    }
  }
  return out;
}

/**
 * Enlarges square `size × size` images by `factor` with `kernel` (the super-resolution baselines);
 * `align` should match how the small images were made (see {@link alignmentFor}).
 */
export function upsample(
  images: Float32Array,
  size: number,
  factor: number,
  kernel: 'nearest' | 'bilinear' | 'bicubic',
  align: Alignment = 'centre',
): Float32Array {
  if (!Number.isInteger(factor) || factor < 1) throw new InvalidInputError(`The factor must be a positive whole number; got ${factor}.`);
  return resizeImages(images, size, size, size * factor, size * factor, kernel, align);
}

/** Shrinks square `size × size` images by `factor` (which must divide `size`) with `kernel`. */
export function downsample(images: Float32Array, size: number, factor: number, kernel: DownsampleKernel): Float32Array {
  if (!Number.isInteger(factor) || factor < 1 || size % factor !== 0) {
    throw new InvalidInputError(`The factor ${factor} must be a whole number that divides the image size ${size} (for 28×28 use 2, 4, 7, 14 or 28).`);
  }
  return resizeImages(images, size, size, size / factor, size / factor, kernel);
}
