/**
 * How a Compare column names a music model and its data (TF-free: the page's URL state and the
 * worker's loader share it).
 */
import { z } from 'zod';
import { MAX_MIDI_BYTES } from './midi';
import { SAVED_MODEL_VALUE, URL_MODEL_VALUE } from './model-value';
import { SHIPPED_MUSIC_MODELS, type MusicKind } from './shipped';

/**
 * A column's MusicVAE: the domain's shipped id, a Magenta checkpoint URL ("url:https://…"), "folder"
 * (picked on the page), or a fine-tuned model saved in this browser ("saved:<name>").
 */
export function musicCompareModelSchema(kind: MusicKind): z.ZodType<string> {
  return z.union([z.literal(SHIPPED_MUSIC_MODELS[kind]), z.literal('folder'), z.string().regex(URL_MODEL_VALUE), z.string().regex(SAVED_MODEL_VALUE)]);
}

/** What the windows of MIDI files picked on the page are labelled by. */
export const FILE_LABEL_NAMES = ['file', 'folder', 'style', 'drummer'] as const;

const u8 = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array');

/** The page's extra choices for a music column: a picked checkpoint folder, and the data. */
export const musicCompareExtraSchema = z.object({
  folder: z.object({ name: z.string().max(200), files: z.array(z.instanceof(File)).min(1).max(500) }).optional(),
  data: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('examples') }),
      z.object({
        kind: z.literal('files'),
        files: z
          .array(
            z.object({
              name: z.string().max(500),
              bytes: u8.refine((b) => b.byteLength <= MAX_MIDI_BYTES, `MIDI files up to ${MAX_MIDI_BYTES / 1024 / 1024} MB`),
            }),
          )
          .min(1)
          .max(500),
        label: z.enum(FILE_LABEL_NAMES),
      }),
    ])
    .default({ kind: 'examples' }),
});
export type MusicCompareExtra = z.input<typeof musicCompareExtraSchema>;
