/**
 * The classroom service: every rule of a challenge session (who may do what, limits, validation of
 * entries against the challenge, rate limits, retention), over a {@link ClassroomStore} and an
 * {@link EventBus}. Route handlers parse HTTP and call this; it never sees a Request. Every input is
 * `unknown` and is validated here with the shared zod schemas; every refusal is a ClassroomError.
 */
import 'server-only';
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { ClassroomError } from './errors';
import type { EventBus } from './events';
import { buildExportZip } from './export';
import { MediaError, base64Bytes, checkMidi, checkPng, fromBase64, toBase64, type MidiSummary } from './media';
import {
  LIMITS,
  challengeSchema,
  createSessionSchema,
  describeIssues,
  hideSchema,
  isSessionCode,
  joinSchema,
  normalizeCode,
  submitSchema,
  updateSessionSchema,
  type Challenge,
  type ClassroomEvent,
  type EntryParams,
  type ParticipantView,
  type SessionView,
  type SubmissionDetail,
  type SubmissionView,
} from './schema';
import type { ClassroomStore, NewSubmission, Principal, SessionRecord, StoredEvent, SubmissionRecord } from './store';
import { hashToken, isTokenShaped, newSessionCode, newToken } from './tokens';
import { findBlockedWord } from './words';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export interface RateLimits {
  /** Joins per client address per minute (a whole school may share one address). */
  joinsPerAddress: number;
  /**
   * Joins per session per minute, whatever the address: the backstop when addresses can be forged
   * (a client reaching `next start` directly can send its own X-Forwarded-For).
   */
  joinsPerSession: number;
  /** Sessions created per minute on this server, whatever the address (same reason). */
  createsPerServer: number;
  /** Sessions created per client address per minute. */
  createsPerAddress: number;
  /** Entries per student token per minute. */
  submissionsPerToken: number;
  /** Votes per student token per minute. */
  votesPerToken: number;
  /** Other changes (moderation, withdrawals) per token per minute. */
  changesPerToken: number;
}

export interface ClassroomConfig {
  /** Days after creation when a session and all its data are deleted. */
  retentionDays: number;
  /** Most students (joined, including removed ones) one session takes. */
  maxParticipants: number;
  rateLimits: RateLimits;
}

export const DEFAULT_CONFIG: ClassroomConfig = {
  retentionDays: 7,
  maxParticipants: 500,
  rateLimits: {
    joinsPerAddress: 240,
    joinsPerSession: 600,
    createsPerAddress: 20,
    createsPerServer: 120,
    submissionsPerToken: 20,
    votesPerToken: 120,
    changesPerToken: 240,
  },
};

/** Who is asking, once their token is checked against the session. */
export type Viewer = { session: SessionRecord; principal: Principal; tokenHash: string };

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Nicknames are unique per session ignoring case, width and accents' encoding. */
export function nicknameKey(nickname: string): string {
  return nickname.normalize('NFKC').toLocaleLowerCase('en');
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new ClassroomError('invalid', describeIssues(r.error));
  return r.data;
}

function refuseBlocked(text: string, what: string): void {
  if (findBlockedWord(text)) throw new ClassroomError('invalid', `${what} contains a word that is not allowed in class. Choose another.`);
}

export class ClassroomService {
  readonly store: ClassroomStore;
  readonly bus: EventBus;
  readonly config: ClassroomConfig;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(deps: { store: ClassroomStore; bus: EventBus; config?: Partial<ClassroomConfig>; now?: () => number }) {
    this.store = deps.store;
    this.bus = deps.bus;
    this.config = { ...DEFAULT_CONFIG, ...deps.config, rateLimits: { ...DEFAULT_CONFIG.rateLimits, ...deps.config?.rateLimits } };
    this.now = deps.now ?? Date.now;
  }

  // ------------------------------------------------------------------ access

  private async sessionOrThrow(rawCode: string): Promise<SessionRecord> {
    await this.maybeSweep();
    const code = normalizeCode(rawCode);
    const session = isSessionCode(code) ? await this.store.sessionByCode(code) : undefined;
    if (!session || session.expiresAt <= this.now())
      throw new ClassroomError('not_found', `There is no session with the code ${code.slice(0, 12)}. Check the code with your teacher.`);
    return session;
  }

