'use client';
/**
 * Transport controls of a lab: play / stop, tempo, loop (and swing for drums), the export buttons,
 * and where the sound stands (waiting for a click, running, or blocked by the browser).
 */
import { RangeField } from '@/app/_components/RangeField';
import { SWING_RANGE, TEMPO_RANGE } from '@/lib/music/note-sequence';
import type { Player } from '@/app/_components/media/usePlayer';

export interface PlaybackBarProps {
  player: Player;
  qpm: number;
  loop?: boolean;
  swing?: number;
  onTempo: (qpm: number) => void;
  onLoop?: (loop: boolean) => void;
  onSwing?: (swing: number) => void;
  onPlay: () => void;
  canPlay: boolean;
  playLabel: string;
  onExportMidi: () => void;
  onExportWav: () => void;
}

export function PlaybackBar({ player, qpm, loop, swing, onTempo, onLoop, onSwing, onPlay, canPlay, playLabel, onExportMidi, onExportWav }: PlaybackBarProps) {
  const playing = player.playing;
  return (
    <section className="card playback" aria-label="Playback">
      <div className="controls">
        <button type="button" onClick={onPlay} disabled={!canPlay} data-testid="play">
          ▶ {playLabel}
        </button>
        <button type="button" onClick={player.stop} disabled={!playing} data-testid="stop">
          ■ Stop
        </button>
        <RangeField
          label="Tempo"
          min={TEMPO_RANGE.min}
          max={TEMPO_RANGE.max}
          step={1}
          value={qpm}
          onChange={onTempo}
          format={(v) => `${v} BPM`}
          data-testid="tempo"
        />
        {onLoop && (
          <label>
            <input type="checkbox" checked={loop ?? false} onChange={(e) => onLoop(e.target.checked)} data-testid="loop" /> Loop
          </label>
        )}
        {onSwing && (
          <RangeField
            label="Swing"
            min={SWING_RANGE.min}
            max={SWING_RANGE.max}
            step={0.05}
            value={swing ?? 0}
            onChange={onSwing}
            format={(v) => `${Math.round(v * 100)}%`}
            data-testid="swing"
          />
        )}
        <button type="button" onClick={onExportMidi} disabled={!canPlay} data-testid="export-midi">
          ⤓ MIDI
        </button>
        <button type="button" onClick={onExportWav} disabled={!canPlay} data-testid="export-wav">
          ⤓ WAV
        </button>
        <span
          className="muted"
          data-testid="audio-state"
          data-state={player.audio}
          data-ticks={playing?.ticks ?? 0}
          data-segment={playing?.segment}
          data-step={playing?.step}
        >
          {player.audio === 'idle' && 'Sound starts when you press a play button.'}
          {player.audio === 'running' && (playing ? `Playing ${playing.segment + 1} · step ${Math.max(0, playing.step) + 1}` : 'Sound on.')}
          {player.audio === 'blocked' && 'This browser blocked sound: click a play button again, or allow sound for this site.'}
        </span>
      </div>
    </section>
  );
}
