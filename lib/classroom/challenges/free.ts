/** "Free": anything from any lab (every entry kind of the other challenges). */
import { z } from 'zod';
import { imageLabUrl } from '../../image/lab-url';
import { instructionsSchema } from '../schema';
import { defineChallenge } from './types';

export const free = defineChallenge({
  kind: 'free',
  title: 'Free: anything from any lab',
  schema: z.strictObject({ kind: z.literal('free'), instructions: instructionsSchema }),
  entries: 'any',
  finalize: (input) => input,
  describe: () => 'Free challenge: make anything in any lab and submit it.',
  // The image lab opens on its manifold grid, where a click makes a digit to submit; the others on their defaults.
  labParams: (_c, entry) => (entry.media === 'png' ? imageLabUrl.write(new URLSearchParams(), { view: 'manifold' }) : new URLSearchParams()),
  checkEntry() {
    // Any kind; the entry kind's own rules (its file, its latent code) still apply.
  },
});
