'use client';
/**
 * One of the lab's sounds: pick an instrument of the shipped set (by family), or record or drop one
 * note; see and hear what the model was given and what it rebuilds from the code, and how close.
 */
import { memo, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import type { TimbreSet } from '@/lib/timbre/examples';
import { parseSoundRef } from '@/lib/timbre/lab-url';
import { Spectrogram } from '@/app/_components/media/Spectrogram';
import { playPcm } from '@/app/_components/media/pcm-player';
import { AudioInput, type AudioTake } from '../_components/AudioInput';
import type { Sound } from './useSounds';
import { exportNotesWav } from './timbre-wav';

export interface SoundSlotProps {
  label: string;
  testId: string;
  sound: Sound | undefined;
  busy: boolean;
  problem: string | undefined;
  refValue: string;
  set: TimbreSet | undefined;
  sampleRate: number;
  onPick(ref: string): void;
  onTake(take: AudioTake): Promise<void>;
  onError(message: string): void;
}

export const SoundSlot = memo(function SoundSlot({ label, testId, sound, busy, problem, refValue, set, sampleRate, onPick, onTake, onError }: SoundSlotProps) {
  const [recording, setRecording] = useState(false);
  const [taking, setTaking] = useState(false);
  const parsed = parseSoundRef(refValue);
  const program = parsed?.kind === 'program' ? String(parsed.program) : '';
  const families = set ? [...new Set(set.notes.map((n) => n.family))] : [];
  const play = (samples: Float32Array | undefined) => {
    if (samples) playPcm(samples, sampleRate).catch((e: unknown) => onError(describeError(e)));
  };

  return (
    <figure className="card sound-slot" data-testid={testId} data-busy={busy || taking ? '1' : undefined} data-ref={refValue}>
      <figcaption className="controls">
        <strong>{label}</strong>
        <select
          value={program}
          onChange={(e) => e.target.value !== '' && onPick(`p${e.target.value}`)}
          aria-label={`Instrument of sound ${label}`}
          data-testid={`${testId}-program`}
        >
          <option value="">{parsed?.kind === 'code' ? (sound?.title ?? 'Your sound') : 'Choose…'}</option>
          {families.map((f) => (
            <optgroup key={f} label={f}>
              {set?.notes
                .filter((n) => n.family === f)
                .map((n) => (
                  <option key={n.program} value={n.program}>
                    {n.programName}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <button type="button" className={recording ? 'active' : undefined} onClick={() => setRecording((v) => !v)} data-testid={`${testId}-own`}>
          🎤 Your own note…
        </button>
      </figcaption>
      {recording && (
        <AudioInput
          hint="Sing, hum or play one note (up to 4 s)"
          qpm={120}
          testId={`${testId}-take`}
          maxSeconds={4}
          countIn={false}
          busy={taking}
          onTake={(t) => {
            setTaking(true);
            onTake(t)
              .then(() => setRecording(false))
              .catch((e: unknown) => onError(`Sound ${label}: ${describeError(e)}`))
              .finally(() => setTaking(false));
          }}
          onError={(m) => onError(`Sound ${label}: ${m}`)}
        />
      )}
      {problem && <p className="small notice">{problem}</p>}
      {(busy || taking) && <p className="muted small">Encoding{sound ? ' again' : ''}…</p>}
      {sound && (
        <div className="sound-views">
          {sound.input && (
            <button type="button" className="spectro-button" onClick={() => play(sound.input)} title="Play what the model was given">
              <Spectrogram samples={sound.input} sampleRate={sampleRate} title={`${sound.title}: the note given to the model`} />
              <span className="small">▶ given</span>
            </button>
          )}
          <button
            type="button"
            className="spectro-button"
            onClick={() => play(sound.rebuilt)}
            title="Play the note rebuilt from its code"
            data-testid={`${testId}-play`}
          >
            <Spectrogram samples={sound.rebuilt} sampleRate={sampleRate} title={`${sound.title}: rebuilt from its code`} testId={`${testId}-spectrogram`} />
            <span className="small">▶ from its code</span>
          </button>
        </div>
      )}
      {sound && (
        <p className="small muted" data-testid={`${testId}-info`} data-distance={sound.distance ?? ''}>
          {sound.title}
          {sound.distance !== undefined &&
            ` · spectral distance ${sound.distance.toFixed(2)}${sound.distanceBefore !== undefined ? ` (${sound.distanceBefore.toFixed(2)} before refining${sound.refineSteps ? `, ${sound.refineSteps} steps` : ''})` : ''}`}
          {sound.notes.length > 0 && ` · ${sound.notes.join('; ')}`}{' '}
          <button type="button" className="link-button" onClick={() => exportNotesWav([sound.rebuilt], sampleRate, `sound-${label.toLowerCase()}`)}>
            WAV
          </button>
        </p>
      )}
    </figure>
  );
});
