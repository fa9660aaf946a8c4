/**
 * IDX files: the simple binary format MNIST, Fashion-MNIST, KMNIST and EMNIST are distributed in
 * (`train-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, usually gzipped as `.gz`).
 *
 * Layout (all numbers big-endian, "most significant byte first"):
 *
 * ```
 * bytes 0–1   0x00 0x00                      always zero
 * byte  2     element type                   0x08 ubyte, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 * byte  3     number of dimensions d         1 for labels, 3 for images
 * then        d sizes, 4 bytes each          e.g. 60000, 28, 28
 * then        the elements, row-major        product(sizes) × element size bytes, nothing after
 * ```
 *
 * {@link parseIdx} reads raw or gzipped bytes (gzip is recognised by its 0x1f 0x8b magic, not by
 * the file name, and inflated with the platform's `DecompressionStream`, in Node and browsers).
 * {@link imagesAndLabels} turns an images file and a labels file into the {@link ImageSet} the
 * image lab trains on. ./idx-write writes IDX bytes (for tests, fixtures and the app's MNIST route).
 */
import { InvalidInputError } from '../core/errors';
import type { ImageSet } from './mnist';

/**
 * The four files of an MNIST-style dataset, in the order every part of Latent Lab uses: training
 * images, training labels, test images, test labels (Fashion-MNIST, KMNIST use the same names).
 */
export const MNIST_IDX_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;
export type MnistIdxFile = (typeof MNIST_IDX_FILES)[number];

/**
 * Orders picked files as {@link MNIST_IDX_FILES} by their names (raw or `.gz`; a browser's
 * "name (1).gz" style suffixes are tolerated); null if one is missing.
 */
export function orderIdxFiles<T extends { name: string }>(files: readonly T[]): [T, T, T, T] | null {
  const find = (stem: string): T | undefined => files.find((f) => f.name.replace(/\.gz$/, '').replace(/\./g, '-').startsWith(stem));
  const [a, b, c, d] = MNIST_IDX_FILES.map((n) => find(n));
  return a && b && c && d ? [a, b, c, d] : null;
}

/** The IDX file is empty, not IDX, truncated, too large or a broken gzip. */
export class IdxFormatError extends InvalidInputError {}

/** The element types of the IDX format. */
export type IdxType = 'ubyte' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array holding each element type (one element per entry, host byte order). */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: `data` holds product(`shape`) elements in row-major order. */
export interface IdxArray {
  readonly type: IdxType;
  readonly shape: readonly number[];
  readonly data: IdxData;
}

export interface TypeInfo {
  readonly type: IdxType;
  readonly code: number;
  readonly bytes: number;
}

const TYPES: readonly TypeInfo[] = [
  { type: 'ubyte', code: 0x08, bytes: 1 },
  { type: 'int8', code: 0x09, bytes: 1 },
  { type: 'int16', code: 0x0b, bytes: 2 },
  { type: 'int32', code: 0x0c, bytes: 4 },
  { type: 'float32', code: 0x0d, bytes: 4 },
  { type: 'float64', code: 0x0e, bytes: 8 },
];

const typeByCode = (code: number): TypeInfo | undefined => TYPES.find((t) => t.code === code);
export const typeByName = (type: IdxType): TypeInfo => {
  const info = TYPES.find((t) => t.type === type);
  if (!info) throw new InvalidInputError(`Unknown IDX element type "${String(type)}"; use one of ${TYPES.map((t) => t.type).join(', ')}.`);
  return info;
};

/** Default limits of {@link parseIdx}. MNIST's largest file has 47 million elements (9.9 MB gzipped). */
export const IDX_LIMITS = {
  /** Most elements (product of the sizes) a file may announce. */
  maxElements: 100_000_000,
  /** Largest input accepted, in bytes, gzipped or not (before inflating). */
  maxInputBytes: 256 * 1024 * 1024,
} as const;

/** Options of {@link parseIdx}. */
export interface ParseIdxOptions {
  /** File name used in error messages (e.g. `train-images-idx3-ubyte.gz`). */
  name?: string;
  /** Overrides {@link IDX_LIMITS}.maxElements. */
  maxElements?: number;
  /** Overrides {@link IDX_LIMITS}.maxInputBytes. */
  maxInputBytes?: number;
}

/** True when `bytes` start with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const label = (name: string | undefined): string => (name ? `IDX file ${name}` : 'IDX file');

/** Parsed header: where the elements start and how many bytes the whole file must have. */
interface Header {
  info: TypeInfo;
  shape: number[];
  elements: number;
  dataOffset: number;
  totalBytes: number;
}

