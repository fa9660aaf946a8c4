/**
 * A grey image (values 0..1, row-major, as the image lab's decoder returns it) as PNG bytes, with
 * fast-png's encoder: one 8-bit channel, so a 28×28 digit is a few hundred bytes. Browser-safe.
 */
import { encode } from 'fast-png';

export function greyToPng(pixels: ArrayLike<number>, width: number, height = width): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || pixels.length !== width * height) {
    throw new RangeError(`Expected ${width}×${height} = ${width * height} pixel values; got ${pixels.length}.`);
  }
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const v = Number(pixels[i]);
    data[i] = Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, v))) : 0;
  }
  return encode({ width, height, data, channels: 1, depth: 8 });
}
