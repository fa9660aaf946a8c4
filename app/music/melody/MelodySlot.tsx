'use client';
/**
 * One end of the interpolation (melody A or B): pick a built-in example, import a 2-bar window
 * from a MIDI file (track and window chosen on a piano roll of the whole track), sing or play it in
 * (the whole take on a roll, 2 bars chosen the same way), or draw and edit the notes on a piano roll.
 */
import { describeError } from '@/lib/core/errors';
import { useState } from 'react';
import { CLIP_STEPS, MELODY_PITCH_RANGE, encodeMelodyClip, placeMelodyNote, removeMelodyNoteAt, withTempo } from '@/lib/music/clips';
import { foldIntoRange } from '@/lib/music/converters/melody';
import { MELODY_EXAMPLES, melodyExample, type MelodyExample } from '@/lib/music/examples';
import type { MidiFile } from '@/lib/music/midi';
import { emptyQuantizedSequence, STEPS_PER_BAR, type QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { midiWindows, pickWindow, type MidiWindows } from '@/lib/music/windows';
import { inFile, readMidiFile } from '../_components/midi-file';
import { PianoRoll, type PitchSpan } from '@/app/_components/media/PianoRoll';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { fidelityLine } from '@/lib/music/fidelity';
import type { InputCode } from '../_components/useInputCode';
import { SingIn } from './SingIn';
import { capitalize, count } from '@/lib/core/text';

interface Imported {
  /** The MIDI file's or the take's name. */
  name: string;
  /** The MIDI file (absent for a sung or played take, which has one line). */
  file?: MidiFile;
  track: number;
  found: MidiWindows;
  bar: number;
}

export interface MelodySlotProps {
  which: 'a' | 'b';
  seq: QuantizedNoteSequence;
  qpm: number;
  span: PitchSpan;
  onChange: (seq: QuantizedNoteSequence) => void;
  onError: (message: string) => void;
  onNotice: (message: string) => void;
  onPlay: () => void;
  playStep: number | undefined;
  /** The input's code in the model worker: refined as soon as the melody changes, with its fidelity. */
  code?: InputCode;
}

const exampleClips = new Map<string, string>();
/** An example's URL form, computed once (the slots redraw on every step while music plays). */
function exampleClip(ex: MelodyExample): string {
  let clip = exampleClips.get(ex.id);
  if (clip === undefined) {
    clip = encodeMelodyClip(melodyExample(ex));
    exampleClips.set(ex.id, clip);
  }
  return clip;
}

/** The 2-bar window at `bar` of an import, moved into the melody range and set to the lab's tempo. */
function windowClip(found: MidiWindows, bar: number, qpm: number): { seq: QuantizedNoteSequence; moved: number } {
  const w = found.windows.find((x) => x.startStep === bar * found.meter.stepsPerBar) ?? found.windows[0];
  if (!w) throw new Error('This track is shorter than 2 bars.');
  let moved = 0;
  const notes = w.sequence.notes.map((n) => {
    const pitch = foldIntoRange(n.pitch, MELODY_PITCH_RANGE.min, MELODY_PITCH_RANGE.max);
    if (pitch !== n.pitch) moved++;
    return { ...n, pitch, velocity: Math.max(1, Math.min(127, Math.round(n.velocity))) };
  });
  return { seq: withTempo({ ...w.sequence, notes }, qpm), moved };
}

export function MelodySlot({ which, seq, qpm, span, onChange, onError, onNotice, onPlay, playStep, code }: MelodySlotProps) {
  const [imported, setImported] = useState<Imported>();
  const [singing, setSinging] = useState(false);
  const label = which.toUpperCase();
  const encoded = encodeMelodyClip(seq);
  const example = MELODY_EXAMPLES.find((ex) => exampleClip(ex) === encoded);

  const applyWindow = (next: Imported) => {
    const { seq: clip, moved } = windowClip(next.found, next.bar, qpm);
    setImported(next);
    onChange(clip);
    const m = next.found.meter;
    onNotice(
      [
        `Melody ${label}: 32 sixteenths from bar ${next.bar + 1} of ${next.file ? `track ${next.track + 1} of ` : ''}${next.name} (${m.numerator}/${m.denominator}; ${count(clip.notes.length, 'note')})`,
        ...(moved > 0 ? [`${count(moved, 'note')} moved by octaves into the model's range ${MELODY_PITCH_RANGE.min}–${MELODY_PITCH_RANGE.max}`] : []),
        ...next.found.notes.slice(1),
      ]
        .map((part) => capitalize(part) + '.')
        .join(' '),
    );
  };

  /** Opens a track of a MIDI file (default: the most melodic one) at its first 2 bars with notes. */
  const openTrack = (file: MidiFile, track?: number) => {
    const found = inFile(file.name, () => midiWindows(file, 'melody', track === undefined ? {} : { track }));
    const w = pickWindow(found, file.name);
    applyWindow({ name: file.name, file, track: found.track ?? 0, found, bar: w.startStep / found.meter.stepsPerBar });
  };

  /** A transcribed take, at its first 2 bars with notes. */
  const openTake = (found: MidiWindows, name: string) => {
    try {
      applyWindow({ name, track: 0, found, bar: pickWindow(found, name).startStep / found.meter.stepsPerBar });
    } catch (error) {
      onError(`Melody ${label}: ${describeError(error)}`);
    }
  };

  const chooseTrack = (track: number) => {
    if (!imported?.file) return;
    try {
      openTrack(imported.file, track);
    } catch (error) {
      onError(describeError(error));
    }
  };

  const lastBar = imported ? Math.max(0, imported.found.windows.length - 1) : 0;
  const melodicTracks = imported?.file?.tracks.filter((t) => !t.isDrum && t.noteCount > 0) ?? [];

  return (
    <section className="card melody-slot" aria-label={`Melody ${label}`} data-testid={`melody-slot-${which}`}>
      <div className="controls">
        <h3>Melody {label}</h3>
        <label>
          Example{' '}
          <select
            value={example?.id ?? ''}
            data-testid={`melody-example-${which}`}
            onChange={(e) => {
              const ex = MELODY_EXAMPLES.find((x) => x.id === e.target.value);
              if (ex) {
                setImported(undefined);
                onChange(withTempo(melodyExample(ex), qpm));
              }
            }}
          >
            <option value="" disabled>
              {imported ? 'From a MIDI file' : 'Your own melody'}
            </option>
            {MELODY_EXAMPLES.map((ex) => (
              <option key={ex.id} value={ex.id}>
                {ex.title}
              </option>
            ))}
          </select>
        </label>
        <label className="file-label">
          MIDI file{' '}
          <input
            type="file"
            accept=".mid,.midi,audio/midi,audio/x-midi"
            data-testid={`melody-file-${which}`}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file)
                readMidiFile(file)
                  .then((midi) => openTrack(midi))
                  .catch((error: unknown) => onError(`Melody ${label}: ${describeError(error)}`));
            }}
          />
        </label>
        <button
          type="button"
          className={singing ? 'active' : undefined}
          aria-expanded={singing}
          onClick={() => setSinging((v) => !v)}
          data-testid={`sing-${which}`}
          title="Record from the microphone, or drop an audio file: the main melody line is transcribed onto the grid."
        >
          🎤 Sing it in
        </button>
        <button type="button" onClick={onPlay} data-testid={`play-${which}`}>
          ▶ Play {label}
        </button>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setImported(undefined);
            onChange(emptyQuantizedSequence(CLIP_STEPS, qpm));
          }}
          data-testid={`melody-clear-${which}`}
        >
          Clear
        </button>
      </div>
      {singing && <SingIn which={which} qpm={qpm} onFound={openTake} onError={onError} />}
      {imported && (
        <div className="import-preview" data-testid={`import-preview-${which}`}>
          <div className="controls">
            {imported.file && (
              <label>
                Track{' '}
                <select value={imported.track} onChange={(e) => chooseTrack(Number(e.target.value))} data-testid={`melody-track-${which}`}>
                  {melodicTracks.map((t) => (
                    <option key={t.index} value={t.index}>
                      {t.index + 1}. {t.name || t.instrument} ({t.noteCount} notes)
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label>
              Start bar{' '}
              <input
                type="number"
                min={1}
                max={lastBar + 1}
                value={imported.bar + 1}
                onChange={(e) => {
                  const bar = Math.min(lastBar, Math.max(0, Math.round(Number(e.target.value)) - 1));
                  if (Number.isFinite(bar)) applyWindow({ ...imported, bar });
                }}
                data-testid={`melody-bar-${which}`}
              />
            </label>
            <span className="muted">Click the roll to choose the 2 bars.</span>
          </div>
          <div className="roll-scroll">
            <PianoRoll
              seq={imported.found.part}
              label={imported.file ? `Track ${imported.track + 1} of ${imported.name}` : imported.name}
              cell={{ w: 4, h: 3 }}
              meter={imported.found.meter}
              window={{
                start: imported.bar * imported.found.meter.stepsPerBar,
                length: 2 * STEPS_PER_BAR,
                onPick: (bar) => applyWindow({ ...imported, bar: Math.min(lastBar, bar) }),
              }}
              className="roll-wide"
            />
          </div>
        </div>
      )}
      <PianoRoll
        seq={seq}
        span={span}
        label={`Melody ${label} (editable)`}
        playStep={playStep}
        testId={`melody-roll-${which}`}
        onPlace={(pitch, start, end) => {
          setImported(undefined);
          onChange(placeMelodyNote(seq, pitch, start, end));
        }}
        onRemove={(pitch, step) => onChange(removeMelodyNoteAt(seq, pitch, step))}
      />
      <p className="muted small">Drag on the roll to draw a note; click a note to remove it.</p>
      {code && <CodeStatus code={code} which={which} current={code.forSeq === seq} />}
    </section>
  );
}

/** Where the slot's code stands: refining (with progress and Cancel), or how faithfully the melody comes back. */
function CodeStatus({ code, which, current }: { code: InputCode; which: 'a' | 'b'; current: boolean }) {
  if (code.running)
    return (
      <div className="busy-row" data-testid={`code-progress-${which}`}>
        <ProgressBar label={code.progress?.label ?? 'Encoding…'} fraction={code.progress?.fraction} />
        <button type="button" onClick={code.cancel} data-testid={`code-cancel-${which}`}>
          Cancel
        </button>
      </div>
    );
  if (code.error) return <p className="small notice">{code.error}</p>;
  const f = code.fidelity;
  if (!f) return null;
  return (
    <p
      className={`small fidelity${f.matchingSteps === f.totalSteps ? '' : ' fidelity-lossy'}`}
      data-testid={`code-fidelity-${which}`}
      data-matching={f.matchingSteps}
      data-steps={f.steps ?? 0}
      data-stopped={f.stopped ?? ''}
      data-ms={code.ms ?? 0}
      data-current={current ? '1' : '0'}
    >
      {fidelityLine(f, code.ms)}
    </p>
  );
}
