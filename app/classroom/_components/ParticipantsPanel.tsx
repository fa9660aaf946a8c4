'use client';
/**
 * Who joined, for the teacher: the class list (by id, never by nickname in a URL), students
 * waiting to be admitted, and the tools against a flood of scripted joins — a notice when many
 * join at once, selecting the newest, removing many at once, blocking their browsers, and
 * "teacher admits" mode.
 */
import { useState } from 'react';
import { ClassroomClient } from '@/lib/classroom/client';
import type { ParticipantView, SessionView } from '@/lib/classroom/schema';
import { count } from '@/lib/core/text';

const api = new ClassroomClient();
/** Joins within a minute that make the panel point at a possible flood. */
const FLOOD_JOINS = 15;

export function ParticipantsPanel(props: {
  session: SessionView;
  token: string;
  participants: ParticipantView[];
  projector: boolean;
  now: number;
  run: (label: string, fn: () => Promise<unknown>) => Promise<void>;
}) {
  const { session, token, participants, projector, now, run } = props;
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [block, setBlock] = useState(false);
  const present = participants.filter((p) => !p.kicked);
  const joined = present.filter((p) => p.admitted);
  const waiting = present.filter((p) => !p.admitted);
  const recent = present.filter((p) => now - Date.parse(p.joinedAt) < 60_000);
  const chosen = [...selected].filter((id) => present.some((p) => p.id === id));
  const toggle = (id: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="joined">
      <h2>
        <span data-testid="joined-count">{joined.length}</span> joined
      </h2>
      {!projector && recent.length >= FLOOD_JOINS && (
        <p className="notice small" role="status" data-testid="flood-notice">
          {recent.length} students joined in the last minute. If these are not your class,{' '}
          <button type="button" className="link-button" data-testid="select-recent" onClick={() => setSelected(new Set(recent.map((p) => p.id)))}>
            select them
          </button>{' '}
          and remove them, and let students in yourself (below).
        </p>
      )}
      {!projector && waiting.length > 0 && (
        <div className="waiting" data-testid="waiting-list">
          <p className="small">
            <strong>{waiting.length}</strong> waiting to be let in:{' '}
            {waiting.map((p) => (
              <button
                key={p.id}
                type="button"
                className="chip"
                data-testid="admit"
                onClick={() => void run('admit', () => api.admit(session.code, token, [p.id]))}
              >
                ✓ {p.nickname}
              </button>
            ))}{' '}
            <button
              type="button"
              data-testid="admit-all"
              onClick={() =>
                void run('admit', () =>
                  api.admit(
                    session.code,
                    token,
                    waiting.map((p) => p.id),
                  ),
                )
              }
            >
              Let everyone in
            </button>
          </p>
        </div>
      )}
      <ul className="joined-list" data-testid="joined-list">
        {participants.map((p) => (
          <li key={p.id} className={p.kicked ? 'kicked' : undefined} data-id={p.id}>
            {!projector && !p.kicked && (
              <input
                type="checkbox"
                checked={selected.has(p.id)}
                onChange={() => toggle(p.id)}
                aria-label={`Select ${p.nickname}`}
                data-testid="participant-select"
              />
            )}
            <span>{p.nickname}</span> {!p.admitted && !p.kicked && <span className="muted small"> (waiting)</span>}
            {p.kicked && <span className="muted small">{p.blocked ? ' (removed, browser blocked)' : ' (removed)'}</span>}
            {!p.kicked && !projector && (
              <button
                type="button"
                className="link-button"
                data-testid="kick"
                aria-label={`Remove ${p.nickname} from the session`}
                onClick={() => {
                  if (window.confirm(`Remove ${p.nickname}? Their link stops working at once; their entries stay until you remove them.`))
                    void run('kick', () => api.kick(session.code, token, p.id, block));
                }}
              >
                remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {!projector && (
        <div className="controls small">
          <label>
            <input type="checkbox" checked={block} onChange={(e) => setBlock(e.target.checked)} data-testid="block-browsers" /> Removing also blocks the browser
          </label>
          <button
            type="button"
            className="danger"
            disabled={chosen.length === 0}
            data-testid="remove-selected"
            onClick={() => {
              if (window.confirm(`Remove ${count(chosen.length, 'student')}${block ? ' and block their browsers' : ''}?`))
                void run('remove', async () => {
                  await api.removeParticipants(session.code, token, chosen, block);
                  setSelected(new Set());
                });
            }}
          >
            Remove selected ({chosen.length})
          </button>
          <label>
            <input
              type="checkbox"
              checked={session.admission === 'teacher'}
              data-testid="admission-toggle"
              onChange={(e) => void run('admission', () => api.updateSession(session.code, token, { admission: e.target.checked ? 'teacher' : 'open' }))}
            />{' '}
            I let new students in myself
          </label>
        </div>
      )}
    </div>
  );
}
