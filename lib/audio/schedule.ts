/**
 * Pure timing for playback and rendering: where on the clock each note of a list of quantized
 * sequences sounds. No Tone.js here, so this runs (and is tested) in Node.
 *
 * The grid: a sequence is a row of steps (16th notes at the default 4 steps per quarter). At a
 * tempo of `qpm` quarter notes per minute one step lasts `60 / qpm / stepsPerQuarter` seconds.
 * Swing: every odd step (the 2nd, 4th, … 16th of each beat) is pushed later by `swing` of a step,
 * which turns straight 16ths into the long-short "shuffle" feel. Even steps never move, so the beat
 * stays steady. Parity is counted within each sequence (each sequence starts on a downbeat).
 */
import { InvalidInputError } from '../core/errors';
import { drumClassOf } from '../music/converters/drums';
import { DEFAULT_STEPS_PER_QUARTER, SWING_RANGE, TEMPO_RANGE, type QuantizedNote, type QuantizedNoteSequence } from '../music/note-sequence';

// The limits live with the music core (lib/music/note-sequence), so the labs' URL state, the worker
// protocol, the CLI and the audio engine all use the same ones.
export { SWING_RANGE, TEMPO_RANGE } from '../music/note-sequence';

/** One note placed on the clock. */
export interface NoteEvent {
  /** Global step (16th at 4 steps per quarter) from the start of the first sequence. */
  step: number;
  /** Seconds from the start, swing applied. */
  time: number;
  /** Seconds the note sounds (from its swung start to its swung end); at least one step for drums. */
  duration: number;
  /** MIDI pitch 0–127 (for drums the General MIDI drum sound). */
  pitch: number;
  /** Loudness 0..1 (MIDI velocity / 127). */
  velocity: number;
  isDrum: boolean;
  /** Drum class 0..8 (kick … ride, see `DRUM_CLASS_NAMES`) for drum notes of a known pitch. */
  drumClass?: number;
  /** Index of the sequence the note came from. */
  segment: number;
}

/** Tempo and feel shared by the realtime player and the offline renderer. */
export interface ScheduleOptions {
  /** Quarter notes per minute, within {@link TEMPO_RANGE}. */
  qpm: number;
  /** 0..0.5: the fraction of a step by which every odd step is delayed. Default 0. */
  swing?: number;
  /** Steps per quarter note; must match the sequences'. Default 4 (16th notes). */
  stepsPerQuarter?: number;
}

/** What {@link sequenceEvents} returns. */
export interface Schedule {
  /** Every note of every sequence, sorted by time (then step, then pitch). */
  events: NoteEvent[];
  /** Seconds per step at the given tempo (no swing). */
  stepSeconds: number;
  /** Sum of the sequences' `totalQuantizedSteps`. */
  totalSteps: number;
  /** `totalSteps * stepSeconds`: when the last sequence ends (release tails not included). */
  totalSeconds: number;
  /** Global step at which each sequence starts (`[0, len0, len0 + len1, …]`). */
  segmentStartSteps: number[];
}

/** The drum class 0..8 of a General MIDI drum pitch (Magenta's 9-class mapping), or undefined. */
export { drumClassOf };

/** Throws {@link InvalidInputError} unless `qpm` is a finite number within {@link TEMPO_RANGE}. */
export function validateTempo(qpm: number): number {
  if (!Number.isFinite(qpm) || qpm < TEMPO_RANGE.min || qpm > TEMPO_RANGE.max) {
    throw new InvalidInputError(`Tempo must be ${TEMPO_RANGE.min}–${TEMPO_RANGE.max} quarter notes per minute (qpm); got ${qpm}. Pick a tempo in that range.`);
  }
  return qpm;
}

/** Throws {@link InvalidInputError} unless `swing` is a finite number within {@link SWING_RANGE}. */
export function validateSwing(swing: number): number {
  if (!Number.isFinite(swing) || swing < SWING_RANGE.min || swing > SWING_RANGE.max) {
    throw new InvalidInputError(
      `Swing must be ${SWING_RANGE.min}–${SWING_RANGE.max} (the fraction of a 16th by which off-beat 16ths are delayed); got ${swing}.`,
    );
  }
  return swing;
}

/** Seconds per step: `60 / qpm / stepsPerQuarter` (0.125 s at 120 qpm, 4 steps per quarter). */
export function stepSeconds(qpm: number, stepsPerQuarter: number = DEFAULT_STEPS_PER_QUARTER): number {
  return 60 / qpm / stepsPerQuarter;
}

/**
 * Seconds by which a step is delayed by swing: `swing * stepSeconds` on odd steps, 0 on even ones.
 * `localStep` is counted from the start of its sequence.
 */
export function swingOffset(localStep: number, swing: number, secondsPerStep: number): number {
  return Math.abs(localStep) % 2 === 1 ? swing * secondsPerStep : 0;
}

/**
 * Swing-aware timing of one note within its sequence, shared by the player and the renderer so
 * both place notes identically. `offset` is the swing delay of the start step (seconds after its
 * grid time); `duration` runs from the swung start to the swung end step, at least one step.
 */
export function noteTiming(localStart: number, localEnd: number, swing: number, secondsPerStep: number): { offset: number; duration: number } {
  const end = Math.max(localEnd, localStart + 1);
  const offset = swingOffset(localStart, swing, secondsPerStep);
  return { offset, duration: (end - localStart) * secondsPerStep + swingOffset(end, swing, secondsPerStep) - offset };
}

