'use client';
/** "Play with": the synth, a sound of the timbre space, or a timbre morph across the strip (two sounds). */
import type { TimbreSet } from '@/lib/timbre/examples';
import { parseSoundRef } from '@/lib/timbre/lab-url';
import type { TimbreVoices } from './useTimbreVoices';

function SoundPicker({
  value,
  set,
  label,
  onChange,
  testId,
}: {
  value: string;
  set: TimbreSet | undefined;
  label: string;
  onChange(ref: string): void;
  testId: string;
}) {
  const ref = parseSoundRef(value);
  const families = set ? [...new Set(set.notes.map((n) => n.family))] : [];
  return (
    <select
      value={ref?.kind === 'program' ? value : 'code'}
      onChange={(e) => e.target.value !== 'code' && onChange(e.target.value)}
      aria-label={label}
      data-testid={testId}
    >
      {ref?.kind === 'code' && <option value="code">your sound from the timbre lab</option>}
      {families.map((f) => (
        <optgroup key={f} label={f}>
          {set?.notes
            .filter((n) => n.family === f)
            .map((n) => (
              <option key={n.program} value={`p${n.program}`}>
                {n.programName}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}

export function TimbreVoiceControl({ voices, set }: { voices: TimbreVoices; set: TimbreSet | undefined }) {
  const { choice, setChoice, preparing } = voices;
  return (
    <div className="controls timbre-voice" data-testid="timbre-voice" data-ready={choice.voice !== 'synth' && !preparing ? '1' : undefined}>
      <label>
        Play with{' '}
        <select value={choice.voice} onChange={(e) => setChoice({ voice: e.target.value as typeof choice.voice })} data-testid="voice-choice">
          <option value="synth">the synth</option>
          <option value="timbre">a timbre</option>
          <option value="morph">a timbre morph across the strip</option>
        </select>
      </label>
      {choice.voice !== 'synth' && (
        <SoundPicker
          value={choice.timbre}
          set={set}
          label="The timbre (the strip's first step)"
          onChange={(r) => setChoice({ timbre: r })}
          testId="voice-timbre"
        />
      )}
      {choice.voice === 'morph' && (
        <>
          →
          <SoundPicker
            value={choice.timbre2}
            set={set}
            label="The timbre of the strip's last step"
            onChange={(r) => setChoice({ timbre2: r })}
            testId="voice-timbre2"
          />
        </>
      )}
      {preparing && <span className="muted small">{preparing}</span>}
      {choice.voice !== 'synth' && !preparing && <span className="muted small">rendered by the timbre lab&apos;s decoder (so is the WAV export)</span>}
    </div>
  );
}