/** A hint for files that are clearly something else than IDX. */
function guessWhatItIs(bytes: Uint8Array): string {
  const ascii = String.fromCharCode(...bytes.subarray(0, 16));
  if (ascii.startsWith('PK')) return ' It looks like a ZIP archive: unzip it and choose the files inside.';
  if (/^\s*</.test(ascii)) return ' It looks like an HTML or XML page (a failed download?): download the file again.';
  if (/^\s*[[{]/.test(ascii)) return ' It looks like JSON, not IDX.';
  if (ascii.startsWith('\x89PNG')) return ' It is a PNG image, not an IDX file.';
  if (bytes[0] === 0x42 && bytes[1] === 0x5a && bytes[2] === 0x68)
    return ' It looks like a bzip2 archive; only gzip (.gz) is read here, so decompress it first.';
  if (bytes[0] === 0xfd && ascii.slice(1, 6) === '7zXZ\0') return ' It looks like an xz archive; only gzip (.gz) is read here, so decompress it first.';
  return '';
}

/**
 * Reads and checks the header from the first bytes of a file. Returns undefined when more bytes
 * are needed to decide (only possible while streaming out of gzip).
 */
function readHeader(bytes: Uint8Array, name: string | undefined, maxElements: number): Header | undefined {
  const what = label(name);
  if (bytes.length < 4) return undefined;
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  const code = bytes[2] ?? 0;
  const dims = bytes[3] ?? 0;
  const hex = (n: number): string => '0x' + n.toString(16).padStart(2, '0');
  if (b0 !== 0 || b1 !== 0) {
    throw new IdxFormatError(
      `${what} does not start with the IDX magic number: expected the bytes 0x00 0x00 <type> <dimensions>, found ` +
        `${[...bytes.subarray(0, 4)].map(hex).join(' ')}.${guessWhatItIs(bytes)} Choose an IDX file such as train-images-idx3-ubyte(.gz) from MNIST or Fashion-MNIST.`,
    );
  }
  const info = typeByCode(code);
  if (!info) {
    throw new IdxFormatError(
      `${what} has the unknown element type ${hex(code)} (byte 3 of the header). IDX types are ` +
        `${TYPES.map((t) => `${hex(t.code)} ${t.type}`).join(', ')}. The file may be damaged or not IDX.`,
    );
  }
  if (dims === 0) throw new IdxFormatError(`${what} says it has 0 dimensions (byte 4 of the header); IDX files have at least one (labels have 1, images 3).`);
  const dataOffset = 4 + 4 * dims;
  if (bytes.length < dataOffset) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, dataOffset);
  const shape: number[] = [];
  let elements = 1;
  for (let i = 0; i < dims; i++) {
    const size = view.getUint32(4 + 4 * i, false);
    shape.push(size);
    elements *= size;
    if (elements > maxElements) {
      throw new IdxFormatError(
        `${what} announces sizes ${shape.join('×')}${i + 1 < dims ? '×…' : ''}, more than the limit of ${fmt(maxElements)} elements. ` +
          'The header is damaged or this is not an image dataset of a size a browser can hold.',
      );
    }
  }
  return { info, shape, elements, dataOffset, totalBytes: dataOffset + elements * info.bytes };
}

/** Header errors for a file that ended before its header did. */
function shortHeaderError(length: number, name: string | undefined): IdxFormatError {
  const what = label(name);
  if (length === 0) return new IdxFormatError(`${what} is empty (0 bytes). Choose the file again; the download or copy may have failed.`);
  if (length < 4)
    return new IdxFormatError(
      `${what} has only ${length} byte(s); an IDX header needs at least 4 (0x00 0x00 <type> <dimensions>). The file is truncated or not IDX.`,
    );
  return new IdxFormatError(
    `${what} ends inside its header (${length} bytes): the header lists more dimension sizes than the file holds. The file is truncated.`,
  );
}

function lengthError(header: Header, actual: number, name: string | undefined, atLeast = false): IdxFormatError {
  const what = label(name);
  const expected = `${fmt(header.totalBytes)} bytes (a header of ${header.dataOffset} bytes + ${header.shape.join('×')} ${header.info.type} elements of ${header.info.bytes} byte(s))`;
  if (actual < header.totalBytes) {
    return new IdxFormatError(
      `${what} is truncated: its header announces ${expected} but it has ${fmt(actual)} bytes (${fmt(header.totalBytes - actual)} missing). Download the file again.`,
    );
  }
  return new IdxFormatError(
    `${what} has ${atLeast ? 'more than' : ''}${atLeast ? ' ' : ''}${fmt(actual)} bytes but its header announces ${expected}` +
      `${atLeast ? '' : ` (${fmt(actual - header.totalBytes)} trailing bytes)`}. The header is damaged or several files were joined together.`,
  );
}

/** Decodes the elements (big-endian) into a fresh typed array. */
function readElements(bytes: Uint8Array, header: Header): IdxData {
  const { info, elements, dataOffset } = header;
  const raw = bytes.subarray(dataOffset, dataOffset + elements * info.bytes);
  switch (info.type) {
    case 'ubyte':
      return raw.slice();
    case 'int8':
      return new Int8Array(raw.slice().buffer);
    default: {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      if (info.type === 'int16') {
        const out = new Int16Array(elements);
        for (let i = 0; i < elements; i++) out[i] = view.getInt16(2 * i, false);
        return out;
      }
      if (info.type === 'int32') {
        const out = new Int32Array(elements);
        for (let i = 0; i < elements; i++) out[i] = view.getInt32(4 * i, false);
        return out;
      }
      if (info.type === 'float32') {
        const out = new Float32Array(elements);
        for (let i = 0; i < elements; i++) out[i] = view.getFloat32(4 * i, false);
        return out;
      }
      const out = new Float64Array(elements);
      for (let i = 0; i < elements; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

/**
 * Parses uncompressed IDX bytes. Synchronous; use {@link parseIdx} for files that may be gzipped.
 * The result owns fresh memory (it never aliases `bytes`).
 *
 * @throws {IdxFormatError} empty, bad magic, unknown type, length not matching the header, too many elements.
 */
export function parseIdxRaw(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const maxElements = options.maxElements ?? IDX_LIMITS.maxElements;
  if (isGzip(bytes)) {
    throw new IdxFormatError(`${label(options.name)} is gzip-compressed; read it with parseIdx, which inflates it first.`);
  }
  const header = readHeader(bytes, options.name, maxElements);
  if (!header) throw shortHeaderError(bytes.length, options.name);
  if (bytes.length !== header.totalBytes) throw lengthError(header, bytes.length, options.name);
  return { type: header.info.type, shape: header.shape, data: readElements(bytes, header) };
}

/**
 * Inflates gzip bytes while checking the IDX header as soon as it arrives, so a damaged header
 * or an oversized file is refused before it is inflated, and output never grows past the size
 * the header announces (a "zip bomb" cannot fill memory).
 */
async function inflateIdx(bytes: Uint8Array, name: string | undefined, maxElements: number): Promise<Uint8Array> {
  const what = label(name);
  const input = new Uint8Array(bytes.byteLength);
  input.set(bytes);
  const stream = new Blob([input]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let header: Header | undefined;
  let headBuffer = new Uint8Array(0);
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new IdxFormatError(
          `${what} is a damaged gzip file (${detail}) after ${fmt(total)} inflated bytes. ` +
            'The download was probably cut short or corrupted: download it again.',
          { cause: error },
        );
      }
      if (result.done) break;
      const chunk = result.value;
      chunks.push(chunk);
      total += chunk.length;
      if (!header) {
        if (headBuffer.length < 4 + 4 * 255) {
          const grown = new Uint8Array(Math.min(total, 4 + 4 * 255));
          grown.set(headBuffer);
          grown.set(chunk.subarray(0, grown.length - headBuffer.length), headBuffer.length);
          headBuffer = grown;
        }
        header = readHeader(headBuffer, name, maxElements);
      }
      if (header && total > header.totalBytes) throw lengthError(header, total, name, true);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Parses an IDX file, raw or gzipped (`.gz`; detected by the 0x1f 0x8b magic, not the name).
 *
 * @param bytes the whole file.
 * @returns the element type, the shape (e.g. `[60000, 28, 28]`) and the elements in a fresh typed array.
 * @throws {IdxFormatError} with a message naming the file (`options.name`) for: empty file, bad
 *   magic, unknown type, data length not matching the header (truncated or trailing bytes), more
 *   than `maxElements` elements, input larger than `maxInputBytes`, or a corrupt gzip stream.
 */
export async function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): Promise<IdxArray> {
  const maxInputBytes = options.maxInputBytes ?? IDX_LIMITS.maxInputBytes;
  const maxElements = options.maxElements ?? IDX_LIMITS.maxElements;
  if (bytes.length > maxInputBytes) {
    throw new IdxFormatError(
      `${label(options.name)} is ${fmt(bytes.length)} bytes, more than the ${fmt(maxInputBytes)}-byte limit. ` +
        'MNIST-sized datasets are far smaller; choose a smaller file.',
    );
  }
  if (!isGzip(bytes)) return parseIdxRaw(bytes, options);
  const inflated = await inflateIdx(bytes, options.name, maxElements);
  if (inflated.length === 0) {
    throw new IdxFormatError(`${label(options.name)} is a gzip file that contains nothing (0 bytes once inflated). Choose the file again.`);
  }
  return parseIdxRaw(inflated, { ...options, name: options.name ? `${options.name} (inflated)` : 'IDX file (inflated from gzip)' });
}

/** Options of {@link imagesAndLabels}. */
export interface ImagesAndLabelsOptions {
  /** Names of the two files, for error messages. */
  imagesName?: string;
  labelsName?: string;
  /** Keep only the first `limit` pairs (e.g. to train on a subset quickly). */
  limit?: number;
}

/**
 * Pairs an MNIST-style images file (N×28×28 ubyte) with its labels file (N ubyte, 0..9).
 *
 * @returns an {@link ImageSet}: `images` is N×28×28 row-major with pixels scaled from 0..255 to
 *   0..1 (a fresh Float32Array), `labels` a fresh Uint8Array of digits/classes 0..9.
 * @throws {InvalidInputError} when the images are not 3-D ubyte 28×28 (the message names the size
 *   found), the labels are not 1-D ubyte 0..9, the files look swapped, or the counts differ.
 */
export function imagesAndLabels(images: IdxArray, labels: IdxArray, options: ImagesAndLabelsOptions = {}): ImageSet {
  const imgName = options.imagesName ?? 'the images file';
  const lblName = options.labelsName ?? 'the labels file';
  if (images.shape.length === 1 && labels.shape.length === 3) {
    throw new InvalidInputError(`${imgName} holds labels (1-D) and ${lblName} holds images (3-D): the two files are swapped.`);
  }
  if (images.shape.length !== 3) {
    const flat = images.shape.length === 2 && images.shape[1] === 784 ? ' (flattened 784-pixel rows; reshape them to 28×28 first)' : '';
    throw new InvalidInputError(
      `${imgName} must hold images, an N×28×28 array (3 dimensions); it has shape ${images.shape.join('×')} (${images.shape.length} dimension(s))${flat}.` +
        (images.shape.length === 1 ? ' It looks like a labels file.' : ''),
    );
  }
  const [n = 0, h = 0, w = 0] = images.shape;
  if (h !== 28 || w !== 28) {
    throw new InvalidInputError(
      `${imgName} holds ${w}×${h}-pixel images (shape ${images.shape.join('×')}); the image lab needs 28×28 images like MNIST and Fashion-MNIST. Resize them to 28×28 or choose an MNIST-format file.`,
    );
  }
  if (images.type !== 'ubyte') {
    throw new InvalidInputError(`${imgName} stores ${images.type} pixels; MNIST-style images are unsigned bytes 0..255 (IDX type 0x08).`);
  }
  if (labels.shape.length !== 1) {
    throw new InvalidInputError(
      `${lblName} must hold one label per image (1 dimension); it has shape ${labels.shape.join('×')}.` +
        (labels.shape.length === 3 ? ' It looks like an images file.' : ''),
    );
  }
  if (labels.type !== 'ubyte') throw new InvalidInputError(`${lblName} stores ${labels.type} values; labels must be unsigned bytes (IDX type 0x08).`);
  const m = labels.shape[0] ?? 0;
  if (m !== n) {
    throw new InvalidInputError(
      `${imgName} has ${fmt(n)} images but ${lblName} has ${fmt(m)} labels. Choose the two files of the same split (train with train, t10k with t10k).`,
    );
  }
  if (n === 0) throw new InvalidInputError(`${imgName} holds no images (N = 0).`);
  for (let i = 0; i < m; i++) {
    const v = labels.data[i] ?? 0;
    if (v > 9) {
      throw new InvalidInputError(
        `${lblName} has the label ${v} at position ${i}; labels must be classes 0..9 (EMNIST letters and other sets with more classes are not supported).`,
      );
    }
  }
  let count = n;
  if (options.limit !== undefined) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new InvalidInputError(`limit must be a positive whole number; got ${options.limit}.`);
    count = Math.min(n, options.limit);
  }
  const pixels = count * 784;
  const out = new Float32Array(pixels);
  const src = images.data;
  for (let i = 0; i < pixels; i++) out[i] = (src[i] ?? 0) / 255;
  return { images: out, labels: Uint8Array.from(labels.data.subarray(0, count)), count, height: 28, width: 28 };
}