/**
 * Throws {@link InvalidInputError} unless the list is non-empty, every sequence has a whole,
 * positive number of steps, and all share `stepsPerQuarter`. Returns the total number of steps.
 */
export function validateSequences(seqs: readonly QuantizedNoteSequence[], stepsPerQuarter: number = DEFAULT_STEPS_PER_QUARTER): number {
  if (seqs.length === 0) {
    throw new InvalidInputError('There is nothing to play: the list of sequences is empty. Pass at least one quantized sequence.');
  }
  let total = 0;
  seqs.forEach((seq, i) => {
    const steps = seq.totalQuantizedSteps;
    if (!Number.isInteger(steps) || steps < 1) {
      throw new InvalidInputError(`Sequence ${i} must have a whole, positive number of steps (totalQuantizedSteps); got ${steps}.`);
    }
    const spq = seq.quantizationInfo.stepsPerQuarter;
    if (spq !== stepsPerQuarter) {
      throw new InvalidInputError(
        `Sequence ${i} is quantized at ${spq} steps per quarter, but playback expects ${stepsPerQuarter}. Quantize every sequence at the same resolution.`,
      );
    }
    total += steps;
  });
  return total;
}

/** Global step at which each sequence starts, when they play one after another. */
export function segmentStarts(seqs: readonly QuantizedNoteSequence[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const seq of seqs) {
    starts.push(at);
    at += seq.totalQuantizedSteps;
  }
  return starts;
}

/**
 * Which sequence a global step falls in, and the step within it. Steps past the end (or negative)
 * wrap around, as when looping; the returned `globalStep` is the wrapped one.
 */
export function locateStep(seqs: readonly QuantizedNoteSequence[], globalStep: number): { segment: number; localStep: number; globalStep: number } {
  const total = seqs.reduce((sum, s) => sum + s.totalQuantizedSteps, 0);
  if (total <= 0) throw new InvalidInputError('Cannot locate a step in an empty list of sequences.');
  const g = ((globalStep % total) + total) % total;
  let start = 0;
  for (let i = 0; i < seqs.length; i++) {
    const len = seqs[i]?.totalQuantizedSteps ?? 0;
    if (g < start + len) return { segment: i, localStep: g - start, globalStep: g };
    start += len;
  }
  return { segment: seqs.length - 1, localStep: g - start, globalStep: g };
}

/** MIDI velocity 0–127 → loudness 0..1 (clamped). */
export function velocityToGain(velocity: number): number {
  return Math.min(1, Math.max(0, velocity / 127));
}

/**
 * Places every note of `seqs` (played one after another, each lasting its `totalQuantizedSteps`)
 * on the clock, at tempo `qpm` with swing. Notes starting outside their sequence are dropped.
 * A note's duration runs from its swung start to its swung end step (minimum one step).
 * Returns a new, time-sorted list; the inputs are not changed.
 *
 * @throws InvalidInputError on a tempo or swing out of range, an empty list, or mixed resolutions.
 */
export function sequenceEvents(seqs: readonly QuantizedNoteSequence[], options: ScheduleOptions): Schedule {
  const qpm = validateTempo(options.qpm);
  const swing = validateSwing(options.swing ?? SWING_RANGE.default);
  const spq = options.stepsPerQuarter ?? DEFAULT_STEPS_PER_QUARTER;
  if (!Number.isInteger(spq) || spq < 1 || spq > 96) {
    throw new InvalidInputError(`stepsPerQuarter must be a whole number 1–96; got ${spq}.`);
  }
  const totalSteps = validateSequences(seqs, spq);
  const sec = stepSeconds(qpm, spq);
  const segmentStartSteps = segmentStarts(seqs);
  const events: NoteEvent[] = [];
  seqs.forEach((seq, segment) => {
    const start = segmentStartSteps[segment] ?? 0;
    for (const n of seq.notes) {
      const s = n.quantizedStartStep;
      if (!Number.isInteger(s) || s < 0 || s >= seq.totalQuantizedSteps) continue;
      const { offset, duration } = noteTiming(s, n.quantizedEndStep, swing, sec);
      const event: NoteEvent = {
        step: start + s,
        time: (start + s) * sec + offset,
        duration,
        pitch: n.pitch,
        velocity: velocityToGain(n.velocity),
        isDrum: n.isDrum,
        segment,
      };
      if (n.isDrum) {
        const c = drumClassOf(n.pitch);
        if (c !== undefined) event.drumClass = c;
      }
      events.push(event);
    }
  });
  events.sort((a, b) => a.time - b.time || a.step - b.step || a.pitch - b.pitch);
  return { events, stepSeconds: sec, totalSteps, totalSeconds: totalSteps * sec, segmentStartSteps };
}

/**
 * The notes of `seq` grouped by start step: entry `s` lists the notes starting at step `s`
 * (`totalQuantizedSteps` entries; notes outside the sequence are left out). Lets a step-based player
 * look up one step in constant time.
 */
export function notesByStep(seq: QuantizedNoteSequence): QuantizedNote[][] {
  const byStep: QuantizedNote[][] = Array.from({ length: Math.max(0, seq.totalQuantizedSteps) }, () => []);
  for (const n of seq.notes) byStep[n.quantizedStartStep]?.push(n);
  return byStep;
}
