'use client';
/**
 * The live gallery: every entry as a card with its picture (piano roll, drum grid, the digit, or a
 * sound's waveform), title and nickname (always rendered as text, never as HTML), votes, and the
 * buttons the viewer may use: play, vote, withdraw (students); hide, show, remove (the teacher).
 * MIDI entries play through the page's Tone.js player; a timbre entry's WAV is fetched once from
 * `…/submissions/{id}/media` (with the token, which an <audio> cannot send) and played by an
 * <audio> element from a blob: URL.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
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
import { DrumGrid } from '@/app/_components/media/DrumGrid';
import { PianoRoll, pitchSpanOf } from '@/app/_components/media/PianoRoll';
import { usePlayer } from '@/app/_components/media/usePlayer';
import { Waveform } from '@/app/_components/media/Waveform';

const api = new ClassroomClient();

interface Media {
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

function loadMedia(code: string, token: string, id: number, title: string, kind: SubmissionView['kind']): Promise<Media> {
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
function soundName(ref: EntryParams[string] | undefined): string | undefined {
  const r = typeof ref === 'string' ? parseSoundRef(ref) : undefined;
  if (!r) return undefined;
  return r.kind === 'program' ? instrumentName(r.program) : 'a code';
}

export interface GalleryProps {
  code: string;
  token: string;
  role: 'teacher' | 'student';
  submissions: SubmissionView[];
  /** Projector mode: bigger cards, no moderation buttons. */
  projector?: boolean;
  /** The session is closed: no more votes. */
  closed?: boolean;
  /** Show "votes hidden" even where the counts are known (the projector before the reveal). */
  hideVotes?: boolean;
  onError: (message: string) => void;
}

export function Gallery({ code, token, role, submissions, projector = false, closed = false, hideVotes = false, onError }: GalleryProps) {
  const player = usePlayer(onError);
  if (submissions.length === 0) {
    return (
      <p className="muted" data-testid="gallery-empty">
        No entries yet. They appear here the moment they are submitted.
      </p>
    );
  }
  return (
    <ul className={`gallery${projector ? ' gallery-projector' : ''}`} data-testid="gallery" aria-label="Entries">
      {submissions.map((s) => (
        <EntryCard
          key={s.id}
          code={code}
          token={token}
          role={role}
          s={hideVotes ? { ...s, votes: null } : s}
          projector={projector}
          closed={closed}
          player={player}
          onError={onError}
        />
      ))}
    </ul>
  );
}

