'use client';
/**
 * An entry's media for the gallery, fetched once per entry and kept for the page's life: a MIDI
 * entry's notes, a digit's PNG, a timbre entry's WAV (from `…/submissions/{id}/media`, with the
 * token, which an <audio> cannot send; played from a blob: URL).
 */
import { describeError } from '@/lib/core/errors';
import { instrumentName } from '@/lib/classroom/challenges';
import { ClassroomClient, base64ToBytes } from '@/lib/classroom/client';
import type { EntryParams, SubmissionDetail, SubmissionView } from '@/lib/classroom/schema';
import { parseMidi } from '@/lib/music/midi';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { firstQpm } from '@/lib/music/note-sequence';
import { quantize } from '@/lib/music/sequences';
import { decodeAudioInBrowser } from '@/lib/sound/decode-browser';
import { parseSoundRef } from '@/lib/timbre/lab-url';

export const api = new ClassroomClient();

export interface Media {
  png?: string;
  seq?: QuantizedNoteSequence;
  qpm?: number;
  /** A sound: its blob: URL for an <audio>, and its samples (mono) for the waveform. */
  sound?: { url: string; samples: Float32Array };
  problem?: string;
}

/** Entry media, fetched once per entry and kept for the page's life (blob: URLs too). */
const mediaCache = new Map<string, Promise<Media>>();

async function loadSound(code: string, token: string, id: number, title: string): Promise<Media> {
  const file = await api.file(code, token, id);
  try {
    const decoded = await decodeAudioInBrowser(file.bytes.slice().buffer, title);
    const url = URL.createObjectURL(new Blob([file.bytes as BlobPart], { type: file.type || 'audio/wav' }));
    return { sound: { url, samples: decoded.samples } };
  } catch (error) {
    return { problem: describeError(error) };
  }
}

async function loadDetail(code: string, token: string, id: number, title: string): Promise<Media> {
  const d: SubmissionDetail = await api.get(code, token, id);
  if (d.pngBase64) return { png: `data:image/png;base64,${d.pngBase64}` };
  if (!d.midiBase64) return { problem: 'This entry has no file.' };
  try {
    const midi = parseMidi(base64ToBytes(d.midiBase64), title);
    return { seq: quantize(midi.sequence), qpm: Math.round(firstQpm(midi.sequence)) };
  } catch (error) {
    return { problem: describeError(error) };
  }
}

export function loadMedia(code: string, token: string, id: number, title: string, kind: SubmissionView['kind']): Promise<Media> {
  const key = `${code}:${id}`;
  let p = mediaCache.get(key);
  if (!p) {
    p = kind === 'timbre' ? loadSound(code, token, id, title) : loadDetail(code, token, id, title);
    p.catch(() => mediaCache.delete(key));
    mediaCache.set(key, p);
  }
  return p;
}

/** "Acoustic Grand Piano" for a sound reference "p0", "a code" for "z…" (a timbre entry's params.a and .b). */
export function soundName(ref: EntryParams[string] | undefined): string | undefined {
  const r = typeof ref === 'string' ? parseSoundRef(ref) : undefined;
  if (!r) return undefined;
  return r.kind === 'program' ? instrumentName(r.program) : 'a code';
}
