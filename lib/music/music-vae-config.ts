/**
 * A MusicVAE checkpoint's config.json and variables, checked before any weight is used: which
 * converter it needs (melody or drums, the supported Magenta options) and the layer sizes the
 * variables imply, with errors that name the variable and the shape expected.
 */
import type * as tf from '@tensorflow/tfjs';
import { z as zod } from 'zod';
import { CheckpointError } from '../core/errors';
import { DrumsConverter } from './converters/drums';
import { MelodyConverter } from './converters/melody';
import type { MusicConverter } from './converters/types';
import { decoderLstmPrefix, encoderLstmPrefix, MUSIC_VAE_VARS as VARS } from './variable-names';

const converterSpecSchema = zod.object({ type: zod.string(), args: zod.record(zod.string(), zod.unknown()).default({}) });

/** Magenta's config.json for a MusicVAE checkpoint (fields we use; others are ignored). */
export const musicVaeConfigSchema = zod.looseObject({
  type: zod.string(),
  dataConverter: converterSpecSchema,
  useBooleanDecoder: zod.boolean().optional(),
  conditionOnKey: zod.boolean().optional(),
  chordEncoder: zod.string().optional(),
});
export type MusicVaeConfig = zod.infer<typeof musicVaeConfigSchema>;

const SUPPORTED =
  'Latent Lab runs flat melody and drum MusicVAEs (dataConverter MelodyConverter or DrumsConverter, like mel_2bar_small and drums_2bar_*_small)';

/** Builds the converter named by a config.json, or says why it cannot. */
export function converterFromConfig(config: MusicVaeConfig, location = 'this checkpoint'): MusicConverter {
  if (config.type !== 'MusicVAE') throw new CheckpointError(`config.json of ${location} says type "${config.type}", not "MusicVAE".`, { file: 'config.json' });
  if (config.chordEncoder || config.conditionOnKey || config.useBooleanDecoder) {
    throw new CheckpointError(`${location} is a conditioned or multi-label MusicVAE. ${SUPPORTED}.`, { file: 'config.json' });
  }
  const { type, args } = config.dataConverter;
  if (args.numSegments !== undefined && args.numSegments !== null) {
    throw new CheckpointError(`${location} is a hierarchical MusicVAE (numSegments ${String(args.numSegments)}). ${SUPPORTED}.`, { file: 'config.json' });
  }
  const numSteps = typeof args.numSteps === 'number' ? args.numSteps : 32;
  if (type === 'MelodyConverter') {
    const minPitch = typeof args.minPitch === 'number' ? args.minPitch : 21;
    const maxPitch = typeof args.maxPitch === 'number' ? args.maxPitch : 108;
    return new MelodyConverter({ numSteps, minPitch, maxPitch });
  }
  if (type === 'DrumsConverter') {
    const classes = zod.array(zod.array(zod.number().int())).optional().safeParse(args.pitchClasses);
    return new DrumsConverter({ numSteps, ...(classes.success && classes.data ? { pitchClasses: classes.data } : {}) });
  }
  throw new CheckpointError(`${location} uses the data converter "${type}". ${SUPPORTED}.`, { file: 'config.json' });
}

const ENC = encoderLstmPrefix;
const DEC = decoderLstmPrefix;

/** Layer sizes of a MusicVAE, as read from (or written to) its checkpoint. */
export interface MusicVaeSizes {
  encoderUnits: number;
  decoderUnits: number[];
  zDims: number;
}

export function need(vars: tf.NamedTensorMap, name: string, shape: number[] | undefined, location: string): tf.Tensor {
  const t = vars[name];
  if (!t)
    throw new CheckpointError(
      `${location} has no variable "${name}"${shape ? ` (expected shape [${shape.join(', ')}])` : ''}. Is it a flat MusicVAE checkpoint?`,
      { variable: name },
    );
  if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new CheckpointError(
      `Variable "${name}" of ${location} has shape [${t.shape.join(', ')}] but [${shape.join(', ')}] was expected from the other variables and config.json.`,
      { variable: name },
    );
  }
  return t;
}

/** Reads the layer sizes from the variables and checks that every shape fits them and the converter. */
export function checkMusicVaeVariables(vars: tf.NamedTensorMap, converter: MusicConverter, location = 'the checkpoint'): MusicVaeSizes {
  if (vars[ENC('fw', 1) + 'kernel']) throw new CheckpointError(`${location} has a multi-layer encoder. ${SUPPORTED}.`, { variable: ENC('fw', 1) + 'kernel' });
  const encBias = need(vars, ENC('fw') + 'bias', undefined, location);
  if (encBias.rank !== 1 || encBias.shape[0] % 4 !== 0)
    throw new CheckpointError(`"${ENC('fw')}bias" must be a vector of 4·units values; got [${encBias.shape.join(', ')}].`, { variable: ENC('fw') + 'bias' });
  const e = encBias.shape[0] / 4;
  const muBias = need(vars, VARS.muBias, undefined, location);
  const zDims = muBias.shape[0] ?? 0;
  for (const dir of ['fw', 'bw'] as const) {
    need(vars, ENC(dir) + 'kernel', [converter.inputDepth + e, 4 * e], location);
    need(vars, ENC(dir) + 'bias', [4 * e], location);
  }
  need(vars, VARS.muKernel, [2 * e, zDims], location);
  const decoderUnits: number[] = [];
  for (let i = 0; vars[DEC(i) + 'kernel'] || vars[DEC(i) + 'bias']; i++) {
    const bias = need(vars, DEC(i) + 'bias', undefined, location);
    const h = (bias.shape[0] ?? 0) / 4;
    const input = i === 0 ? converter.outputDepth + zDims : (decoderUnits[i - 1] ?? 0);
    need(vars, DEC(i) + 'kernel', [input + h, 4 * h], location);
    decoderUnits.push(h);
  }
  if (decoderUnits.length === 0) need(vars, DEC(0) + 'kernel', undefined, location);
  const total = decoderUnits.reduce((a, b) => a + b, 0);
  need(vars, VARS.zInitKernel, [zDims, 2 * total], location);
  need(vars, VARS.zInitBias, [2 * total], location);
  const last = decoderUnits[decoderUnits.length - 1] ?? 0;
  need(vars, VARS.outKernel, [last, converter.outputDepth], location);
  need(vars, VARS.outBias, [converter.outputDepth], location);
  return { encoderUnits: e, decoderUnits, zDims };
}