  /** Checks `token` against the session `code`: the token must belong to exactly this session. */
  async authorize(rawCode: string, token: string | undefined): Promise<Viewer> {
    const session = await this.sessionOrThrow(rawCode);
    if (!token)
      throw new ClassroomError(
        'unauthorized',
        'This needs your session token: send the header "Authorization: Bearer <token>" (join the session first, or use the teacher link).',
      );
    const tokenHash = hashToken(token);
    const principal = isTokenShaped(token) ? await this.store.principalByTokenHash(tokenHash) : undefined;
    if (!principal)
      throw new ClassroomError('unauthorized', 'This token is not valid (it may have expired with its session). Join again or use the teacher link.');
    if (principal.sessionId !== session.id)
      throw new ClassroomError('wrong_session', `This token belongs to another session; it gives no rights in session ${session.code}.`);
    if (principal.role === 'student' && principal.kicked)
      throw new ClassroomError('kicked', 'The teacher removed you from this session, so this token no longer works.');
    return { session, principal, tokenHash };
  }

  private async teacher(code: string, token: string | undefined): Promise<Viewer> {
    const v = await this.authorize(code, token);
    if (v.principal.role !== 'teacher') throw new ClassroomError('forbidden', 'Only the teacher of this session can do that.');
    return v;
  }

  private async student(code: string, token: string | undefined, what: string): Promise<Viewer & { principal: Extract<Principal, { role: 'student' }> }> {
    const v = await this.authorize(code, token);
    if (v.principal.role !== 'student') throw new ClassroomError('forbidden', `Only students ${what}; the teacher's link cannot.`);
    return v as Viewer & { principal: Extract<Principal, { role: 'student' }> };
  }

