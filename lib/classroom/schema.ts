/**
 * The classroom's shared vocabulary: limits, request bodies, challenge kinds and what the API
 * answers, as zod schemas. The browser (forms, the API client) and the server (route handlers, the
 * service) validate with the same schemas. This module is framework-free and TF-free, so it is safe
 * in any bundle; it imports only zod and lib/music's TF-free clip format.
 */
import { z } from 'zod';
import { decodeMelodyClip, encodeMelodyClip } from '../music/clips';

/** Size limits, in one place for the forms, the service and the tests. */
export const LIMITS = {
  /** Titles of sessions and entries, in characters (Unicode code points). */
  titleChars: 40,
  nicknameChars: 40,
  instructionsChars: 280,
  /** Decoded MIDI entry. */
  midiBytes: 256 * 1024,
  /** Decoded PNG entry. */
  pngBytes: 64 * 1024,
  /** Largest PNG side accepted, in pixels. */
  pngSide: 1024,
  /** Most numbers in an entry's latent code. */
  latentDims: 512,
  /** Most keys in an entry's `params`. */
  paramKeys: 24,
  /** Longest string value in `params` (melody clips are at most ~32·10 characters). */
  paramChars: 400,
  /** Whole JSON body of a submission (base64 of 256 KB of MIDI is ~350 KB). */
  submissionBodyBytes: 512 * 1024,
  /** Whole JSON body of any other request. */
  smallBodyBytes: 16 * 1024,
  timeLimitMinutes: { min: 1, max: 240 },
} as const;

/** Join codes use 31 unambiguous characters (no 0/O, 1/I/L), 6 of them: ~887 million codes. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 6;
const CODE_RE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;

/** A join code as typed by a person: spaces and dashes dropped, upper-cased. */
export function normalizeCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

export function isSessionCode(raw: string): boolean {
  return CODE_RE.test(raw);
}

// Control characters, bidi overrides and zero-width characters make names that look like others or
// break the layout; they are refused (text is always rendered as text, never as HTML).
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** Trims, collapses runs of white space and puts the text in Unicode NFC form. */
export function normalizeText(raw: string): string {
  return raw.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Length in characters as a person counts them (code points, so an emoji counts once). */
export function charCount(text: string): number {
  return [...text].length;
}

/** A one-line text field of 1..max characters after normalising. */
function line(what: string, max: number) {
  return z
    .string({ error: `${what} must be text.` })
    .transform(normalizeText)
    .refine((s) => s.length > 0, { message: `${what} is empty: type at least one character.` })
    .refine((s) => charCount(s) <= max, { message: `${what} is too long: at most ${max} characters.` })
    .refine((s) => !FORBIDDEN_CHARS.test(s), { message: `${what} contains invisible or control characters; use plain text.` });
}

export const titleSchema = line('The title', LIMITS.titleChars);
export const nicknameSchema = line('The nickname', LIMITS.nicknameChars);

/**
 * A melody clip in the melody lab's URL form (`pitch.start.length_…`), with at least one note,
 * rewritten in the lab's own canonical form (so the lab's A and B compare equal to the challenge's).
 */
const melodyClipSchema = z
  .string()
  .max(LIMITS.paramChars)
  .transform((text, ctx) => {
    try {
      const seq = decodeMelodyClip(text);
      if (seq.notes.length === 0) ctx.addIssue({ code: 'custom', message: 'The melody has no notes.' });
      return encodeMelodyClip(seq);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'The melody cannot be read.' });
      return z.NEVER;
    }
  });

const instructions = z
  .string()
  .transform(normalizeText)
  .pipe(z.string().max(LIMITS.instructionsChars, `Instructions have at most ${LIMITS.instructionsChars} characters.`))
  .optional();

export const CHALLENGE_KINDS = ['melody-interpolation', 'drum-groove', 'digit-from-code', 'free'] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

/** The shipped melody model; the melody challenge fixes it. */
export const MELODY_MODEL = 'mel_2bar';
/** Image models with a 2-D code (the manifold grid works on them). */
export const DIGIT_MODELS = ['vae', 'conv-vae'] as const;

export const melodyChallengeSchema = z.strictObject({
  kind: z.literal('melody-interpolation'),
  /** Melodies A and B, fixed by the teacher (the melody lab's URL form). */
  a: melodyClipSchema,
  b: melodyClipSchema,
  /** The model everyone uses. */
  model: z.literal(MELODY_MODEL).default(MELODY_MODEL),
  instructions,
});

export const drumChallengeSchema = z.strictObject({
  kind: z.literal('drum-groove'),
  /** Highest sampling temperature allowed (the lab's slider is capped here). */
  maxTemperature: z.number().min(0.05).max(1.5).default(1),
  instructions,
});

