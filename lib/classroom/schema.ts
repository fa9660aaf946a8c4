/**
 * The classroom's shared vocabulary: limits, request bodies, challenge kinds and what the API
 * answers, as zod schemas. The browser (forms, the API client) and the server (route handlers, the
 * service) validate with the same schemas. This module is framework-free and TF-free, so it is safe
 * in any bundle. The challenge kinds live in ./challenges (one module per kind); the request
 * bodies that name them in ./requests.
 */
import { z } from 'zod';
import type { Challenge, EntryKind } from './challenges';

/** Size limits, in one place for the forms, the service and the tests. */
export const LIMITS = {
  /** Titles of sessions and entries, in characters (Unicode code points). */
  titleChars: 40,
  nicknameChars: 40,
  instructionsChars: 280,
  /** Decoded MIDI entry. */
  midiBytes: 256 * 1024,
  /**
   * Notes and other events (controllers, meta…) a MIDI entry may hold, counted before parsing: the
   * labs' largest entry (a 32-step melody strip) has about 1,000 notes and a few dozen other
   * events; a 256 KB file could hold 86,000 controller events, which take the parser a second.
   */
  midiNoteOns: 2048,
  midiOtherEvents: 1024,
  /** Decoded PNG entry. */
  pngBytes: 64 * 1024,
  /** Largest PNG side accepted, in pixels (digits are 28; the bound keeps the worst image cheap to check). */
  pngSide: 256,
  /**
   * Decoded WAV entry: the timbre lab's longest entry, a 16-step morph of 1.28 s notes at 16 kHz,
   * 16-bit mono (≈ 20.5 s), is ~656 KB.
   */
  wavBytes: 1024 * 1024,
  /** A WAV entry's length in seconds (one note is 1.28 s). */
  wavSeconds: { min: 0.1, max: 30 },
  /** A WAV entry's sample rate in Hz (the timbre lab writes 16 kHz). */
  wavSampleRate: { min: 8000, max: 48_000 },
  /** Most numbers in an entry's latent code. */
  latentDims: 512,
  /** Most keys in an entry's `params`. */
  paramKeys: 24,
  /** Longest string value in `params` (melody clips are at most ~32·10 characters). */
  paramChars: 400,
  /** Whole JSON body of a submission (base64 of a 1 MB WAV is ~1.37 MB; of 256 KB of MIDI ~350 KB). */
  submissionBodyBytes: 1536 * 1024,
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

// Control characters and bidi embeddings, overrides and isolates (which can make "ecila" show as
// "alice") are refused with a message; other invisible characters (format characters, default-
// ignorable code points such as soft hyphens, zero-width spaces, variation selectors and tags, and
// the blank-looking braille pattern) are removed. Text is always rendered as text, never as HTML.
const REFUSED_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const INVISIBLE_CHARS = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/gu;
/** Something a person can see: a letter, digit, punctuation mark or symbol. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** Unicode NFC, invisible characters removed, runs of white space collapsed, trimmed. */
export function cleanText(raw: string): string {
  return raw.normalize('NFC').replace(INVISIBLE_CHARS, '').replace(/\s+/g, ' ').trim();
}

/** Length in characters as a person counts them (code points, so an emoji counts once). */
export function charCount(text: string): number {
  return [...text].length;
}

/** A one-line text field of 1..max characters after cleaning (refused when blank once cleaned). */
function line(what: string, max: number) {
  return z
    .string({ error: `${what} must be text.` })
    .refine((s) => !REFUSED_CHARS.test(s.replace(/[\t\n\r]/g, ' ')), { message: `${what} contains control or text-direction characters; use plain text.` })
    .transform(cleanText)
    .refine((s) => VISIBLE.test(s), { message: `${what} is empty (or only invisible characters): type at least one letter or digit.` })
    .refine((s) => charCount(s) <= max, { message: `${what} is too long: at most ${max} characters.` });
}

export const titleSchema = line('The title', LIMITS.titleChars);
export const nicknameSchema = line('The nickname', LIMITS.nicknameChars);

export const instructionsSchema = z
  .string()
  .transform(cleanText)
  .pipe(z.string().max(LIMITS.instructionsChars, `Instructions have at most ${LIMITS.instructionsChars} characters.`))
  .optional();

/** The URL parameter that puts a lab in classroom mode (shows the classroom bar). */
export const CLASSROOM_PARAM = 'classroom';

export const SESSION_STATUSES = ['open', 'locked', 'closed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Who may come in: 'open' (anyone with the code) or 'teacher' (each student waits to be admitted). */
export const ADMISSIONS = ['open', 'teacher'] as const;
export type Admission = (typeof ADMISSIONS)[number];

export const updateSessionSchema = z
  .strictObject({
    status: z.enum(SESSION_STATUSES).optional(),
    votesRevealed: z.boolean().optional(),
    admission: z.enum(ADMISSIONS).optional(),
  })
  .refine((b) => b.status !== undefined || b.votesRevealed !== undefined || b.admission !== undefined, {
    message: 'Send "status", "votesRevealed" and/or "admission".',
  });

/**
 * This browser's random id (`d_` + base64url, made and kept by the browser), sent when joining so
 * the teacher can block the browser of a student they removed. Not a secret and not proof of
 * anything: a private window or another browser gets another id.
 */
export const deviceSchema = z.string().regex(/^d_[A-Za-z0-9_-]{16,64}$/, "device must be this browser's id (d_ and 16–64 letters).");

export const joinSchema = z.strictObject({ nickname: nicknameSchema, device: deviceSchema.optional() });

/** Participants a teacher acts on at once (remove, admit), by id. */
export const participantsActionSchema = z.strictObject({
  ids: z.array(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)).min(1).max(1000),
  /** Remove only: also refuse these students' browsers if they try to join again. */
  block: z.boolean().optional(),
});

export const base64Schema = (what: string) =>
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

export const hideSchema = z.strictObject({ hidden: z.boolean() });

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
  admission: Admission;
  /** Who is asking (a student of a 'teacher' admission session waits until admitted). */
  you: { role: 'teacher' } | { role: 'student'; nickname: string; participantId: number; admitted: boolean };
  /** Teacher only. */
  participants?: ParticipantView[];
}

