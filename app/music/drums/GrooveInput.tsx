'use client';
/**
 * "Tap or beatbox a groove": beatbox or play 2 bars into the microphone with the metronome (or drop
 * a recording: its tempo is detected), and the model worker finds the hits and classes each as kick,
 * snare or hi-hat on the grid; or tap it on the keyboard (K kick, S snare, H hi-hat — or the pads)
 * over a one-bar count-in. The groove can then become one of the sampled patterns (editable there)
 * or a blend corner.
 */
import { useEffect, useRef, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { capitalize, count } from '@/lib/core/text';
import { CLIP_STEPS, withTempo } from '@/lib/music/clips';
import { STEPS_PER_BAR, type QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { takeWindows, type MidiWindows } from '@/lib/music/windows';
import { examplesComplete } from '@/lib/sound/drum-calibration';
import { DRUM_PITCHES, DRUM_SOUNDS, tapsToPattern, type DrumSound, type DrumTap } from '@/lib/sound/drums';
import { scheduleClicks } from '@/lib/sound/microphone';
import { DrumGrid } from '@/app/_components/media/DrumGrid';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { useWorkerCall } from '@/app/_components/useWorkerCall';
import { AudioInput, type AudioTake } from '../_components/AudioInput';
import { SOUND_NAMES, TeachSounds, useDrumExamples } from './TeachSounds';

/** The keys of the tapping fallback (and the pads' order). */
export const TAP_KEYS: Readonly<Record<string, DrumSound>> = { k: 'kick', s: 'snare', h: 'hat' };
const PAD_LABELS: Record<DrumSound, string> = { kick: 'Kick (K)', snare: 'Snare (S)', hat: 'Hi-hat (H)' };
const COUNT_IN_BEATS = 4;
const BARS = 2;

export interface GrooveInputProps {
  qpm: number;
  patternCount: number;
  cornerNames: readonly string[];
  /** The groove (2 bars at the lab's tempo) becomes pattern `index`. */
  onPattern(index: number, seq: QuantizedNoteSequence, note: string): void;
  /** The groove's take becomes a corner, 2 bars chosen there like a MIDI file's. */
  onCorner(corner: number, take: { name: string; found: MidiWindows; bar: number }): void;
  onError(message: string): void;
}

interface Groove {
  /** Classed by the player's own sounds. */
  taught?: boolean;
  name: string;
  found: MidiWindows;
  bar: number;
}

/** Keyboard tapping over a count-in and 2 bars of metronome, on its own AudioContext's clock. */
function useTapping(qpm: number, onDone: (taps: DrumTap[], grid: { qpm: number; downbeat: number }) => void) {
  const [tapping, setTapping] = useState<{ context: AudioContext; downbeat: number; end: number }>();
  const [beat, setBeat] = useState<number>();
  const [flash, setFlash] = useState<DrumSound>();
  const taps = useRef<DrumTap[]>([]);
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });

  const tap = (sound: DrumSound) => {
    if (!tapping) return;
    // The clicks are heard `outputLatency` after they are scheduled, and the taps follow what is heard.
    const time = tapping.context.currentTime - (tapping.context.outputLatency || 0);
    taps.current.push({ time, sound });
    setFlash(sound);
  };

  useEffect(() => {
    if (!tapping) return;
    const onKey = (e: KeyboardEvent) => {
      const sound = TAP_KEYS[e.key.toLowerCase()];
      if (!sound || e.repeat || e.metaKey || e.ctrlKey || e.altKey) return;
      e.preventDefault();
      tap(sound);
    };
    window.addEventListener('keydown', onKey);
    const beatSeconds = 60 / qpm;
    const timer = window.setInterval(() => {
      const now = tapping.context.currentTime;
      setBeat(Math.floor((now - tapping.downbeat) / beatSeconds));
      if (now >= tapping.end) {
        window.clearInterval(timer);
        const grid = { qpm, downbeat: tapping.downbeat };
        const kept = taps.current.filter((t) => t.time >= tapping.downbeat - beatSeconds / 8);
        void tapping.context.close().catch(() => undefined);
        setTapping(undefined);
        setBeat(undefined);
        done.current(kept, grid);
      }
    }, 50);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.clearInterval(timer);
    };
    // `tap` reads `tapping`, the effect's own dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tapping, qpm]);

  const start = async () => {
    const context = new AudioContext({ latencyHint: 'interactive' });
    await context.resume();
    const beatSeconds = 60 / qpm;
    const first = context.currentTime + 0.2;
    scheduleClicks(context, first, qpm, COUNT_IN_BEATS + BARS * 4);
    taps.current = [];
    const downbeat = first + COUNT_IN_BEATS * beatSeconds;
    setTapping({ context, downbeat, end: downbeat + BARS * 4 * beatSeconds + beatSeconds / 8 });
  };
  const cancel = () => {
    if (!tapping) return;
    void tapping.context.close().catch(() => undefined);
    setTapping(undefined);
    setBeat(undefined);
  };
  return { tapping: tapping !== undefined, beat, flash, tap, start, cancel };
}

export function GrooveInput({ qpm, patternCount, cornerNames, onPattern, onCorner, onError }: GrooveInputProps) {
  const call = useWorkerCall();
  const [groove, setGroove] = useState<Groove>();
  const [target, setTarget] = useState('pattern-0');
  const [examples, setExamples] = useDrumExamples(onError);
  const [useMine, setUseMine] = useState(true);
  const complete = examplesComplete(examples);
  // A recorded take arrives seconds after Record: it uses the teaching as it is then.
  const mine = useRef<{ examples: typeof examples; use: boolean }>({ examples, use: false });
  useEffect(() => {
    mine.current = { examples, use: complete && useMine };
  });

  const show = (seq: QuantizedNoteSequence, name: string, note: string, taught = false) => {
    const found = takeWindows(seq, note);
    const first = found.windows.findIndex((w) => w.sequence.notes.length > 0);
    setGroove({ name, found, bar: Math.max(0, first), taught });
  };
  const taps = useTapping(qpm, (list, grid) => {
    if (list.length === 0) {
      onError('No taps were heard: press K (kick), S (snare) or H (hi-hat) — or click the pads — along with the clicks after the count-in.');
      return;
    }
    const p = tapsToPattern(list, grid);
    show(p.sequence, 'Your taps', `${count(list.length, 'tap')} at ${qpm} BPM`);
  });

  const transcribe = async (t: AudioTake) => {
    const r = await call.run(
      {
        type: 'sound:groove',
        samples: t.samples,
        sampleRate: t.sampleRate,
        name: t.name,
        ...(t.grid ? { grid: t.grid } : {}),
        ...(mine.current.use ? { examples: mine.current.examples } : {}),
      },
      'sound:groove:done',
      [t.samples.buffer],
    );
    if (!r) return;
    const tempo = `${Math.round(r.tempo.qpm)} BPM${r.tempo.source === 'detected' ? ' (detected)' : ''}`;
    show(r.sequence, t.name, `${count(r.hits, 'hit')} heard in ${t.name}, at ${tempo}${r.taught ? ', classed by your sounds' : ''}`, r.taught);
  };

  const w = groove?.found.windows[groove.bar];
  const clip = w ? withTempo({ ...w.sequence, totalQuantizedSteps: CLIP_STEPS }, qpm) : undefined;
  const use = () => {
    if (!groove || !clip) return;
    const [kind, n] = target.split('-');
    const index = Number(n);
    const note = [`${groove.name}: bars ${groove.bar + 1}–${groove.bar + 2}`, ...groove.found.notes].map((p) => capitalize(p) + '.').join(' ');
    if (kind === 'corner') onCorner(index, groove);
    else onPattern(index, clip, note);
  };
  const lastBar = groove ? groove.found.windows.length - 1 : 0;
  // Hits of each drum in the whole take.
  const hitsOf = (d: DrumSound): number => groove?.found.part.notes.filter((n) => n.pitch === DRUM_PITCHES[d]).length ?? 0;

  return (
    <section className="card groove-input" aria-label="Tap or beatbox a groove" data-testid="groove-input">
      <h2>Tap or beatbox a groove</h2>
      <AudioInput
        hint="Beatbox (“boots and cats”) or play a groove on anything"
        qpm={qpm}
        testId="groove"
        bars={BARS}
        busy={call.running || taps.tapping}
        onTake={(t) => void transcribe(t).catch((e: unknown) => onError(describeError(e)))}
        onError={onError}
      />
      {call.running && (
        <div className="busy-row">
          <ProgressBar label={call.progress?.label ?? 'Listening…'} fraction={call.progress?.fraction} />
          <button type="button" onClick={call.cancel}>
            Cancel
          </button>
        </div>
      )}
      <TeachSounds
        qpm={qpm}
        examples={examples}
        onExamples={setExamples}
        useMine={useMine}
        onUseMine={setUseMine}
        busy={call.running || taps.tapping}
        measure={async (t) =>
          (
            await call.run({ type: 'sound:example-hits', samples: t.samples, sampleRate: t.sampleRate, name: t.name }, 'sound:example-hits:done', [
              t.samples.buffer,
            ])
          )?.features
        }
        onError={onError}
      />
      <div className="controls tap-pads" data-testid="tap-pads">
        {taps.tapping ? (
          <button type="button" className="link-button" onClick={taps.cancel} data-testid="tap-cancel">
            Cancel
          </button>
        ) : (
          <button
            type="button"
            onClick={() => void taps.start().catch((e: unknown) => onError(describeError(e)))}
            disabled={call.running}
            data-testid="tap-start"
          >
            ⌨ Tap it in
          </button>
        )}
        {DRUM_SOUNDS.map((sound) => (
          <button
            key={sound}
            type="button"
            className={`pad${taps.flash === sound && taps.tapping ? ' active' : ''}`}
            disabled={!taps.tapping}
            onPointerDown={() => taps.tap(sound)}
            data-testid={`tap-${sound}`}
          >
            {PAD_LABELS[sound]}
          </button>
        ))}
        <span className="small" aria-live="polite" data-testid="tap-beat">
          {taps.beat === undefined
            ? 'Four clicks, then tap 2 bars.'
            : taps.beat < 0
              ? `Count-in ${COUNT_IN_BEATS + taps.beat + 1}`
              : `Bar ${Math.floor(taps.beat / 4) + 1}, beat ${(taps.beat % 4) + 1}`}
        </span>
      </div>
      {groove && clip && (
        <div className="groove-result" data-testid="groove-result" data-hits={clip.notes.length} data-taught={groove.taught ? '1' : '0'}>
          <DrumGrid seq={clip} label={`${groove.name}, bars ${groove.bar + 1}–${groove.bar + 2}`} />
          <p className="small" data-testid="groove-counts" data-counts={DRUM_SOUNDS.map((d) => `${d}:${hitsOf(d)}`).join(',')}>
            In the whole take: {DRUM_SOUNDS.map((d) => count(hitsOf(d), SOUND_NAMES[d])).join(', ')}
            {groove.taught ? ' — classed by your sounds.' : '.'}
          </p>
          <div className="controls">
            {lastBar > 0 && (
              <label>
                Bars{' '}
                <input
                  type="number"
                  min={1}
                  max={lastBar + 1}
                  value={groove.bar + 1}
                  onChange={(e) => {
                    const bar = Math.round(Number(e.target.value)) - 1;
                    if (Number.isFinite(bar) && bar >= 0 && bar <= lastBar) setGroove({ ...groove, bar });
                  }}
                />
                –{groove.bar + 2} of {groove.found.part.totalQuantizedSteps / STEPS_PER_BAR}
              </label>
            )}
            <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label="Where the groove goes" data-testid="groove-target">
              {Array.from({ length: patternCount }, (_, i) => (
                <option key={`p${i}`} value={`pattern-${i}`}>
                  as pattern {i + 1}
                </option>
              ))}
              {cornerNames.map((name, c) => (
                <option key={`c${c}`} value={`corner-${c}`}>
                  in the {name.toLowerCase()} corner
                </option>
              ))}
            </select>
            <button type="button" onClick={use} data-testid="groove-use">
              Use it
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
