/**
 * Writing checkpoints in the TF.js weights format (the inverse of `loadCheckpointTensors`), with
 * optional quantization. Used by training export and by tests that need small checkpoints.
 *
 * Quantization in a learner's words: uint8 stores each weight as one byte, a step on a 256-step
 * ruler from the tensor's min to its max (value ≈ min + q·scale); float16 keeps a 16-bit float.
 * Both halve or quarter the download, at a small cost in precision.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WeightEntry, WeightsManifest } from './checkpoint';
import { InvalidInputError } from './errors';

export type Quantization = 'none' | 'uint8' | 'float16';

/** A named float32 variable as plain data. */
export interface NamedValues {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface EncodedCheckpoint {
  manifest: WeightsManifest;
  /** Shard file name → bytes. */
  shards: Map<string, Uint8Array>;
}

/** The largest finite half float. */
const FLOAT16_MAX = 65504;

/** Rounds a float32 to the nearest float16 (round half to even) and returns its 16 bits. */
export function float32ToFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → ±0
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

function quantize(v: NamedValues, q: Quantization): { entry: WeightEntry; bytes: Uint8Array } {
  const size = v.shape.reduce((a, b) => a * b, 1);
  if (size !== v.values.length) {
    throw new InvalidInputError(`Variable "${v.name}": shape [${v.shape.join(', ')}] needs ${size} values, got ${v.values.length}.`);
  }
  if (q === 'none') {
    return { entry: { name: v.name, shape: v.shape, dtype: 'float32' }, bytes: new Uint8Array(v.values.slice().buffer) };
  }
  if (q === 'float16') {
    const out = new Uint16Array(size);
    for (let i = 0; i < size; i++) {
      const x = v.values[i] ?? 0;
      // A finite weight must stay finite (±∞ and NaN are kept as they are).
      if (Number.isFinite(x) && Math.abs(x) > FLOAT16_MAX)
        throw new InvalidInputError(`Variable "${v.name}" holds ${x}, beyond what a half float can store (±${FLOAT16_MAX}); keep it as float32.`);
      out[i] = float32ToFloat16Bits(x);
    }
    return {
      entry: { name: v.name, shape: v.shape, dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } },
      bytes: new Uint8Array(out.buffer),
    };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const x of v.values) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (size === 0) min = max = 0;
  const scale = max > min ? (max - min) / 255 : 1;
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.max(0, Math.min(255, Math.round(((v.values[i] ?? 0) - min) / scale)));
  return {
    entry: { name: v.name, shape: v.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale, original_dtype: 'float32' } },
    bytes: out,
  };
}

/**
 * Encodes variables into one weight group split into shards of at most `shardBytes`
 * (named `group1-shard{i}of{n}`, as TF.js and Magenta do). Pure: returns bytes, writes nothing.
 */
export function encodeCheckpoint(variables: readonly NamedValues[], options: { quantization?: Quantization; shardBytes?: number } = {}): EncodedCheckpoint {
  const q = options.quantization ?? 'none';
  const shardBytes = options.shardBytes ?? 4 * 1024 * 1024;
  const parts = variables.map((v) => quantize(v, q));
  const total = parts.reduce((a, p) => a + p.bytes.byteLength, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p.bytes, offset);
    offset += p.bytes.byteLength;
  }
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const shards = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) shards.set(`group1-shard${i + 1}of${count}`, all.slice(i * shardBytes, Math.min(total, (i + 1) * shardBytes)));
  return { manifest: [{ paths: [...shards.keys()], weights: parts.map((p) => p.entry) }], shards };
}

/** Reads tensors into {@link NamedValues} (awaits `data()`; does not dispose the tensors). */
export async function tensorsToNamedValues(tensors: tf.NamedTensorMap): Promise<NamedValues[]> {
  const out: NamedValues[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    out.push({ name, shape: t.shape.slice(), values: Float32Array.from(await t.data()) });
  }
  return out;
}
