/**
 * The registry of challenge kinds: one module per kind (`<kind>.ts`), listed once in
 * {@link CHALLENGES}. Adding a kind is its file plus one line here; the API's schemas, the
 * teacher's form, the students' lab buttons, the service's entry check and the export all read
 * the kinds and their entry kinds from this list. An unknown kind is an error
 * ({@link UnknownChallengeError}), never "accept any entry".
 *
 * (A kind whose entry carries a new kind of file also needs that file's server-side reader in
 * media.ts, a column for it and the `kind` check of the `submissions` table: a migration — as the
 * timbre entry's WAV did, migration 3.)
 */
import { z } from 'zod';
import { CLASSROOM_PARAM } from '../schema';
import { digitFromCode } from './digit-from-code';
import { drumGroove } from './drum-groove';
import { free } from './free';
import { melodyInterpolation } from './melody-interpolation';
import { timbreBlend } from './timbre-blend';
import { invalidEntry, type ChallengeModule, type CheckedEntry, type EntryKindSpec } from './types';

/** Every challenge kind, in the order the teacher's menu shows them. */
export const CHALLENGES = [melodyInterpolation, drumGroove, digitFromCode, timbreBlend, free] as const;

type Modules = typeof CHALLENGES;
type StoredOf<M> = M extends ChallengeModule<string, z.ZodType, infer Stored> ? Stored : never;
type EntriesOf<M> = M extends { entries: readonly (infer E)[] } ? E : never;

/** A challenge as stored: every default filled in (and what the server picks, like a seed). */
export type Challenge = StoredOf<Modules[number]>;
export type ChallengeKind = Modules[number]['kind'];
/** What the teacher sends (defaults may be left out). */
export type ChallengeInput = z.input<typeof challengeSchema>;
export type EntryKind = EntriesOf<Modules[number]> extends EntryKindSpec<infer Id> ? Id : never;

export const CHALLENGE_KINDS = CHALLENGES.map((c) => c.kind) as ChallengeKind[];

/** Every entry kind, once, in registry order. */
export const ENTRY_SPECS: readonly EntryKindSpec<EntryKind>[] = CHALLENGES.flatMap((c) => (c.entries === 'any' ? [] : c.entries)).filter(
  (e, i, all) => all.findIndex((x) => x.id === e.id) === i,
) as EntryKindSpec<EntryKind>[];
export const ENTRY_KINDS = ENTRY_SPECS.map((e) => e.id) as [EntryKind, ...EntryKind[]];

type SchemaOf<M> = M extends { schema: infer S } ? S : never;
/** The modules' schemas as a tuple type (a generic mapped type maps a tuple element by element). */
type Schemas<T extends readonly unknown[]> = { -readonly [I in keyof T]: SchemaOf<T[I]> };
const SCHEMAS = CHALLENGES.map((c) => c.schema) as unknown as Schemas<Modules>;

/** A challenge as the teacher sends it: one of the registered kinds with its fixed inputs. */
export const challengeSchema = z.discriminatedUnion('kind', SCHEMAS, {
  error: `challenge.kind must be one of ${CHALLENGE_KINDS.join(', ')}.`,
});

/** Asked for a challenge kind that is not registered (a damaged or newer database row). */
export class UnknownChallengeError extends Error {
  constructor(kind: unknown) {
    super(`Unknown challenge kind ${JSON.stringify(kind)}; this Latent Lab knows ${CHALLENGE_KINDS.join(', ')}. Update Latent Lab or delete the session.`);
    this.name = 'UnknownChallengeError';
  }
}

/** Every module, as one type (methods take any kind's challenge; dispatch keeps them apart). */
type AnyModule = ChallengeModule<string, z.ZodType, Challenge>;

/** The module of a kind; throws {@link UnknownChallengeError} for anything else. */
export function challengeModule(kind: string): AnyModule {
  const m = CHALLENGES.find((c) => c.kind === kind);
  if (!m) throw new UnknownChallengeError(kind);
  return m as unknown as AnyModule;
}

/** The spec of an entry kind, or undefined. */
export function entrySpec(kind: string): EntryKindSpec<EntryKind> | undefined {
  return ENTRY_SPECS.find((e) => e.id === kind);
}

/** Entry kinds a challenge takes. */
export function entryKinds(c: Challenge): EntryKind[] {
  const entries = challengeModule(c.kind).entries;
  return entries === 'any' ? [...ENTRY_KINDS] : entries.map((e) => e.id as EntryKind);
}

/** One sentence saying what the students should make. */
export function describeChallenge(c: Challenge): string {
  return challengeModule(c.kind).describe(c);
}

/** Fills what the server picks (called once, when the session is created). */
export function finalizeChallenge(input: z.output<typeof challengeSchema>, random: () => number): Challenge {
  return challengeModule(input.kind).finalize(input, random);
}

/**
 * The lab link (path and query) that opens `kind`'s lab with the challenge loaded and the
 * classroom bar shown (`classroom=<code>`). Throws for an entry kind the challenge does not take.
 */
export function labUrl(c: Challenge, code: string, kind: EntryKind = entryKinds(c)[0] ?? ENTRY_KINDS[0]): string {
  if (!entryKinds(c).includes(kind)) throw new UnknownChallengeError(`${c.kind} with a ${kind} entry`);
  const spec = entrySpec(kind);
  if (!spec) throw new UnknownChallengeError(`${c.kind} with a ${kind} entry`);
  const q = challengeModule(c.kind).labParams(c, spec);
  q.set(CLASSROOM_PARAM, code);
  return `${spec.lab.path}?${q.toString()}`;
}

/** Throws ClassroomError('invalid', …) unless the challenge takes entries of `kind` (checked before any file is read). */
export function assertEntryKind(c: Challenge, kind: string): void {
  const kinds = entryKinds(c);
  if (!(kinds as string[]).includes(kind)) throw invalidEntry(`This challenge takes ${kinds.join(' or ')} entries, not ${kind}.`);
}

/**
 * The challenge's check of an entry (its kind, the file's content, what the challenge fixed).
 * Throws ClassroomError('invalid', …).
 */
export function checkChallengeEntry(c: Challenge, entry: CheckedEntry): void {
  assertEntryKind(c, entry.kind);
  const spec = entrySpec(entry.kind);
  if (spec?.checkMidi && entry.midi) spec.checkMidi(entry.midi);
  spec?.check?.(entry);
  challengeModule(c.kind).checkEntry(c, entry);
}

export type { CheckedEntry, EntryKindSpec, MediaKind, MidiSummary, PngSummary, WavSummary } from './types';
export { MEDIA_FILES, MEDIA_KINDS } from './types';
export { DIGIT_MODELS, startingCode } from './digit-from-code';
export { TIMBRE_BLEND_DEFAULTS, instrumentName } from './timbre-blend';
