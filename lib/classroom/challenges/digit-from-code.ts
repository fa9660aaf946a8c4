/**
 * "A digit from a random code that looks like a 7": the image lab's 2-D VAE (dense or
 * convolutional), everyone starting from the same code, drawn from the challenge's seed with
 * lib/core/random; the entry is the decoded digit's PNG and its latent code.
 */
import { z } from 'zod';
import { MAX_SEED, createRng } from '../../core/random';
import { imageLabUrl } from '../../image/lab-url';
import { instructionsSchema } from '../schema';
import { defineChallenge, defineEntryKind, invalidEntry } from './types';

/** Image models with a 2-D code (the manifold grid works on them). */
export const DIGIT_MODELS = ['vae', 'conv-vae'] as const;

/** Starting codes lie in [-RANGE, RANGE) on both axes (inside the manifold view's default range). */
const RANGE = 2.5;

/** The random starting code of a digit challenge: two numbers in [-2.5, 2.5), rounded to 0.01. */
export function startingCode(seed: number): [number, number] {
  const rng = createRng(seed);
  const round = (x: number) => Math.round(x * 100) / 100;
  return [round((rng.next() * 2 - 1) * RANGE), round((rng.next() * 2 - 1) * RANGE)];
}

export const IMAGE_ENTRY = defineEntryKind({
  id: 'image',
  lab: { path: '/image', name: 'Image lab' },
  media: 'png',
});

const schema = z.strictObject({
  kind: z.literal('digit-from-code'),
  /** A 2-D VAE of the image lab. */
  model: z.enum(DIGIT_MODELS).default('vae'),
  /** The digit to aim for ("a digit that looks like a 7"). */
  target: z.number().int().min(0).max(9).default(7),
  /** Seeds the random starting code everyone gets; the server picks one when missing. */
  seed: z.number().int().min(0).max(MAX_SEED).optional(),
  instructions: instructionsSchema,
});
type Input = z.output<typeof schema>;

export const digitFromCode = defineChallenge({
  kind: 'digit-from-code',
  title: 'A digit from a random code that looks like a … (image lab, 2-D VAE)',
  schema,
  entries: [IMAGE_ENTRY],
  finalize: (input, random): Input & { seed: number } => ({ ...input, seed: input.seed ?? Math.floor(random() * MAX_SEED) }),
  describe: (c) =>
    `Start from the random code and walk the 2-D latent space of the ${c.model === 'vae' ? 'VAE' : 'convolutional VAE'} until the digit looks like a ${c.target}.`,
  labParams: (c) => imageLabUrl.write(new URLSearchParams(), { model: c.model, view: 'manifold', z: startingCode(c.seed) }),
  checkEntry(c, entry) {
    if (!entry.latent || entry.latent.length !== 2) throw invalidEntry('A digit entry needs its latent code: latent = [z1, z2] (the 2-D VAE code).');
    if (entry.params?.model !== c.model) throw invalidEntry(`The challenge fixes the model ${c.model}; this entry was made with another one.`);
  },
});
