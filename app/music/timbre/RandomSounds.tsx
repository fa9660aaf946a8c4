'use client';
/** Random timbres: codes drawn from the prior (seeded, temperature scales how far out), heard at the lab's pitch, each usable as a sound. */
import { useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { formatCode, TIMBRE_LAB_LIMITS } from '@/lib/timbre/lab-url';
import { Spectrogram } from '@/app/_components/media/Spectrogram';
import { playPcm } from '@/app/_components/media/pcm-player';
import { useWorkerCall } from '@/app/_components/useWorkerCall';

export interface RandomSoundsProps {
  pitch: number;
  seed: number;
  temperature: number;
  sampleRate: number;
  ready: boolean;
  onSettings(patch: { seed?: number; temp?: number }): void;
  onUse(ref: string, slot: 'a' | 'b' | 'c' | 'd'): void;
  onError(message: string): void;
}

export function RandomSounds({ pitch, seed, temperature, sampleRate, ready, onSettings, onUse, onError }: RandomSoundsProps) {
  const call = useWorkerCall();
  const [made, setMade] = useState<{ clips: Float32Array[]; codes: number[][] }>();
  const make = (s: number) => {
    onSettings({ seed: s });
    call
      .run({ type: 'timbre:random', n: 4, seed: s, temperature, pitch }, 'timbre:audio')
      .then((r) => r && r.codes && setMade({ clips: r.clips, codes: r.codes }))
      .catch((e: unknown) => onError(describeError(e)));
  };
  return (
    <section className="card random-sounds" aria-label="Random sounds">
      <h2>Random sounds</h2>
      <div className="controls">
        <button type="button" onClick={() => make(seed)} disabled={!ready || call.running} data-testid="random-make">
          🎲 Four random sounds
        </button>
        <button type="button" className="link-button" onClick={() => make((seed + 1) % 0xffffffff)} disabled={!ready || call.running}>
          Others
        </button>
        <label title="How far from the middle of the timbre space the codes are drawn (1 = as in training)">
          Temperature{' '}
          <input
            type="number"
            step={0.1}
            min={TIMBRE_LAB_LIMITS.temperature[0]}
            max={TIMBRE_LAB_LIMITS.temperature[1]}
            value={temperature}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (v >= TIMBRE_LAB_LIMITS.temperature[0] && v <= TIMBRE_LAB_LIMITS.temperature[1]) onSettings({ temp: v });
            }}
          />
        </label>
        <span className="muted small">seed {seed}</span>
      </div>
      {made && (
        <ul className="random-list" data-testid="random-list">
          {made.clips.map((clip, i) => (
            <li key={i}>
              <button type="button" className="spectro-button" onClick={() => playPcm(clip, sampleRate).catch((e: unknown) => onError(describeError(e)))}>
                <Spectrogram samples={clip} sampleRate={sampleRate} title={`Random sound ${i + 1}`} width={120} height={64} />
                <span className="small">▶ {i + 1}</span>
              </button>
              <div className="controls small">
                {(['a', 'b'] as const).map((slot) => (
                  <button
                    key={slot}
                    type="button"
                    className="link-button"
                    onClick={() => onUse(formatCode(made.codes[i] ?? []), slot)}
                    data-testid={`random-use-${slot}`}
                  >
                    as {slot.toUpperCase()}
                  </button>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
