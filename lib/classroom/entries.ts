/**
 * An entry from the submit body to what is stored: its file (the entry kind says which: MIDI, PNG
 * or WAV) decoded from base64 and checked by media.ts, then the entry kind's and the challenge's own
 * rules (the registry in ./challenges). Every refusal is a ClassroomError (413 too large, 422 invalid).
 */
import 'server-only';
import type { z } from 'zod';
import {
  MEDIA_FILES,
  MEDIA_KINDS,
  assertEntryKind,
  checkChallengeEntry,
  entrySpec,
  type Challenge,
  type MediaKind,
  type MidiSummary,
  type PngSummary,
  type WavSummary,
} from './challenges';
import { ClassroomError } from './errors';
import { MediaError, base64Bytes, checkMidi, checkPng, checkWav, fromBase64 } from './media';
import type { submitSchema } from './requests';
import { LIMITS } from './schema';
import type { NewSubmission } from './store';

type SubmitBody = z.output<typeof submitSchema>;

interface Media {
  midi: Uint8Array | null;
  png: Uint8Array | null;
  wav: Uint8Array | null;
  midiInfo?: MidiSummary;
  pngInfo?: PngSummary;
  wavInfo?: WavSummary;
}

/** Each media kind's byte limit (checked on the base64 text before decoding) and checker. */
const READERS = {
  midi: { limit: LIMITS.midiBytes, read: (b: Uint8Array): Media => ({ midi: b, png: null, wav: null, midiInfo: checkMidi(b) }) },
  png: { limit: LIMITS.pngBytes, read: (b: Uint8Array): Media => ({ midi: null, png: b, wav: null, pngInfo: checkPng(b) }) },
  wav: { limit: LIMITS.wavBytes, read: (b: Uint8Array): Media => ({ midi: null, png: null, wav: b, wavInfo: checkWav(b) }) },
} as const satisfies Record<MediaKind, unknown>;

function readMedia(input: SubmitBody): Media {
  const spec = entrySpec(input.kind);
  if (!spec) throw new ClassroomError('invalid', `Unknown entry kind ${input.kind}.`);
  const file = MEDIA_FILES[spec.media];
  const text = input[file.field];
  if (!text) throw new ClassroomError('invalid', `A ${input.kind} entry needs ${file.field} (the ${file.name}).`);
  for (const other of MEDIA_KINDS) {
    const field = MEDIA_FILES[other].field;
    if (other !== spec.media && input[field]) throw new ClassroomError('invalid', `A ${input.kind} entry carries ${file.field}, not ${field}.`);
  }
  const reader = READERS[spec.media];
  try {
    if (base64Bytes(text) > reader.limit) throw new ClassroomError('too_large', `The ${file.name} is larger than ${reader.limit / 1024} KB.`);
    return reader.read(fromBase64(text));
  } catch (error) {
    if (error instanceof MediaError) throw new ClassroomError(error.reason === 'too_large' ? 'too_large' : 'invalid', error.message, { cause: error });
    throw error;
  }
}

/** Checks an entry (its file, then its session's challenge); returns what to store. */
export function checkEntry(challenge: Challenge, input: SubmitBody): NewSubmission {
  assertEntryKind(challenge, input.kind);
  const m = readMedia(input);
  checkChallengeEntry(challenge, {
    kind: input.kind,
    latent: input.latent,
    params: input.params,
    midi: m.midiInfo,
    png: m.pngInfo,
    wav: m.wavInfo,
  });
  return { title: input.title, kind: input.kind, midi: m.midi, png: m.png, wav: m.wav, latent: input.latent ?? null, params: input.params ?? null };
}
