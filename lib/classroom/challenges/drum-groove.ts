/**
 * "The best 2-bar groove": sampled, edited or blended in the drum lab under a temperature cap the
 * teacher sets (within the drum lab's own temperature range); the entry is the groove's MIDI.
 */
import { z } from 'zod';
import { DRUM_LAB_LIMITS, drumLabUrl } from '../../music/lab-url';
import { musicModelValueSchema } from '../../music/model-value';
import { SHIPPED_MUSIC_MODELS } from '../../music/shipped';
import { instructionsSchema } from '../schema';
import { defineChallenge, defineEntryKind, invalidEntry, requireParam } from './types';

const [MIN_T, MAX_T] = DRUM_LAB_LIMITS.temperature;

export const DRUMS_ENTRY = defineEntryKind({
  id: 'drums',
  lab: { path: '/music/drums', name: 'Drum lab' },
  media: 'midi',
  checkMidi(info) {
    if (info.drumNotes === 0) throw invalidEntry('The MIDI file has no drum notes (channel 10); a drums entry needs a groove.');
  },
});

export const drumGroove = defineChallenge({
  kind: 'drum-groove',
  title: 'The best 2-bar groove (drum lab)',
  schema: z.strictObject({
    kind: z.literal('drum-groove'),
    /** Highest sampling temperature allowed (the lab's slider is capped here). */
    maxTemperature: z.number().min(MIN_T).max(MAX_T).default(1),
    /** The model everyone uses (the shipped one, `saved:<name>` or `url:https://…`, as in the melody challenge). */
    model: musicModelValueSchema('drums').default(SHIPPED_MUSIC_MODELS.drums),
    instructions: instructionsSchema,
  }),
  entries: [DRUMS_ENTRY],
  finalize: (input) => input,
  describe: (c) =>
    `Make the best 2-bar groove: sample, edit or blend it (temperature at most ${c.maxTemperature}${c.model === SHIPPED_MUSIC_MODELS.drums ? '' : `, model ${c.model}`}).`,
  labParams: (c) =>
    drumLabUrl.write(new URLSearchParams(), {
      temp: Math.min(drumLabUrl.defaults.temp, c.maxTemperature),
      model: c.model === SHIPPED_MUSIC_MODELS.drums ? undefined : c.model,
    }),
  checkEntry(c, entry) {
    const t = requireParam(entry.params, 'temperature', z.number().min(MIN_T).max(MAX_T), `must be the sampling temperature (${MIN_T}–${MAX_T})`);
    if (t > c.maxTemperature + 1e-9) throw invalidEntry(`The challenge caps the temperature at ${c.maxTemperature}; this groove used ${t}.`);
    // Entries from labs that did not say their model were made with the shipped one.
    const model = entry.params?.model ?? SHIPPED_MUSIC_MODELS.drums;
    if (model !== c.model) throw invalidEntry(`The challenge fixes the model ${c.model}; this groove was made with ${String(model)}.`);
    if (entry.midi && entry.midi.quarters > 8.01) throw invalidEntry(`A groove is 2 bars (8 beats); this MIDI lasts ${entry.midi.quarters.toFixed(1)} beats.`);
  },
});
