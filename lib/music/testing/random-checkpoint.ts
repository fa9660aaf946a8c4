/**
 * Random-weight MusicVAE checkpoints with any sizes, in Magenta's exact variable layout: for
 * tests, benchmarks and the compatibility proof (real checkpoints cannot be downloaded here).
 */
import type { NamedValues } from '../../core/checkpoint-write';
import { createRng } from '../../core/random';
import { DrumsConverter } from '../converters/drums';
import { MelodyConverter } from '../converters/melody';
import type { MusicConverter } from '../converters/types';
import { decoderLstmPrefix, encoderLstmPrefix, MUSIC_VAE_VARS as VARS } from '../variable-names';

export interface RandomMusicVaeSpec {
  kind: 'melody' | 'drums';
  encoderUnits: number;
  decoderUnits: number[];
  zDims: number;
  seed?: number;
  /**
   * Multiplies the output projection: trained models make confident choices, random ones make
   * near-ties that float rounding (which differs between backends and libraries) can flip.
   */
  outputScale?: number;
}

/** mel_2bar_small: encoder 512, decoder 2×256, z 256, 90 classes. */
export const MEL_2BAR_SMALL: RandomMusicVaeSpec = { kind: 'melody', encoderUnits: 512, decoderUnits: [256, 256], zDims: 256 };
/** drums_2bar_lokl_small: the same sizes, 10-wide input, 512 output classes. */
export const DRUMS_2BAR_SMALL: RandomMusicVaeSpec = { kind: 'drums', encoderUnits: 512, decoderUnits: [256, 256], zDims: 256 };

export function converterFor(kind: 'melody' | 'drums'): MusicConverter {
  return kind === 'melody' ? new MelodyConverter({ numSteps: 32, minPitch: 21, maxPitch: 108 }) : new DrumsConverter({ numSteps: 32 });
}

/** The config.json Magenta uses for such a checkpoint. */
export function musicVaeConfigFor(kind: 'melody' | 'drums'): { type: 'MusicVAE'; dataConverter: { type: string; args: Record<string, unknown> } } {
  return { type: 'MusicVAE', dataConverter: converterFor(kind).toSpec() };
}

/** Random variables (Glorot-uniform kernels, small biases) named and shaped exactly like Magenta's. */
export function randomMusicVaeVariables(spec: RandomMusicVaeSpec): NamedValues[] {
  const rng = createRng(spec.seed ?? 1);
  const conv = converterFor(spec.kind);
  const out: NamedValues[] = [];
  const kernel = (name: string, rows: number, cols: number, scale = 1): void => {
    const limit = scale * Math.sqrt(6 / (rows + cols));
    out.push({ name, shape: [rows, cols], values: Float32Array.from({ length: rows * cols }, () => (rng.next() * 2 - 1) * limit) });
  };
  const bias = (name: string, n: number): void => {
    out.push({ name, shape: [n], values: Float32Array.from({ length: n }, () => rng.normal() * 0.1) });
  };
  const e = spec.encoderUnits;
  for (const dir of ['fw', 'bw'] as const) {
    const prefix = encoderLstmPrefix(dir);
    kernel(prefix + 'kernel', conv.inputDepth + e, 4 * e);
    bias(prefix + 'bias', 4 * e);
  }
  kernel(VARS.muKernel, 2 * e, spec.zDims);
  bias(VARS.muBias, spec.zDims);
  kernel(VARS.sigmaKernel, 2 * e, spec.zDims);
  bias(VARS.sigmaBias, spec.zDims);
  const total = spec.decoderUnits.reduce((a, b) => a + b, 0);
  kernel(VARS.zInitKernel, spec.zDims, 2 * total);
  bias(VARS.zInitBias, 2 * total);
  spec.decoderUnits.forEach((h, i) => {
    const input = i === 0 ? conv.outputDepth + spec.zDims : (spec.decoderUnits[i - 1] ?? 0);
    kernel(decoderLstmPrefix(i) + 'kernel', input + h, 4 * h);
    bias(decoderLstmPrefix(i) + 'bias', 4 * h);
  });
  const last = spec.decoderUnits[spec.decoderUnits.length - 1] ?? 0;
  kernel(VARS.outKernel, last, conv.outputDepth, spec.outputScale ?? 1);
  bias(VARS.outBias, conv.outputDepth);
  return out;
}