export interface ParticipantView {
  /** Addresses the student in the API (`/participants/{id}`); nicknames never go in a path. */
  id: number;
  nickname: string;
  joinedAt: string;
  kicked: boolean;
  /** Their browser may not join again (the teacher blocked it when removing them). */
  blocked: boolean;
  /** False while they wait for the teacher to admit them. */
  admitted: boolean;
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
  wavBase64: string | null;
}

/** Live events (Server-Sent Events `event:` names and their `data:`). */
export type ClassroomEvent =
  | { type: 'snapshot'; session: SessionView; submissions: SubmissionView[] }
  | { type: 'joined'; participant: ParticipantView }
  | { type: 'kicked'; id: number; nickname: string; blocked: boolean }
  | { type: 'admitted'; id: number; nickname: string }
  | { type: 'submitted'; submission: SubmissionView }
  | { type: 'updated'; submission: SubmissionView }
  | { type: 'removed'; id: number }
  | { type: 'voted'; id: number; votes: number | null; byYou: boolean }
  | { type: 'session'; status: SessionStatus; votesRevealed: boolean; endsAt: string | null; admission: Admission }
  | { type: 'deleted' };

/** API error codes and the HTTP status each one is sent with. */
export const ERROR_STATUS = {
  bad_json: 400,
  bad_path: 400,
  invalid: 422,
  unauthorized: 401,
  wrong_session: 401,
  forbidden: 403,
  kicked: 403,
  blocked: 403,
  not_admitted: 403,
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
