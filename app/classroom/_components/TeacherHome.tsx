'use client';
/**
 * The teacher's start page: set a challenge (title, kind and what it fixes, optional time limit)
 * and open its projector view; the sessions made on this browser are listed to reopen.
 */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { describeError } from '@/lib/core/errors';
import { ClassroomClient } from '@/lib/classroom/client';
import { CHALLENGES, TIMBRE_BLEND_DEFAULTS, type ChallengeInput, type ChallengeKind, type DIGIT_MODELS } from '@/lib/classroom/challenges';
import { LIMITS } from '@/lib/classroom/schema';
import { DRUM_LAB_LIMITS } from '@/lib/music/lab-url';
import { encodeMelodyClip } from '@/lib/music/clips';
import { MELODY_EXAMPLES, melodyExample } from '@/lib/music/examples';
import { setProgramsByFamily } from '@/lib/timbre/shipped-set';
import { loadTeacherSessions, saveTeacher, type TeacherIdentity } from '@/app/_components/classroom/storage';
import { MusicModelField } from './MusicModelField';

const api = new ClassroomClient();

export function TeacherHome() {
  const router = useRouter();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<ChallengeKind>('melody-interpolation');
  const [melodyA, setMelodyA] = useState(MELODY_EXAMPLES[0]?.id ?? '');
  const [melodyB, setMelodyB] = useState(MELODY_EXAMPLES[1]?.id ?? '');
  const [maxTemperature, setMaxTemperature] = useState(1);
  const [musicModel, setMusicModel] = useState('');
  const [digitModel, setDigitModel] = useState<(typeof DIGIT_MODELS)[number]>('vae');
  const [target, setTarget] = useState(7);
  const [timbreA, setTimbreA] = useState<number>(TIMBRE_BLEND_DEFAULTS.a);
  const [timbreB, setTimbreB] = useState<number>(TIMBRE_BLEND_DEFAULTS.b);
  const [instructions, setInstructions] = useState('');
  const [timed, setTimed] = useState(false);
  const [admits, setAdmits] = useState(false);
  const [minutes, setMinutes] = useState(15);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [sessions, setSessions] = useState<TeacherIdentity[]>([]);
  const [retentionDays, setRetentionDays] = useState<number>();

  useEffect(() => {
    // The retention period is the server's setting (LATENT_LAB_RETENTION_DAYS).
    fetch('/api/classroom', { cache: 'no-store' })
      .then((r) => r.json() as Promise<{ retentionDays?: unknown }>)
      .then((j) => typeof j.retentionDays === 'number' && setRetentionDays(j.retentionDays))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    // localStorage exists only in the browser: read after the first render.
    const t = setTimeout(() => setSessions(loadTeacherSessions().filter((s) => Date.parse(s.expiresAt) > Date.now())), 0);
    return () => clearTimeout(t);
  }, []);

  const challenge = (): ChallengeInput => {
    const extra = instructions.trim() ? { instructions: instructions.trim() } : {};
    const model = musicModel.trim() ? { model: musicModel.trim() } : {};
    switch (kind) {
      case 'melody-interpolation': {
        const a = MELODY_EXAMPLES.find((m) => m.id === melodyA);
        const b = MELODY_EXAMPLES.find((m) => m.id === melodyB);
        if (!a || !b) throw new Error('Choose melodies A and B.');
        return { kind, a: encodeMelodyClip(melodyExample(a)), b: encodeMelodyClip(melodyExample(b)), ...model, ...extra };
      }
      case 'drum-groove':
        return { kind, maxTemperature, ...model, ...extra };
      case 'digit-from-code':
        return { kind, model: digitModel, target, ...extra };
      case 'timbre-blend':
        return { kind, a: timbreA, b: timbreB, ...extra };
      case 'free':
        return { kind, ...extra };
    }
  };

  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.createSession({ title, challenge: challenge(), timeLimitMinutes: timed ? minutes : null, admission: admits ? 'teacher' : 'open' });
      saveTeacher({ code: r.code, token: r.teacherToken, title: title.trim(), createdAt: new Date().toISOString(), expiresAt: r.expiresAt });
      router.push(`/classroom/session?code=${r.code}`);
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <div className="classroom">
      <section className="card" aria-labelledby="new-h">
        <h2 id="new-h">Start a challenge</h2>
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <label>
            Title <span className="muted small">(shown to the class, up to {LIMITS.titleChars} characters)</span>
            <input
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              maxLength={LIMITS.titleChars}
              required
              placeholder="Friday morph-off"
              data-testid="session-title"
            />
          </label>
          <label>
            Challenge
            <select value={kind} onChange={(e) => setKind(e.target.value as ChallengeKind)} data-testid="challenge-kind">
              {CHALLENGES.map((c) => (
                <option key={c.kind} value={c.kind}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
          {kind === 'melody-interpolation' && (
            <div className="controls">
              <label>
                Melody A{' '}
                <select value={melodyA} onChange={(e) => setMelodyA(e.target.value)} data-testid="melody-a">
                  {MELODY_EXAMPLES.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.title}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Melody B{' '}
                <select value={melodyB} onChange={(e) => setMelodyB(e.target.value)} data-testid="melody-b">
                  {MELODY_EXAMPLES.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.title}
                    </option>
                  ))}
                </select>
              </label>
              <MusicModelField kind="melody" value={musicModel} onChange={setMusicModel} />
            </div>
          )}
          {kind === 'drum-groove' && (
            <div className="controls">
              <label>
                Highest temperature allowed{' '}
                <input
                  type="number"
                  min={DRUM_LAB_LIMITS.temperature[0]}
                  max={DRUM_LAB_LIMITS.temperature[1]}
                  step={0.05}
                  value={maxTemperature}
                  onChange={(e) => setMaxTemperature(Number(e.target.value))}
                  data-testid="max-temperature"
                />
              </label>
              <MusicModelField kind="drums" value={musicModel} onChange={setMusicModel} />
            </div>
          )}
          {kind === 'digit-from-code' && (
            <div className="controls">
              <label>
                Model{' '}
                <select value={digitModel} onChange={(e) => setDigitModel(e.target.value as (typeof DIGIT_MODELS)[number])}>
                  <option value="vae">VAE (dense, 2-D code)</option>
                  <option value="conv-vae">Convolutional VAE (2-D code)</option>
                </select>
              </label>
              <label>
                Should look like a{' '}
                <select value={target} onChange={(e) => setTarget(Number(e.target.value))}>
                  {Array.from({ length: 10 }, (_, d) => (
                    <option key={d} value={d}>
                      {d}
                    </option>
                  ))}
                </select>
              </label>
              <span className="muted">Everyone starts from the same random code.</span>
            </div>
          )}
          {kind === 'timbre-blend' && (
            <div className="controls">
              <InstrumentSelect label="Instrument A" value={timbreA} onChange={setTimbreA} testId="timbre-a" />
              <InstrumentSelect label="Instrument B" value={timbreB} onChange={setTimbreB} testId="timbre-b" />
              {timbreA === timbreB && <span className="notice small">Choose two different instruments.</span>}
              <span className="muted">Students morph from A to B in the timbre lab and submit the step between them they like best.</span>
            </div>
          )}
          <label>
            Instructions <span className="muted small">(optional, up to {LIMITS.instructionsChars} characters)</span>
            <textarea value={instructions} onChange={(e) => setInstructions(e.target.value)} maxLength={LIMITS.instructionsChars} rows={2} />
          </label>
          <div className="controls">
            <label>
              <input type="checkbox" checked={timed} onChange={(e) => setTimed(e.target.checked)} data-testid="timed" /> Time limit
            </label>
            <label>
              <input type="checkbox" checked={admits} onChange={(e) => setAdmits(e.target.checked)} data-testid="admits" /> I let students in myself
            </label>
            {timed && (
              <label>
                <input
                  type="number"
                  min={LIMITS.timeLimitMinutes.min}
                  max={LIMITS.timeLimitMinutes.max}
                  value={minutes}
                  onChange={(e) => setMinutes(Number(e.target.value))}
                  data-testid="minutes"
                />{' '}
                minutes
              </label>
            )}
          </div>
          <p className="muted small">
            No accounts: you get a secret teacher link. The session and everything in it (entries, nicknames, votes) is deleted automatically after{' '}
            <strong data-testid="retention-days">
              {retentionDays === undefined ? 'the retention period' : `${retentionDays} day${retentionDays === 1 ? '' : 's'}`}
            </strong>
            , or when you delete it.
          </p>
          <div className="controls">
            <button
              type="submit"
              className="primary"
              disabled={busy || !title.trim() || (kind === 'timbre-blend' && timbreA === timbreB)}
              data-testid="create-session"
            >
              {busy ? 'Creating…' : 'Create the session'}
            </button>
          </div>
          <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
        </form>
      </section>

      {sessions.length > 0 && (
        <section className="card" aria-labelledby="yours-h">
          <h2 id="yours-h">Your sessions on this browser</h2>
          <ul>
            {sessions.map((s) => (
              <li key={s.code}>
                <Link href={`/classroom/session?code=${s.code}`}>{s.title}</Link>{' '}
                <span className="muted">
                  · code {s.code} · deleted on {new Date(s.expiresAt).toLocaleDateString()}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="card" aria-labelledby="student-h">
        <h2 id="student-h">Are you a student?</h2>
        <p>
          <Link href="/classroom/join">Join a session with its code →</Link>
        </p>
      </section>
    </div>
  );
}

/** The shipped timbre set's instruments by name, grouped by family. */
function InstrumentSelect({ label, value, onChange, testId }: { label: string; value: number; onChange: (program: number) => void; testId: string }) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))} data-testid={testId}>
        {setProgramsByFamily().map((g) => (
          <optgroup key={g.family} label={g.family[0]?.toUpperCase() + g.family.slice(1)}>
            {g.programs.map((p) => (
              <option key={p.program} value={p.program}>
                {p.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
