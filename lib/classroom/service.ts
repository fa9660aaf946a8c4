/**
 * The classroom service: every rule of a challenge session (who may do what, limits, rate limits,
 * retention), over a {@link ClassroomStore} and an {@link EventBus}. Route handlers parse HTTP and
 * call this; it never sees a Request. Every input is `unknown` and is validated here with the
 * shared zod schemas; every refusal is a ClassroomError. How answers look per viewer: views.ts;
 * how an entry is checked: entries.ts and the challenge kinds in ./challenges.
 */
import 'server-only';
import { randomInt } from 'node:crypto';
import { type z } from 'zod';
import { MEDIA_FILES, entrySpec, finalizeChallenge, type Challenge } from './challenges';
import { DAY_MS, DEFAULT_CONFIG, MINUTE_MS, SWEEP_INTERVAL_MS, type ClassroomConfig } from './config';
import { checkEntry } from './entries';
import { ClassroomError } from './errors';
import type { EventBus } from './events';
import { buildExportZip, entryFileName } from './export';
import { toBase64 } from './media';
import { nicknameKey } from './nickname';
import { createSessionSchema, submitSchema } from './requests';
import {
  describeIssues,
  hideSchema,
  isSessionCode,
  joinSchema,
  normalizeCode,
  participantsActionSchema,
  updateSessionSchema,
  type ClassroomEvent,
  type SessionView,
  type SubmissionDetail,
  type SubmissionView,
} from './schema';
import type { ClassroomStore, Principal, SessionRecord, StoredEvent } from './store';
import { hashToken, isTokenShaped, newSessionCode, newToken } from './tokens';
import { accepting, challengeOf, iso, sessionView, submissionView } from './views';
import { findBlockedWord } from './words';

export { DEFAULT_CONFIG, type ClassroomConfig, type RateLimits } from './config';
export { nicknameKey } from './nickname';

/** Who is asking, once their token is checked against the session. */
export type Viewer = { session: SessionRecord; principal: Principal; tokenHash: string };
type StudentViewer = Viewer & { principal: Extract<Principal, { role: 'student' }> };

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new ClassroomError('invalid', describeIssues(r.error));
  return r.data;
}

function refuseBlocked(text: string, what: string): void {
  if (findBlockedWord(text)) throw new ClassroomError('invalid', `${what} contains a word that is not allowed in class. Choose another.`);
}

const KICKED = 'The teacher removed you from this session, so this token no longer works.';

export class ClassroomService {
  readonly store: ClassroomStore;
  readonly bus: EventBus;
  readonly config: ClassroomConfig;
  private readonly now: () => number;
  private lastSweep = 0;
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(deps: { store: ClassroomStore; bus: EventBus; config?: Partial<ClassroomConfig>; now?: () => number }) {
    this.store = deps.store;
    this.bus = deps.bus;
    this.config = { ...DEFAULT_CONFIG, ...deps.config, rateLimits: { ...DEFAULT_CONFIG.rateLimits, ...deps.config?.rateLimits } };
    this.now = deps.now ?? Date.now;
  }

  // ------------------------------------------------------------------ access

  /**
   * Checks `token` against the session `code`. Without a valid token the answer is the same 401
   * whether the code exists or not (and such requests are rate-limited per `address`), so the API
   * cannot be used to find live codes.
   */
  async authorize(rawCode: string, token: string | undefined, address = 'unknown'): Promise<Viewer> {
    await this.maybeSweep();
    const code = normalizeCode(rawCode);
    const tokenHash = token ? hashToken(token) : '';
    const principal = token && isTokenShaped(token) ? await this.store.principalByTokenHash(tokenHash) : undefined;
    if (!principal) {
      await this.limit(`probe:${address}`, this.config.rateLimits.probesPerAddress, 'requests without a valid token from this address');
      throw new ClassroomError(
        'unauthorized',
        token
          ? 'This token is not valid (it may have expired with its session). Join again or use the teacher link.'
          : 'This needs your session token: send the header "Authorization: Bearer <token>" (join the session first, or use the teacher link).',
      );
    }
    const session = await this.store.sessionById(principal.sessionId);
    if (!session || session.expiresAt <= this.now())
      throw new ClassroomError('not_found', `There is no session with the code ${code.slice(0, 12)}. Check the code with your teacher.`);
    if (session.code !== code)
      throw new ClassroomError('wrong_session', `This token belongs to another session; it gives no rights in session ${code.slice(0, 12)}.`);
    if (principal.role === 'student' && principal.kicked) throw new ClassroomError('kicked', KICKED);
    return { session, principal, tokenHash };
  }