function EntryCard({
  code,
  token,
  role,
  s,
  projector,
  closed,
  player,
  onError,
}: {
  code: string;
  token: string;
  role: 'teacher' | 'student';
  s: SubmissionView;
  projector: boolean;
  closed: boolean;
  player: ReturnType<typeof usePlayer>;
  onError: (message: string) => void;
}) {
  const [media, setMedia] = useState<Media>();
  const [busy, setBusy] = useState(false);
  const audio = useRef<HTMLAudioElement>(null);
  const [sounding, setSounding] = useState(false);
  useEffect(() => {
    let live = true;
    loadMedia(code, token, s.id, s.title, s.kind)
      .then((m) => live && setMedia(m))
      .catch((e: unknown) => live && setMedia({ problem: describeError(e) }));
    return () => {
      live = false;
    };
  }, [code, token, s.id, s.title, s.kind]);
  // Sequences starting on the page's player stop this card's sound.
  const sequencePlaying = player.playing !== undefined;
  useEffect(() => {
    if (sequencePlaying) audio.current?.pause();
  }, [sequencePlaying]);

  const act = useCallback(
    async (what: () => Promise<unknown>) => {
      setBusy(true);
      try {
        await what();
      } catch (error) {
        onError(describeError(error));
      } finally {
        setBusy(false);
      }
    },
    [onError],
  );

  const group = `entry-${s.id}`;
  const playing = player.playing?.group === group || sounding;
  const playStep = playing ? player.playing?.step : undefined;
  const voteLabel = s.votes === null ? (s.voted ? 'You voted' : 'Votes hidden until the teacher reveals them') : `${s.votes} vote${s.votes === 1 ? '' : 's'}`;

  return (
    <li
      className={`entry card${s.hidden ? ' entry-hidden' : ''}${playing ? ' entry-playing' : ''}`}
      data-testid="entry"
      data-id={s.id}
      data-votes={s.votes ?? ''}
      data-kind={s.kind}
    >
      <div className="entry-media">
        {/* A data: URL of a few hundred bytes: nothing for next/image to optimise. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        {media?.png && <img src={media.png} alt={`${s.title} by ${s.nickname}`} className="entry-png" width={112} height={112} />}
        {media?.seq && s.kind === 'drums' && <DrumGrid seq={media.seq} label={`${s.title} by ${s.nickname}`} playStep={playStep} small />}
        {media?.seq && s.kind === 'melody' && (
          <div className="roll-scroll">
            <PianoRoll
              seq={media.seq}
              span={pitchSpanOf([media.seq])}
              label={`${s.title} by ${s.nickname}`}
              cell={{ w: 2, h: 2 }}
              playStep={playStep}
              className="roll-wide"
            />
          </div>
        )}
        {media?.sound && (
          <>
            <Waveform samples={media.sound.samples} width={projector ? 240 : 160} height={48} title={`${s.title} by ${s.nickname}`} testId="entry-waveform" />
            <audio
              ref={audio}
              src={media.sound.url}
              preload="auto"
              className="entry-audio"
              data-testid="entry-audio"
              onPlay={(e) => {
                setSounding(true);
                player.stop();
                // One sound at a time in the gallery.
                for (const other of document.querySelectorAll<HTMLAudioElement>('audio.entry-audio')) if (other !== e.currentTarget) other.pause();
              }}
              onPause={() => setSounding(false)}
              onEnded={() => setSounding(false)}
            />
          </>
        )}
        {media?.problem && <p className="muted small">{media.problem}</p>}
        {!media && <p className="muted small">Loading…</p>}
      </div>
      <p className="entry-title" data-testid="entry-title">
        {s.title}
      </p>
      <p className="entry-meta">
        by <span data-testid="entry-nickname">{s.nickname}</span>
        {s.mine && <span className="chip chip-mine">yours</span>}
        {s.hidden && <span className="chip chip-soon">hidden</span>}
        {s.latent && s.kind === 'image' && <span className="muted small"> · z = ({s.latent.map((v) => v.toFixed(2)).join(', ')})</span>}
        {s.kind === 'timbre' && soundName(s.params?.a) && soundName(s.params?.b) && (
          <span className="muted small">
            {' '}
            · between {soundName(s.params?.a)} and {soundName(s.params?.b)}
          </span>
        )}
      </p>
      <p className="entry-votes" data-testid="entry-votes" aria-live="polite">
        {voteLabel}
      </p>
      <div className="controls">
        {media?.seq && (
          <button
            type="button"
            data-testid="play"
            aria-label={`${playing ? 'Stop' : 'Play'} ${s.title}`}
            onClick={() =>
              playing
                ? player.stop()
                : void player.play(group, [media.seq as QuantizedNoteSequence], {
                    kind: s.kind === 'drums' ? 'drums' : 'melody',
                    qpm: media.qpm ?? 120,
                    loop: s.kind === 'drums',
                  })
            }
          >
            {playing ? '■ Stop' : '▶ Play'}
          </button>
        )}
        {media?.sound && (
          <button
            type="button"
            data-testid="play"
            aria-label={`${sounding ? 'Stop' : 'Play'} ${s.title}`}
            onClick={() => {
              const a = audio.current;
              if (!a) return;
              if (!a.paused) {
                a.pause();
                a.currentTime = 0;
                return;
              }
              a.play().catch((e: unknown) => onError(describeError(e)));
            }}
          >
            {sounding ? '■ Stop' : '▶ Play'}
          </button>
        )}
        {role === 'student' && !s.mine && !projector && (
          <button
            type="button"
            data-testid="vote"
            disabled={busy || s.voted || closed || s.hidden}
            onClick={() => void act(() => api.vote(code, token, s.id))}
            aria-label={`Vote for ${s.title}`}
          >
            {s.voted ? '✓ Voted' : '♥ Vote'}
          </button>
        )}
        {role === 'student' && s.mine && !projector && (
          <button
            type="button"
            className="danger"
            data-testid="withdraw"
            disabled={busy}
            onClick={() => {
              if (window.confirm(`Withdraw "${s.title}"? It is deleted for everyone.`)) void act(() => api.remove(code, token, s.id));
            }}
          >
            Withdraw
          </button>
        )}
        {role === 'teacher' && !projector && (
          <>
            <button type="button" data-testid="hide" disabled={busy} onClick={() => void act(() => api.hide(code, token, s.id, !s.hidden))}>
              {s.hidden ? 'Show' : 'Hide'}
            </button>
            <button
              type="button"
              className="danger"
              data-testid="remove"
              disabled={busy}
              onClick={() => {
                if (window.confirm(`Remove "${s.title}" by ${s.nickname}? It is deleted for good.`)) void act(() => api.remove(code, token, s.id));
              }}
            >
              Remove
            </button>
          </>
        )}
      </div>
    </li>
  );
}
