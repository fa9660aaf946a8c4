/**
 * An entry from the submit body to what is stored: its file (the entry kind says which: MIDI or
 * PNG) decoded from base64 and checked by media.ts, then the challenge's own rules (the registry in
 * ./challenges). Every refusal is a ClassroomError (413 too large, 422 invalid).
 */
import 'server-only';
import type { z } from 'zod';
import { assertEntryKind, checkChallengeEntry, entrySpec, type Challenge, type MidiSummary, type PngSummary } from './challenges';
import { ClassroomError } from './errors';
import { MediaError, base64Bytes, checkMidi, checkPng, fromBase64 } from './media';
import type { submitSchema } from './requests';
import { LIMITS } from './schema';
import type { NewSubmission } from './store';

type SubmitBody = z.output<typeof submitSchema>;

interface Media {
  midi: Uint8Array | null;
  png: Uint8Array | null;
  midiInfo?: MidiSummary;
  pngInfo?: PngSummary;
}

const FIELD = { midi: 'midiBase64', png: 'pngBase64' } as const;

function readMedia(input: SubmitBody): Media {
  const spec = entrySpec(input.kind);
  if (!spec) throw new ClassroomError('invalid', `Unknown entry kind ${input.kind}.`);
  const wanted = FIELD[spec.media];
  const other = FIELD[spec.media === 'midi' ? 'png' : 'midi'];
  const text = input[wanted];
  if (!text) throw new ClassroomError('invalid', `A ${input.kind} entry needs ${wanted} (the ${spec.media === 'midi' ? 'MIDI file' : 'PNG image'}).`);
  if (input[other]) throw new ClassroomError('invalid', `A ${input.kind} entry carries ${wanted}, not ${other}.`);
  try {
    if (spec.media === 'png') {
      if (base64Bytes(text) > LIMITS.pngBytes) throw new ClassroomError('too_large', `The PNG is larger than ${LIMITS.pngBytes / 1024} KB.`);
      const png = fromBase64(text);
      return { midi: null, png, pngInfo: checkPng(png) };
    }
    if (base64Bytes(text) > LIMITS.midiBytes) throw new ClassroomError('too_large', `The MIDI file is larger than ${LIMITS.midiBytes / 1024} KB.`);
    const midi = fromBase64(text);
    return { midi, png: null, midiInfo: checkMidi(midi) };
  } catch (error) {
    if (error instanceof MediaError) throw new ClassroomError(error.reason === 'too_large' ? 'too_large' : 'invalid', error.message, { cause: error });
    throw error;
  }
}

/** Checks an entry (its file, then its session's challenge); returns what to store. */
export function checkEntry(challenge: Challenge, input: SubmitBody): NewSubmission {
  assertEntryKind(challenge, input.kind);
  const m = readMedia(input);
  checkChallengeEntry(challenge, { kind: input.kind, latent: input.latent, params: input.params, midi: m.midiInfo, png: m.pngInfo });
  return { title: input.title, kind: input.kind, midi: m.midi, png: m.png, latent: input.latent ?? null, params: input.params ?? null };
}
