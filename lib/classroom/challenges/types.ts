/**
 * What a challenge kind is made of (lib/classroom/challenges/<kind>.ts): its zod schema (the fixed
 * inputs the teacher chooses), the entry kinds it takes, a sentence for people, the typed lab link
 * that opens a lab with the challenge loaded, and the server's check of an entry against it. The
 * registry (index.ts) lists the kinds; everything else (the API's schemas, the teacher's form, the
 * student's lab buttons, the service's entry check, the export) reads them from there.
 *
 * Browser-safe: no Node modules here (the server parses the bytes in media.ts and hands the result
 * to {@link ChallengeModule.checkEntry}).
 */
import type { z } from 'zod';
import { ClassroomError } from '../errors';
import type { EntryParams } from '../schema';

/** What the server learned from an entry's MIDI file (media.ts). */
export interface MidiSummary {
  notes: number;
  drumNotes: number;
  seconds: number;
  /** Length in beats (quarter notes), following the file's tempo map. */
  quarters: number;
}

/** What the server learned from an entry's PNG (media.ts). */
export interface PngSummary {
  width: number;
  height: number;
  channels: number;
}

/** What the server learned from an entry's WAV file (media.ts). */
export interface WavSummary {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel. */
  frames: number;
  seconds: number;
  /** Largest absolute sample, 0..1 (0 = digital silence). */
  peak: number;
}

/** The kinds of file an entry carries, each in the database column of the same name. */
export const MEDIA_KINDS = ['midi', 'png', 'wav'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * Each kind of file: the submit body's field, what people call it, its file extension (export) and
 * its content type (served back by `GET …/submissions/{id}/media`).
 */
export const MEDIA_FILES = {
  midi: { field: 'midiBase64', name: 'MIDI file', ext: 'mid', contentType: 'audio/midi' },
  png: { field: 'pngBase64', name: 'PNG image', ext: 'png', contentType: 'image/png' },
  wav: { field: 'wavBase64', name: 'WAV file', ext: 'wav', contentType: 'audio/wav' },
} as const satisfies Record<MediaKind, { field: string; name: string; ext: string; contentType: string }>;

/**
 * A kind of entry: the lab that makes it and the file it carries (the submit body's `midiBase64`,
 * `pngBase64` or `wavBase64`). The database stores the file in the column of the same name.
 */
export interface EntryKindSpec<Id extends string = string> {
  id: Id;
  /** The lab that makes it: its path and its name for people. */
  lab: { path: string; name: string };
  media: MediaKind;
  /** Checks what the MIDI file holds (a drum entry needs drum notes); throws ClassroomError. */
  checkMidi?(info: MidiSummary): void;
  /**
   * The entry kind's own rules, whatever the challenge (also in the free challenge): e.g. a timbre
   * entry's latent code has the shipped model's 16 numbers. Throws ClassroomError.
   */
  check?(entry: CheckedEntry): void;
}

/** An entry as the service hands it to a challenge: validated body fields and the parsed file. */
export interface CheckedEntry {
  kind: string;
  latent: number[] | undefined;
  params: EntryParams | undefined;
  midi: MidiSummary | undefined;
  png: PngSummary | undefined;
  wav?: WavSummary | undefined;
}

/**
 * One challenge kind. `Stored` is the challenge as kept in the database (what the server fills in,
 * e.g. the digit challenge's seed, is no longer optional). Methods (not arrow properties) on
 * purpose: the registry holds every kind under one type.
 */
export interface ChallengeModule<K extends string = string, S extends z.ZodType = z.ZodType, Stored = z.output<S>> {
  kind: K;
  /** The teacher's menu entry. */
  title: string;
  /** The fixed inputs: a strict object whose `kind` is {@link kind}. */
  schema: S;
  /** Entry kinds it takes, or 'any' (every kind of every other challenge). */
  entries: readonly EntryKindSpec[] | 'any';
  /** Fills what the server chooses when the teacher did not (called once, at creation). */
  finalize(input: z.output<S>, random: () => number): Stored;
  /** One sentence saying what the students should make. */
  describe(c: Stored): string;
  /**
   * Query parameters (besides `classroom`) that open `entry`'s lab with the challenge loaded,
   * written through the lab's own typed URL state.
   */
  labParams(c: Stored, entry: EntryKindSpec): URLSearchParams;
  /** Throws ClassroomError('invalid', …) when the entry breaks what the challenge fixed. */
  checkEntry(c: Stored, entry: CheckedEntry): void;
}

/** Declares a challenge kind (keeps its literal types for the registry). */
export function defineChallenge<const K extends string, S extends z.ZodType, Stored>(m: ChallengeModule<K, S, Stored>): ChallengeModule<K, S, Stored> {
  return m;
}

/** Declares an entry kind. */
export function defineEntryKind<const Id extends string>(spec: EntryKindSpec<Id>): EntryKindSpec<Id> {
  return spec;
}

/** `params[key]` checked with `schema`, or a 422 saying what it should be. */
export function requireParam<T>(params: EntryParams | undefined, key: string, schema: z.ZodType<T>, hint: string): T {
  const r = schema.safeParse(params?.[key]);
  if (!r.success) throw new ClassroomError('invalid', `params.${key} ${hint}.`);
  return r.data;
}

/** A 422 for an entry that breaks the challenge. */
export function invalidEntry(message: string): ClassroomError {
  return new ClassroomError('invalid', message);
}
