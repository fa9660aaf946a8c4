'use client';
/** The morph strip: sound A turning into sound B in N steps through the timbre space, each step a note at the chosen pitch. */
import { memo, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { INTERPOLATION_MODES, type InterpolationMode } from '@/lib/core/latent-model';
import { TIMBRE_LAB_LIMITS } from '@/lib/timbre/lab-url';
import { pitchName } from '@/lib/timbre/spec';
import { Spectrogram } from '@/app/_components/media/Spectrogram';
import { playPcm } from '@/app/_components/media/pcm-player';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { exportNotesWav } from './timbre-wav';

export interface MorphStripProps {
  clips: readonly Float32Array[] | undefined;
  sampleRate: number;
  running: boolean;
  stale: boolean;
  steps: number;
  mode: InterpolationMode;
  pitch: number;
  titles: { a: string; b: string };
  /** The step clicked last (a classroom entry submits it). */
  chosen: number | undefined;
  onChoose(step: number): void;
  onSettings(patch: { steps?: number; mode?: InterpolationMode; pitch?: number }): void;
  onError(message: string): void;
}

export const MorphStrip = memo(function MorphStrip({
  clips,
  sampleRate,
  running,
  stale,
  steps,
  mode,
  pitch,
  titles,
  chosen,
  onChoose,
  onSettings,
  onError,
}: MorphStripProps) {
  const [playing, setPlaying] = useState<number>();
  const play = (list: readonly Float32Array[], first: number) => {
    playPcm(list, sampleRate, (i) => setPlaying(first + i))
      .then((p) => p.ended)
      .then(() => setPlaying(undefined))
      .catch((e: unknown) => onError(describeError(e)));
  };
  return (
    <section className="card morph" aria-label="Morph from A to B" data-testid="morph">
      <h2>
        Morph: {titles.a} → {titles.b}
      </h2>
      <div className="controls">
        <label>
          Steps{' '}
          <input
            type="number"
            min={TIMBRE_LAB_LIMITS.steps[0]}
            max={TIMBRE_LAB_LIMITS.steps[1]}
            value={steps}
            onChange={(e) => {
              const v = Math.round(Number(e.target.value));
              if (v >= TIMBRE_LAB_LIMITS.steps[0] && v <= TIMBRE_LAB_LIMITS.steps[1]) onSettings({ steps: v });
            }}
            data-testid="morph-steps"
          />
        </label>
        <label>
          Path{' '}
          <select value={mode} onChange={(e) => onSettings({ mode: e.target.value as InterpolationMode })}>
            {INTERPOLATION_MODES.map((m) => (
              <option key={m} value={m}>
                {m === 'lerp' ? 'straight line (lerp)' : 'great circle (slerp)'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pitch{' '}
          <input
            type="range"
            min={TIMBRE_LAB_LIMITS.pitch[0]}
            max={TIMBRE_LAB_LIMITS.pitch[1]}
            value={pitch}
            onChange={(e) => onSettings({ pitch: Number(e.target.value) })}
            data-testid="morph-pitch"
          />{' '}
          {pitchName(pitch)}
        </label>
        <button type="button" onClick={() => clips && play(clips, 0)} disabled={!clips} data-testid="morph-play">
          ▶ Play the morph
        </button>
        <button type="button" className="link-button" onClick={() => clips && exportNotesWav(clips, sampleRate, 'timbre-morph')} disabled={!clips}>
          WAV
        </button>
      </div>
      {running && <ProgressBar label="Decoding the morph…" fraction={undefined} />}
      <ol className={`morph-strip${stale ? ' stale' : ''}`} data-testid="morph-strip" data-count={clips?.length ?? 0}>
        {clips?.map((clip, i) => (
          <li key={i} className={[playing === i ? 'playing' : '', chosen === i ? 'chosen' : ''].join(' ').trim() || undefined}>
            <button
              type="button"
              className="spectro-button"
              onClick={() => {
                onChoose(i);
                play([clip], i);
              }}
              aria-pressed={chosen === i}
              data-testid="morph-item"
            >
              <Spectrogram samples={clip} sampleRate={sampleRate} title={`Step ${i + 1} of ${clips.length}`} width={100} height={64} />
              <span className="small">{i === 0 ? 'A' : i === clips.length - 1 ? 'B' : `${Math.round((i / (clips.length - 1)) * 100)}%`}</span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
});
