/** Small MusicVAE checkpoints written to a temp folder, for tests of the model, the CLI and the app. */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeCheckpointFolder } from '../../core/checkpoint-node';
import { encodeCheckpoint, type Quantization } from '../../core/checkpoint-write';
import { musicVaeConfigFor, randomMusicVaeVariables, type RandomMusicVaeSpec } from './random-checkpoint';

/** Tiny sizes that run in milliseconds. */
export const TINY_MELODY: RandomMusicVaeSpec = { kind: 'melody', encoderUnits: 24, decoderUnits: [16, 16], zDims: 8, outputScale: 4 };
export const TINY_DRUMS: RandomMusicVaeSpec = { kind: 'drums', encoderUnits: 24, decoderUnits: [16], zDims: 6, outputScale: 4 };

/** Writes a random checkpoint of `spec` into a new temp folder and returns the folder. */
export async function writeTinyCheckpoint(spec: RandomMusicVaeSpec, quantization: Quantization = 'none', parent?: string): Promise<string> {
  const dir = parent ? path.join(parent, `${spec.kind}-${quantization}`) : await mkdtemp(path.join(os.tmpdir(), `musicvae-${spec.kind}-`));
  await writeCheckpointFolder(dir, encodeCheckpoint(randomMusicVaeVariables(spec), { quantization, shardBytes: 16 * 1024 }), {
    'config.json': musicVaeConfigFor(spec.kind),
  });
  return dir;
}
