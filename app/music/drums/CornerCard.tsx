'use client';
/** One corner of the drum blend: a preset, or 2 bars of a MIDI file (bars chosen), shown as a step grid with how faithfully it comes back. */
import { DrumGrid } from '@/app/_components/media/DrumGrid';
import { DRUM_EXAMPLES } from '@/lib/music/examples';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import type { FidelityInfo } from '@/lib/music/protocol';
import type { MidiWindows } from '@/lib/music/windows';

export interface CornerCardProps {
  index: number;
  name: string;
  seq: QuantizedNoteSequence;
  /** The MIDI file the corner came from, with the bar its 2 bars start at. */
  imported: { name: string; found: MidiWindows; bar: number } | undefined;
  fidelity: FidelityInfo | undefined;
  onPreset(id: string): void;
  /** Empties the corner. */
  onClear(): void;
  /** Back to the corner's default preset (absent while it shows it). */
  onReset: (() => void) | undefined;
  /** The default preset's name, for the Reset button's label. */
  defaultName: string;
  onFile(file: File): void;
  /** Another 0-based start bar of the imported file. */
  onBar(bar: number): void;
}

export function CornerCard({ index, name, seq, imported, fidelity, onPreset, onClear, onReset, defaultName, onFile, onBar }: CornerCardProps) {
  return (
    <figure className="corner" data-testid="blend-corner">
      <figcaption>
        <strong>{name}</strong>
        <select value="" onChange={(e) => e.target.value && onPreset(e.target.value)} aria-label={`Preset for the ${name.toLowerCase()} corner`}>
          <option value="">preset…</option>
          {DRUM_EXAMPLES.map((ex) => (
            <option key={ex.id} value={ex.id}>
              {ex.title}
            </option>
          ))}
        </select>
        <label className="file-button">
          MIDI…
          <input
            type="file"
            className="visually-hidden"
            accept=".mid,.midi,audio/midi,audio/x-midi"
            data-testid={`corner-file-${index + 1}`}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) onFile(file);
            }}
          />
        </label>
        <button type="button" className="link-button" onClick={onClear} data-testid={`corner-clear-${index + 1}`}>
          Clear
        </button>
        {onReset && (
          <button type="button" className="link-button" onClick={onReset} data-testid={`corner-reset-${index + 1}`} title={`Back to ${defaultName}`}>
            Reset
          </button>
        )}
      </figcaption>
      {imported && (
        <label className="corner-bars">
          Bars{' '}
          <input
            type="number"
            min={1}
            max={imported.found.windows.length}
            value={imported.bar + 1}
            onChange={(e) => {
              const bar = Math.round(Number(e.target.value)) - 1;
              if (Number.isFinite(bar)) onBar(bar);
            }}
            data-testid={`corner-bar-${index + 1}`}
          />{' '}
          <span className="muted corner-file-name">
            –{imported.bar + 2} of {imported.name} ({imported.found.windows.length + 1} bars)
          </span>
        </label>
      )}
      <DrumGrid seq={seq} label={`${name} corner`} small />
      {fidelity && (
        <span className="muted corner-fidelity" data-testid="corner-fidelity" data-matching={fidelity.matchingSteps}>
          comes back {fidelity.matchingSteps}/{fidelity.totalSteps} steps ({fidelity.matchingEventSteps}/{fidelity.eventSteps} with hits)
        </span>
      )}
    </figure>
  );
}