export const digitChallengeSchema = z.strictObject({
  kind: z.literal('digit-from-code'),
  /** A 2-D VAE of the image lab. */
  model: z.enum(DIGIT_MODELS).default('vae'),
  /** The digit to aim for ("a digit that looks like a 7"). */
  target: z.number().int().min(0).max(9).default(7),
  /** Seeds the random starting code everyone gets; the server picks one when missing. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  instructions,
});

export const freeChallengeSchema = z.strictObject({
  kind: z.literal('free'),
  instructions,
});

export const challengeSchema = z.discriminatedUnion('kind', [melodyChallengeSchema, drumChallengeSchema, digitChallengeSchema, freeChallengeSchema], {
  error: `challenge.kind must be one of ${CHALLENGE_KINDS.join(', ')}.`,
});
export type ChallengeInput = z.input<typeof challengeSchema>;
type ChallengeOutput = z.output<typeof challengeSchema>;
/** A challenge as stored: every default filled in (and the digit challenge's seed chosen). */
export type Challenge = Exclude<ChallengeOutput, { kind: 'digit-from-code' }> | (Extract<ChallengeOutput, { kind: 'digit-from-code' }> & { seed: number });

export const createSessionSchema = z.strictObject({
  title: titleSchema,
  challenge: challengeSchema,
  /** Submissions close this many minutes after creation (none when missing or null). */
  timeLimitMinutes: z.number().int().min(LIMITS.timeLimitMinutes.min).max(LIMITS.timeLimitMinutes.max).nullable().optional(),
});
export type CreateSessionInput = z.input<typeof createSessionSchema>;

export const joinSchema = z.strictObject({ nickname: nicknameSchema });

export const SESSION_STATUSES = ['open', 'locked', 'closed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const updateSessionSchema = z
  .strictObject({
    status: z.enum(SESSION_STATUSES).optional(),
    votesRevealed: z.boolean().optional(),
  })
  .refine((b) => b.status !== undefined || b.votesRevealed !== undefined, { message: 'Send "status" and/or "votesRevealed".' });

export const ENTRY_KINDS = ['melody', 'drums', 'image'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

const base64Schema = (what: string) =>
  z
    .string()
    .max(LIMITS.submissionBodyBytes, `${what} is too large.`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, `${what} is not base64 text.`);

export const paramsSchema = z
  .record(
    z.string().max(40),
    z.union([z.string().max(LIMITS.paramChars), z.number().refine(Number.isFinite, 'Numbers must be finite.'), z.boolean(), z.null()]),
  )
  .refine((p) => Object.keys(p).length <= LIMITS.paramKeys, { message: `At most ${LIMITS.paramKeys} params.` });
export type EntryParams = z.output<typeof paramsSchema>;

export const submitSchema = z.strictObject({
  title: titleSchema,
  kind: z.enum(ENTRY_KINDS, { error: `kind must be one of ${ENTRY_KINDS.join(', ')}.` }),
  midiBase64: base64Schema('midiBase64').optional(),
  pngBase64: base64Schema('pngBase64').optional(),
  latent: z.array(z.number().refine(Number.isFinite, 'Latent codes hold finite numbers.')).min(1).max(LIMITS.latentDims).optional(),
  params: paramsSchema.optional(),
});
export type SubmitInput = z.input<typeof submitSchema>;

export const hideSchema = z.strictObject({ hidden: z.boolean() });

/** Which lab each entry kind comes from. */
export const ENTRY_LAB: Record<EntryKind, string> = { melody: '/music/melody', drums: '/music/drums', image: '/image' };

// ---------------------------------------------------------------------------------------------
// Answers

export interface SessionView {
  code: string;
  title: string;
  challenge: Challenge;
  status: SessionStatus;
  /** True while new entries are accepted: status "open" and the time limit (if any) not reached. */
  accepting: boolean;
  votesRevealed: boolean;
  createdAt: string;
  /** End of the time limit, or null. */
  endsAt: string | null;
  /** When the session and all its data are deleted. */
  expiresAt: string;
  retentionDays: number;
  /** Who is asking. */
  you: { role: 'teacher' } | { role: 'student'; nickname: string };
  /** Teacher only. */
  participants?: ParticipantView[];
}

export interface ParticipantView {
  nickname: string;
  joinedAt: string;
  kicked: boolean;
  entries: number;
}

export interface SubmissionView {
  id: number;
  nickname: string;
  title: string;
  kind: EntryKind;
  /** Votes so far; null for students until the teacher reveals the votes. */
  votes: number | null;
  createdAt: string;
  /** Hidden by the teacher (only the teacher and the author see hidden entries). */
  hidden: boolean;
  /** The asking student made this entry. */
  mine: boolean;
  /** The asking student has voted for it. */
  voted: boolean;
  latent: number[] | null;
  params: EntryParams | null;
}

export interface SubmissionDetail extends SubmissionView {
  midiBase64: string | null;
  pngBase64: string | null;
}

/** Live events (Server-Sent Events `event:` names and their `data:`). */
export type ClassroomEvent =
  | { type: 'snapshot'; session: SessionView; submissions: SubmissionView[] }
  | { type: 'joined'; nickname: string }
  | { type: 'kicked'; nickname: string }
  | { type: 'submitted'; submission: SubmissionView }
  | { type: 'updated'; submission: SubmissionView }
  | { type: 'removed'; id: number }
  | { type: 'voted'; id: number; votes: number | null; byYou: boolean }
  | { type: 'session'; status: SessionStatus; votesRevealed: boolean; endsAt: string | null }
  | { type: 'deleted' };

/** API error codes and the HTTP status each one is sent with. */
export const ERROR_STATUS = {
  bad_json: 400,
  invalid: 422,
  unauthorized: 401,
  wrong_session: 401,
  forbidden: 403,
  kicked: 403,
  locked: 403,
  closed: 403,
  own_entry: 403,
  session_full: 403,
  not_found: 404,
  nickname_taken: 409,
  already_voted: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Turns zod issues into one sentence a person can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 4)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join(' ');
}