  private async limit(key: string, perMinute: number, what: string): Promise<void> {
    const r = await this.store.hitRateLimit(key, perMinute, MINUTE_MS, this.now());
    if (!r.allowed) {
      const seconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
      throw new ClassroomError('rate_limited', `Too many ${what} (at most ${perMinute} a minute). Try again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
  }

  private async publish(sessionId: number, events: StoredEvent[]): Promise<void> {
    if (events.length > 0) await this.bus.publish(sessionId, { kind: 'events', events });
  }

  /** Deletes sessions past their retention (at most once a minute, on the way of a request). */
  private async maybeSweep(): Promise<void> {
    const now = this.now();
    if (now - this.lastSweep < MINUTE_MS) return;
    this.lastSweep = now;
    await this.sweep();
  }

  /** Deletes every session whose retention has ended; returns how many. */
  async sweep(): Promise<number> {
    const ids = await this.store.sweep(this.now());
    for (const id of ids) await this.bus.publish(id, { kind: 'deleted' });
    return ids.length;
  }

  // ------------------------------------------------------------------ views

  challengeOf(session: SessionRecord): Challenge {
    return challengeSchema.parse(JSON.parse(session.challengeJson)) as Challenge;
  }

  accepting(session: SessionRecord): boolean {
    return session.status === 'open' && (session.endsAt === null || session.endsAt > this.now());
  }

  private async sessionView(v: Viewer): Promise<SessionView> {
    const s = v.session;
    const view: SessionView = {
      code: s.code,
      title: s.title,
      challenge: this.challengeOf(s),
      status: s.status,
      accepting: this.accepting(s),
      votesRevealed: s.votesRevealed,
      createdAt: iso(s.createdAt),
      endsAt: s.endsAt === null ? null : iso(s.endsAt),
      expiresAt: iso(s.expiresAt),
      retentionDays: this.config.retentionDays,
      you: v.principal.role === 'teacher' ? { role: 'teacher' } : { role: 'student', nickname: v.principal.nickname },
    };
    if (v.principal.role === 'teacher') {
      view.participants = (await this.store.listParticipants(s.id)).map((p): ParticipantView => ({
        nickname: p.nickname,
        joinedAt: iso(p.joinedAt),
        kicked: p.kickedAt !== null,
        entries: p.entries,
      }));
    }
    return view;
  }

  /** How `viewer` sees an entry, or undefined when it may not see it (hidden, not theirs). */
  submissionView(rec: SubmissionRecord, principal: Principal, votesRevealed: boolean, voted: ReadonlySet<number>): SubmissionView | undefined {
    const teacher = principal.role === 'teacher';
    const mine = principal.role === 'student' && principal.participantId === rec.participantId;
    if (rec.hidden && !teacher && !mine) return undefined;
    return {
      id: rec.id,
      nickname: rec.nickname,
      title: rec.title,
      kind: rec.kind,
      votes: teacher || votesRevealed ? rec.votes : null,
      createdAt: iso(rec.createdAt),
      hidden: rec.hidden,
      mine,
      voted: voted.has(rec.id),
      latent: rec.latent,
      params: rec.params,
    };
  }

  /**
   * What one listener receives for a stored event, or undefined when it is not for them. `state`
   * is the stream's view of the session (votes revealed or not), updated as events pass.
   */
  projectEvent(e: StoredEvent, principal: Principal, state: { votesRevealed: boolean }): ClassroomEvent | undefined {
    const ev = e.event;
    const teacher = principal.role === 'teacher';
    const me = principal.role === 'student' ? principal.participantId : -1;
    switch (ev.type) {
      case 'joined':
        return teacher ? { type: 'joined', nickname: ev.nickname } : undefined;
      case 'kicked':
        return teacher || ev.participantId === me ? { type: 'kicked', nickname: ev.nickname } : undefined;
      case 'submitted': {
        const view = this.submissionView(ev.submission, principal, state.votesRevealed, new Set());
        return view && { type: 'submitted', submission: view };
      }
      case 'hidden': {
        const view = this.submissionView(ev.submission, principal, state.votesRevealed, new Set());
        if (!view) return { type: 'removed', id: ev.submission.id };
        // Voted flags are per listener and unknown here: the client keeps its own.
        return { type: 'updated', submission: view };
      }
      case 'removed':
        return { type: 'removed', id: ev.id };
      case 'voted':
        if (teacher || state.votesRevealed) return { type: 'voted', id: ev.id, votes: ev.votes, byYou: ev.voterId === me };
        return ev.voterId === me ? { type: 'voted', id: ev.id, votes: null, byYou: true } : undefined;
      case 'session':
        state.votesRevealed = ev.votesRevealed;
        return { type: 'session', status: ev.status, votesRevealed: ev.votesRevealed, endsAt: ev.endsAt === null ? null : iso(ev.endsAt) };
    }
  }

  /** The whole gallery as `viewer` sees it, with the sequence number it reflects. */
  async snapshotFor(v: Viewer): Promise<{ seq: number; event: Extract<ClassroomEvent, { type: 'snapshot' }> }> {
    const snap = await this.store.snapshot(v.session.id);
    if (!snap) throw new ClassroomError('not_found', 'This session was deleted.');
    const voted = v.principal.role === 'student' ? await this.store.votedBy(v.session.id, v.principal.participantId) : new Set<number>();
    const viewer: Viewer = { ...v, session: snap.session };
    const submissions = snap.submissions
      .map((s) => this.submissionView(s, v.principal, snap.session.votesRevealed, voted))
      .filter((s): s is SubmissionView => s !== undefined);
    return { seq: snap.session.lastSeq, event: { type: 'snapshot', session: await this.sessionView(viewer), submissions } };
  }

  // ------------------------------------------------------------------ sessions

  async createSession(body: unknown, address: string): Promise<{ code: string; teacherToken: string; expiresAt: string }> {
    await this.maybeSweep();
    await this.limit(`create:${address}`, this.config.rateLimits.createsPerAddress, 'new sessions from this address');
    await this.limit('create:*', this.config.rateLimits.createsPerServer, 'new sessions on this server');
    const input = parse(createSessionSchema, body);
    refuseBlocked(input.title, 'The title');
    if (input.challenge.instructions) refuseBlocked(input.challenge.instructions, 'The instructions');
    const challenge: Challenge =
      input.challenge.kind === 'digit-from-code' ? { ...input.challenge, seed: input.challenge.seed ?? randomInt(1, 0xffffffff) } : input.challenge;
    const now = this.now();
    const teacherToken = newToken('teacher');
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await this.store.createSession({
        code: newSessionCode(),
        title: input.title,
        challengeJson: JSON.stringify(challenge),
        teacherTokenHash: hashToken(teacherToken),
        createdAt: now,
        endsAt: input.timeLimitMinutes ? now + input.timeLimitMinutes * MINUTE_MS : null,
        expiresAt: now + this.config.retentionDays * DAY_MS,
      });
      if (r.ok) return { code: r.session.code, teacherToken, expiresAt: iso(r.session.expiresAt) };
    }
    throw new ClassroomError('unavailable', 'Could not find a free join code; try again.', { retryAfterSeconds: 1 });
  }

  async getSession(code: string, token: string | undefined): Promise<SessionView> {
    return this.sessionView(await this.authorize(code, token));
  }

  async updateSession(code: string, token: string | undefined, body: unknown): Promise<SessionView> {
    const v = await this.teacher(code, token);
    await this.limit(`change:${v.tokenHash}`, this.config.rateLimits.changesPerToken, 'changes');
    const patch = parse(updateSessionSchema, body);
    const now = this.now();
    // Reopening after the time limit ran out removes the limit (otherwise "open" would stay shut).
    const endsAt = patch.status === 'open' && v.session.endsAt !== null && v.session.endsAt <= now ? null : undefined;
    const r = await this.store.updateSession(v.session.id, { ...patch, endsAt }, now);
    if (!r.ok) throw new ClassroomError('not_found', 'This session was deleted.');
    await this.publish(v.session.id, r.events);
    return this.sessionView({ ...v, session: r.session });
  }

  async deleteSession(code: string, token: string | undefined): Promise<void> {
    const v = await this.teacher(code, token);
    await this.store.deleteSession(v.session.id);
    await this.bus.publish(v.session.id, { kind: 'deleted' });
  }

  // ------------------------------------------------------------------ people

  async join(rawCode: string, body: unknown, address: string): Promise<{ studentToken: string; nickname: string; code: string }> {
    await this.limit(`join:${address}`, this.config.rateLimits.joinsPerAddress, 'joins from this address');
    const session = await this.sessionOrThrow(rawCode);
    const { nickname } = parse(joinSchema, body);
    refuseBlocked(nickname, 'The nickname');
    await this.limit(`join-session:${session.id}`, this.config.rateLimits.joinsPerSession, 'joins to this session');
    const studentToken = newToken('student');
    const r = await this.store.addParticipant(
      session.id,
      { nickname, nicknameKey: nicknameKey(nickname), tokenHash: hashToken(studentToken) },
      this.now(),
      this.config.maxParticipants,
    );
    if (!r.ok) {
      if (r.reason === 'full')
        throw new ClassroomError('session_full', `This session is full (${this.config.maxParticipants} students). Ask your teacher to start another one.`);
      if (r.reason === 'nickname_taken')
        throw new ClassroomError('nickname_taken', `Someone in this session is already called "${nickname}". Choose another nickname.`);
      if (r.reason === 'closed') throw new ClassroomError('closed', 'This session has ended; it takes no new students.');
      throw new ClassroomError('not_found', 'This session was deleted.');
    }
    await this.publish(session.id, r.events);
    return { studentToken, nickname, code: session.code };
  }

  async kick(code: string, token: string | undefined, rawNickname: string): Promise<void> {
    const v = await this.teacher(code, token);
    await this.limit(`change:${v.tokenHash}`, this.config.rateLimits.changesPerToken, 'changes');
    const r = await this.store.kickParticipant(v.session.id, nicknameKey(rawNickname.normalize('NFC').trim()), this.now());
    if (!r.ok) throw new ClassroomError('not_found', `Nobody called "${rawNickname.slice(0, 40)}" is in this session (or they were already removed).`);
    await this.publish(v.session.id, r.events);
  }

  // ------------------------------------------------------------------ entries

  async submit(code: string, token: string | undefined, body: unknown): Promise<{ id: number }> {
    const v = await this.student(code, token, 'submit entries');
    await this.limit(`submit:${v.tokenHash}`, this.config.rateLimits.submissionsPerToken, 'entries');
    const input = parse(submitSchema, body);
    refuseBlocked(input.title, 'The title');
    if (!this.accepting(v.session)) throw this.notAccepting(v.session);
    const entry = checkEntry(this.challengeOf(v.session), input);
    const r = await this.store.addSubmission(v.session.id, v.principal.participantId, entry, this.now());
    if (!r.ok) {
      if (r.reason === 'kicked') throw new ClassroomError('kicked', 'The teacher removed you from this session, so this token no longer works.');
      const fresh = await this.store.sessionByCode(v.session.code);
      throw this.notAccepting(fresh ?? v.session);
    }
    await this.publish(v.session.id, r.events);
    return { id: r.submission.id };
  }

  private notAccepting(s: SessionRecord): ClassroomError {
    if (s.status === 'closed') return new ClassroomError('closed', 'This session has ended; it takes no more entries.');
    if (s.status === 'locked') return new ClassroomError('locked', 'The teacher has locked submissions for now; wait until they reopen them.');
    return new ClassroomError('locked', 'Time is up: this challenge no longer takes entries.');
  }

  async listSubmissions(code: string, token: string | undefined): Promise<SubmissionView[]> {
    const v = await this.authorize(code, token);
    const voted = v.principal.role === 'student' ? await this.store.votedBy(v.session.id, v.principal.participantId) : new Set<number>();
    const all = await this.store.listSubmissions(v.session.id);
    return all.map((s) => this.submissionView(s, v.principal, v.session.votesRevealed, voted)).filter((s): s is SubmissionView => s !== undefined);
  }

  async getSubmission(code: string, token: string | undefined, id: number): Promise<SubmissionDetail> {
    const v = await this.authorize(code, token);
    const rec = await this.store.getSubmission(v.session.id, id);
    const voted = v.principal.role === 'student' ? await this.store.votedBy(v.session.id, v.principal.participantId) : new Set<number>();
    const view = rec && this.submissionView(rec, v.principal, v.session.votesRevealed, voted);
    if (!rec || !view) throw new ClassroomError('not_found', `There is no entry ${id} in this session.`);
    return { ...view, midiBase64: rec.midi ? toBase64(rec.midi) : null, pngBase64: rec.png ? toBase64(rec.png) : null };
  }

  async setHidden(code: string, token: string | undefined, id: number, body: unknown): Promise<SubmissionView> {
    const v = await this.teacher(code, token);
    await this.limit(`change:${v.tokenHash}`, this.config.rateLimits.changesPerToken, 'changes');
    const { hidden } = parse(hideSchema, body);
    const r = await this.store.setHidden(v.session.id, id, hidden, this.now());
    if (!r.ok) throw new ClassroomError('not_found', `There is no entry ${id} in this session.`);
    await this.publish(v.session.id, r.events);
    const view = this.submissionView(r.submission, v.principal, v.session.votesRevealed, new Set());
    if (!view) throw new Error('the teacher sees every entry');
    return view;
  }

  /** The teacher removes any entry; a student withdraws their own. */
  async removeSubmission(code: string, token: string | undefined, id: number): Promise<void> {
    const v = await this.authorize(code, token);
    await this.limit(`change:${v.tokenHash}`, this.config.rateLimits.changesPerToken, 'changes');
    const author = v.principal.role === 'student' ? v.principal.participantId : undefined;
    const r = await this.store.deleteSubmission(v.session.id, id, this.now(), author);
    if (!r.ok) {
      if (r.reason === 'not_author') throw new ClassroomError('forbidden', 'You can only withdraw your own entries.');
      throw new ClassroomError('not_found', `There is no entry ${id} in this session.`);
    }
    await this.publish(v.session.id, r.events);
  }

  async vote(code: string, token: string | undefined, id: number): Promise<{ id: number; votes: number | null }> {
    const v = await this.student(code, token, 'vote');
    await this.limit(`vote:${v.tokenHash}`, this.config.rateLimits.votesPerToken, 'votes');
    const r = await this.store.addVote(v.session.id, id, v.principal.participantId, this.now());
    if (!r.ok) {
      switch (r.reason) {
        case 'duplicate':
          throw new ClassroomError('already_voted', 'You already voted for this entry (one vote per entry).');
        case 'own_entry':
          throw new ClassroomError('own_entry', 'You cannot vote for your own entry.');
        case 'closed':
          throw new ClassroomError('closed', 'This session has ended; voting is over.');
        case 'kicked':
          throw new ClassroomError('kicked', 'The teacher removed you from this session, so this token no longer works.');
        case 'not_found':
          throw new ClassroomError('not_found', `There is no entry ${id} in this session.`);
      }
    }
    await this.publish(v.session.id, r.events);
    return { id, votes: v.session.votesRevealed ? r.votes : null };
  }

  async exportZip(code: string, token: string | undefined): Promise<{ fileName: string; bytes: Uint8Array }> {
    const v = await this.teacher(code, token);
    const data = await this.store.exportSession(v.session.id);
    if (!data) throw new ClassroomError('not_found', 'This session was deleted.');
    return { fileName: `latent-lab-${v.session.code}.zip`, bytes: buildExportZip(data, this.challengeOf(v.session), this.now()) };
  }
}

// ------------------------------------------------------------------ entry rules

function requireParam<T>(params: EntryParams | undefined, key: string, schema: z.ZodType<T>, hint: string): T {
  const r = schema.safeParse(params?.[key]);
  if (!r.success) throw new ClassroomError('invalid', `params.${key} ${hint}.`);
  return r.data;
}

function media(input: z.output<typeof submitSchema>): { midi: Uint8Array | null; png: Uint8Array | null; midiInfo?: MidiSummary } {
  const needsPng = input.kind === 'image';
  if (needsPng && !input.pngBase64) throw new ClassroomError('invalid', 'An image entry needs pngBase64 (the PNG of the digit).');
  if (needsPng && input.midiBase64) throw new ClassroomError('invalid', 'An image entry carries pngBase64, not midiBase64.');
  if (!needsPng && !input.midiBase64) throw new ClassroomError('invalid', `A ${input.kind} entry needs midiBase64 (the MIDI file).`);
  if (!needsPng && input.pngBase64) throw new ClassroomError('invalid', `A ${input.kind} entry carries midiBase64, not pngBase64.`);
  try {
    if (input.pngBase64) {
      if (base64Bytes(input.pngBase64) > LIMITS.pngBytes) throw new ClassroomError('too_large', `The PNG is larger than ${LIMITS.pngBytes / 1024} KB.`);
      const png = fromBase64(input.pngBase64);
      checkPng(png);
      return { midi: null, png };
    }
    const text = input.midiBase64 ?? '';
    if (base64Bytes(text) > LIMITS.midiBytes) throw new ClassroomError('too_large', `The MIDI file is larger than ${LIMITS.midiBytes / 1024} KB.`);
    const midi = fromBase64(text);
    return { midi, png: null, midiInfo: checkMidi(midi) };
  } catch (error) {
    if (error instanceof MediaError) throw new ClassroomError(error.reason === 'too_large' ? 'too_large' : 'invalid', error.message, { cause: error });
    throw error;
  }
}

/** Checks an entry against its session's challenge; returns what to store. */
export function checkEntry(challenge: Challenge, input: z.output<typeof submitSchema>): NewSubmission {
  const expectKind =
    challenge.kind === 'melody-interpolation'
      ? 'melody'
      : challenge.kind === 'drum-groove'
        ? 'drums'
        : challenge.kind === 'digit-from-code'
          ? 'image'
          : undefined;
  if (expectKind && input.kind !== expectKind) throw new ClassroomError('invalid', `This challenge takes ${expectKind} entries, not ${input.kind}.`);
  const m = media(input);
  if (m.midiInfo) {
    const melodic = m.midiInfo.notes - m.midiInfo.drumNotes;
    if (input.kind === 'drums' && m.midiInfo.drumNotes === 0)
      throw new ClassroomError('invalid', 'The MIDI file has no drum notes (channel 10); a drums entry needs a groove.');
    if (input.kind === 'melody' && melodic === 0) throw new ClassroomError('invalid', 'The MIDI file has only drum notes; a melody entry needs notes.');
  }
  const params = input.params;
  if (challenge.kind === 'melody-interpolation') {
    requireParam(params, 'steps', z.number().int().min(2).max(32), 'must be the number of interpolation steps (2–32)');
    requireParam(params, 'temperature', z.number().min(0).max(1.5), 'must be the temperature (0–1.5)');
    requireParam(params, 'mode', z.enum(['lerp', 'slerp']), 'must be "lerp" or "slerp"');
    if (params?.a !== challenge.a || params?.b !== challenge.b)
      throw new ClassroomError('invalid', 'The challenge fixes melodies A and B; this entry was made from other melodies.');
    if (params?.model !== challenge.model)
      throw new ClassroomError('invalid', `The challenge fixes the model ${challenge.model}; this entry was made with another one.`);
  } else if (challenge.kind === 'drum-groove') {
    const t = requireParam(params, 'temperature', z.number().min(0).max(1.5), 'must be the sampling temperature');
    if (t > challenge.maxTemperature + 1e-9)
      throw new ClassroomError('invalid', `The challenge caps the temperature at ${challenge.maxTemperature}; this groove used ${t}.`);
    if (m.midiInfo && m.midiInfo.quarters > 8.01)
      throw new ClassroomError('invalid', `A groove is 2 bars (8 beats); this MIDI lasts ${m.midiInfo.quarters.toFixed(1)} beats.`);
  } else if (challenge.kind === 'digit-from-code') {
    if (!input.latent || input.latent.length !== 2)
      throw new ClassroomError('invalid', 'A digit entry needs its latent code: latent = [z1, z2] (the 2-D VAE code).');
    if (params?.model !== challenge.model)
      throw new ClassroomError('invalid', `The challenge fixes the model ${challenge.model}; this entry was made with another one.`);
  }
  if (input.kind === 'image' && input.latent === undefined && challenge.kind !== 'free')
    throw new ClassroomError('invalid', 'An image entry needs its latent code.');
  return { title: input.title, kind: input.kind, midi: m.midi, png: m.png, latent: input.latent ?? null, params: params ?? null };
}