  private async teacher(code: string, token: string | undefined, address?: string): Promise<Viewer> {
    const v = await this.authorize(code, token, address);
    if (v.principal.role !== 'teacher') throw new ClassroomError('forbidden', 'Only the teacher of this session can do that.');
    return v;
  }

  /** An admitted student (a student still waiting for the teacher gets 'not_admitted'). */
  private async student(code: string, token: string | undefined, what: string, address?: string): Promise<StudentViewer> {
    const v = await this.authorize(code, token, address);
    if (v.principal.role !== 'student') throw new ClassroomError('forbidden', `Only students ${what}; the teacher's link cannot.`);
    this.requireAdmitted(v.principal);
    return v as StudentViewer;
  }

  private requireAdmitted(p: Principal): void {
    if (p.role === 'student' && !p.admitted) throw new ClassroomError('not_admitted', 'The teacher has not let you in yet: wait on the session page.');
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

  // ------------------------------------------------------------------ retention

  /** Deletes sessions past their retention on the way of a request (at most once a minute). */
  private async maybeSweep(): Promise<void> {
    const now = this.now();
    if (now - this.lastSweep < MINUTE_MS) return;
    this.lastSweep = now;
    await this.sweep();
  }

  /** Deletes every session whose retention has ended and ends its live streams; returns how many. */
  async sweep(): Promise<number> {
    const ids = await this.store.sweep(this.now());
    for (const id of ids) await this.bus.publish(id, { kind: 'deleted' });
    return ids.length;
  }

  /**
   * Sweeps every `intervalMs` (default 30 s) while the server runs, also when no request comes:
   * expired sessions leave the database and their open streams end within that time. The timer
   * does not keep the process alive. Returns the function that stops it.
   */
  startSweeper(intervalMs = SWEEP_INTERVAL_MS): () => void {
    this.stopSweeper();
    const timer = setInterval(() => {
      this.sweep().catch((error: unknown) => console.error('Classroom sweep failed (it runs again):', error instanceof Error ? error.message : error));
    }, intervalMs);
    timer.unref?.();
    this.sweeper = timer;
    return () => this.stopSweeper();
  }

  stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  // ------------------------------------------------------------------ views

  challengeOf(session: SessionRecord): Challenge {
    return challengeOf(session);
  }

  accepting(session: SessionRecord): boolean {
    return accepting(session, this.now());
  }

  private async view(v: Viewer): Promise<SessionView> {
    const participants = v.principal.role === 'teacher' ? await this.store.listParticipants(v.session.id) : undefined;
    return sessionView(v.session, v.principal, { now: this.now(), retentionDays: this.config.retentionDays, participants });
  }

  /** The whole gallery as `viewer` sees it, with the sequence number it reflects. */
  async snapshotFor(v: Viewer): Promise<{ seq: number; event: Extract<ClassroomEvent, { type: 'snapshot' }> }> {
    const snap = await this.store.snapshot(v.session.id);
    if (!snap) throw new ClassroomError('not_found', 'This session was deleted.');
    const voted = v.principal.role === 'student' ? await this.store.votedBy(v.session.id, v.principal.participantId) : new Set<number>();
    const submissions = snap.submissions
      .map((s) => submissionView(s, v.principal, snap.session.votesRevealed, voted))
      .filter((s): s is SubmissionView => s !== undefined);
    return { seq: snap.session.lastSeq, event: { type: 'snapshot', session: await this.view({ ...v, session: snap.session }), submissions } };
  }

  // ------------------------------------------------------------------ sessions

  async createSession(body: unknown, address: string): Promise<{ code: string; teacherToken: string; expiresAt: string }> {
    await this.maybeSweep();
    // Per address only: a server-wide limit would let one flood lock every other teacher out.
    await this.limit(`create:${address}`, this.config.rateLimits.createsPerAddress, 'new sessions from this address');
    const input = parse(createSessionSchema, body);
    refuseBlocked(input.title, 'The title');
    if (input.challenge.instructions) refuseBlocked(input.challenge.instructions, 'The instructions');
    const challenge = finalizeChallenge(input.challenge, () => randomInt(0, 2 ** 32 - 1) / 2 ** 32);
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
        admission: input.admission ?? 'open',
      });
      if (r.ok) return { code: r.session.code, teacherToken, expiresAt: iso(r.session.expiresAt) };
    }
    throw new ClassroomError('unavailable', 'Could not find a free join code; try again.', { retryAfterSeconds: 1 });
  }

  async getSession(code: string, token: string | undefined, address?: string): Promise<SessionView> {
    return this.view(await this.authorize(code, token, address));
  }

  async updateSession(code: string, token: string | undefined, body: unknown, address?: string): Promise<SessionView> {
    const v = await this.teacher(code, token, address);
    await this.limit(`change:${v.tokenHash}`, this.config.rateLimits.changesPerToken, 'changes');
    const patch = parse(updateSessionSchema, body);
    const now = this.now();
    // Reopening after the time limit ran out removes the limit (otherwise "open" would stay shut).
    const endsAt = patch.status === 'open' && v.session.endsAt !== null && v.session.endsAt <= now ? null : undefined;
    const r = await this.store.updateSession(v.session.id, { ...patch, endsAt }, now);
    if (!r.ok) throw new ClassroomError('not_found', 'This session was deleted.');
    await this.publish(v.session.id, r.events);
    return this.view({ ...v, session: r.session });
  }

  async deleteSession(code: string, token: string | undefined, address?: string): Promise<void> {
    const v = await this.teacher(code, token, address);
    await this.store.deleteSession(v.session.id);
    await this.bus.publish(v.session.id, { kind: 'deleted' });
  }

  // ------------------------------------------------------------------ people

  async join(rawCode: string, body: unknown, address: string): Promise<{ studentToken: string; nickname: string; code: string; admitted: boolean }> {
    await this.maybeSweep();
    await this.limit(`join:${address}`, this.config.rateLimits.joinsPerAddress, 'joins from this address');
    const { nickname, device } = parse(joinSchema, body);
    refuseBlocked(nickname, 'The nickname');
    const code = normalizeCode(rawCode);
    const session = isSessionCode(code) ? await this.store.sessionByCode(code) : undefined;
    if (!session || session.expiresAt <= this.now()) {
      // Guessing codes is bounded server-wide (a real code never counts here).
      await this.limit('join-miss:*', this.config.rateLimits.joinMissesPerServer, 'joins with unknown codes on this server');
      throw new ClassroomError('not_found', `There is no session with the code ${code.slice(0, 12)}. Check the code with your teacher.`);
    }
    await this.limit(`join-session:${session.id}`, this.config.rateLimits.joinsPerSession, 'joins to this session');
    const studentToken = newToken('student');
    const r = await this.store.addParticipant(
      session.id,
      { nickname, nicknameKey: nicknameKey(nickname), tokenHash: hashToken(studentToken), deviceHash: device ? hashToken(device) : null },
      this.now(),
      this.config.maxParticipants,
    );
    if (!r.ok) {
      switch (r.reason) {
        case 'full':
          throw new ClassroomError('session_full', `This session is full (${this.config.maxParticipants} students). Ask your teacher to start another one.`);
        case 'nickname_taken':
          throw new ClassroomError(
            'nickname_taken',
            `Someone in this session is already called "${nickname}" (or something that looks the same). Choose another nickname.`,
          );
        case 'blocked':
          throw new ClassroomError('blocked', 'The teacher removed this browser from the session; it cannot join again.');
        case 'closed':
          throw new ClassroomError('closed', 'This session has ended; it takes no new students.');
        case 'not_found':
          throw new ClassroomError('not_found', 'This session was deleted.');
      }
    }
    await this.publish(session.id, r.events);
    return { studentToken, nickname, code: session.code, admitted: r.admitted };
  }

  /** Removes students (by id), optionally blocking their browsers from joining again. */
  async removeParticipants(code: string, token: string | undefined, body: unknown, address?: string): Promise<{ removed: number }> {
    const v = await this.teacher(code, token, address);
    await this.limit(`change:${v.tokenHash}`, this.config.rateLimits.changesPerToken, 'changes');
    const { ids, block } = parse(participantsActionSchema, body);
    const r = await this.store.kickParticipants(v.session.id, ids, block ?? false, this.now());
    if (!r.ok) throw new ClassroomError('not_found', 'None of these students is in this session (or they were already removed).');
    await this.publish(v.session.id, r.events);
    return { removed: r.kicked };
  }

  /** Lets waiting students in (sessions whose admission is 'teacher'). */
  async admitParticipants(code: string, token: string | undefined, body: unknown, address?: string): Promise<{ admitted: number }> {
    const v = await this.teacher(code, token, address);
    await this.limit(`change:${v.tokenHash}`, this.config.rateLimits.changesPerToken, 'changes');
    const { ids } = parse(participantsActionSchema, body);
    const r = await this.store.admitParticipants(v.session.id, ids, this.now());
    if (!r.ok) throw new ClassroomError('not_found', 'None of these students is waiting to be admitted.');
    await this.publish(v.session.id, r.events);
    return { admitted: r.admitted };
  }

  // ------------------------------------------------------------------ entries

  async submit(code: string, token: string | undefined, body: unknown, address?: string): Promise<{ id: number }> {
    const v = await this.student(code, token, 'submit entries', address);
    await this.limit(`submit:${v.tokenHash}`, this.config.rateLimits.submissionsPerToken, 'entries');
    const input = parse(submitSchema, body);
    refuseBlocked(input.title, 'The title');
    if (!this.accepting(v.session)) throw this.notAccepting(v.session);
    const entry = checkEntry(this.challengeOf(v.session), input);
    const r = await this.store.addSubmission(v.session.id, v.principal.participantId, entry, this.now());
    if (!r.ok) {
      if (r.reason === 'kicked') throw new ClassroomError('kicked', KICKED);
      const fresh = await this.store.sessionById(v.session.id);
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

  private async votedBy(v: Viewer): Promise<Set<number>> {
    return v.principal.role === 'student' ? this.store.votedBy(v.session.id, v.principal.participantId) : new Set<number>();
  }

  async listSubmissions(code: string, token: string | undefined, address?: string): Promise<SubmissionView[]> {
    const v = await this.authorize(code, token, address);
    this.requireAdmitted(v.principal);
    const voted = await this.votedBy(v);
    const all = await this.store.listSubmissions(v.session.id);
    return all.map((s) => submissionView(s, v.principal, v.session.votesRevealed, voted)).filter((s): s is SubmissionView => s !== undefined);
  }

  /** An entry with its file, for whoever may see the entry (hidden entries: the teacher and the author only). */
  private async visibleEntry(code: string, token: string | undefined, id: number, address?: string) {
    const v = await this.authorize(code, token, address);
    this.requireAdmitted(v.principal);
    const rec = await this.store.getSubmission(v.session.id, id);
    const view = rec && submissionView(rec, v.principal, v.session.votesRevealed, await this.votedBy(v));
    if (!rec || !view) throw new ClassroomError('not_found', `There is no entry ${id} in this session.`);
    return { rec, view };
  }

  async getSubmission(code: string, token: string | undefined, id: number, address?: string): Promise<SubmissionDetail> {
    const { rec, view } = await this.visibleEntry(code, token, id, address);
    const b64 = (bytes: Uint8Array | null) => (bytes ? toBase64(bytes) : null);
    return { ...view, midiBase64: b64(rec.midi), pngBase64: b64(rec.png), wavBase64: b64(rec.wav) };
  }

  /**
   * An entry's file as it was submitted (MIDI, PNG or WAV), with its content type and a file name,
   * under the same rules as {@link getSubmission}: the gallery plays a WAV from it.
   */
  async getSubmissionFile(
    code: string,
    token: string | undefined,
    id: number,
    address?: string,
  ): Promise<{ bytes: Uint8Array; contentType: string; fileName: string }> {
    const { rec } = await this.visibleEntry(code, token, id, address);
    const media = entrySpec(rec.kind)?.media;
    const bytes = media ? rec[media] : null;
    if (!media || !bytes) throw new ClassroomError('not_found', `Entry ${id} has no file.`);
    return { bytes, contentType: MEDIA_FILES[media].contentType, fileName: entryFileName(rec).replace(/^entries\//, '') };
  }

  async setHidden(code: string, token: string | undefined, id: number, body: unknown, address?: string): Promise<SubmissionView> {
    const v = await this.teacher(code, token, address);
    await this.limit(`change:${v.tokenHash}`, this.config.rateLimits.changesPerToken, 'changes');
    const { hidden } = parse(hideSchema, body);
    const r = await this.store.setHidden(v.session.id, id, hidden, this.now());
    if (!r.ok) throw new ClassroomError('not_found', `There is no entry ${id} in this session.`);
    await this.publish(v.session.id, r.events);
    const view = submissionView(r.submission, v.principal, v.session.votesRevealed, new Set());
    if (!view) throw new Error('the teacher sees every entry');
    return view;
  }

  /** The teacher removes any entry; a student withdraws their own. */
  async removeSubmission(code: string, token: string | undefined, id: number, address?: string): Promise<void> {
    const v = await this.authorize(code, token, address);
    this.requireAdmitted(v.principal);
    await this.limit(`change:${v.tokenHash}`, this.config.rateLimits.changesPerToken, 'changes');
    const author = v.principal.role === 'student' ? v.principal.participantId : undefined;
    const r = await this.store.deleteSubmission(v.session.id, id, this.now(), author);
    if (!r.ok) {
      if (r.reason === 'not_author') throw new ClassroomError('forbidden', 'You can only withdraw your own entries.');
      throw new ClassroomError('not_found', `There is no entry ${id} in this session.`);
    }
    await this.publish(v.session.id, r.events);
  }

  async vote(code: string, token: string | undefined, id: number, address?: string): Promise<{ id: number; votes: number | null }> {
    const v = await this.student(code, token, 'vote', address);
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
          throw new ClassroomError('kicked', KICKED);
        case 'not_found':
          throw new ClassroomError('not_found', `There is no entry ${id} in this session.`);
      }
    }
    await this.publish(v.session.id, r.events);
    return { id, votes: v.session.votesRevealed ? r.votes : null };
  }

  async exportZip(code: string, token: string | undefined, address?: string): Promise<{ fileName: string; bytes: Uint8Array }> {
    const v = await this.teacher(code, token, address);
    const data = await this.store.exportSession(v.session.id);
    if (!data) throw new ClassroomError('not_found', 'This session was deleted.');
    return { fileName: `latent-lab-${v.session.code}.zip`, bytes: buildExportZip(data, this.challengeOf(v.session), this.now()) };
  }
}
