/**
 * Writing IDX files (the format ./idx reads): for tests, fixtures and the app's route that serves
 * the embedded MNIST split.
 */
import { InvalidInputError } from '../core/errors';
import { typeByName, type IdxType } from './idx';

/** Input of {@link encodeIdx}: like {@link IdxArray}, but any array of numbers will do. */
export interface IdxInput {
  readonly type: IdxType;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

const INT_RANGES: Partial<Record<IdxType, readonly [number, number]>> = {
  ubyte: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/**
 * Writes an IDX file (uncompressed; see {@link gzipBytes}). For tests and fixtures.
 *
 * @throws {InvalidInputError} when the shape is not 1–255 whole sizes, `data.length` is not their
 *   product, or an integer type gets a value that is not a whole number in its range.
 */
export function encodeIdx(array: IdxInput): Uint8Array {
  const info = typeByName(array.type);
  const { shape, data } = array;
  if (shape.length < 1 || shape.length > 255) throw new InvalidInputError(`An IDX shape needs 1 to 255 dimensions; got ${shape.length}.`);
  let elements = 1;
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0 || size > 0xffffffff)
      throw new InvalidInputError(`IDX sizes are whole numbers from 0 to 2^32 − 1; got ${size} in [${shape.join(', ')}].`);
    elements *= size;
  }
  if (data.length !== elements) throw new InvalidInputError(`Shape [${shape.join(', ')}] needs ${elements} elements; got ${data.length}.`);
  const range = INT_RANGES[array.type];
  const dataOffset = 4 + 4 * shape.length;
  const out = new Uint8Array(dataOffset + elements * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = shape.length;
  shape.forEach((size, i) => view.setUint32(4 + 4 * i, size, false));
  for (let i = 0; i < elements; i++) {
    const v = data[i] ?? 0;
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
      throw new InvalidInputError(`Element ${i} is ${v}, not a whole number in ${array.type}'s range ${range[0]}..${range[1]}.`);
    }
    const at = dataOffset + i * info.bytes;
    switch (array.type) {
      case 'ubyte':
        view.setUint8(at, v);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v, false);
        break;
      case 'int32':
        view.setInt32(at, v, false);
        break;
      case 'float32':
        view.setFloat32(at, v, false);
        break;
      case 'float64':
        view.setFloat64(at, v, false);
        break;
    }
  }
  return out;
}

/** Gzips bytes with the platform's `CompressionStream` (to write `.gz` fixtures). */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const input = new Uint8Array(bytes.byteLength);
  input.set(bytes);
  const stream = new Blob([input]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
