/**
 * NoteSequence: a typed, Magenta-compatible subset of Magenta's NoteSequence protobuf.
 *
 * Times are in seconds. A *quantized* sequence also places every note on a grid of steps
 * (by default 4 steps per quarter note, i.e. 16th notes), which is what the models read.
 * All functions treat sequences as immutable values.
 */

export interface Note {
  /** MIDI pitch 0–127 (60 = middle C). For drums, the General MIDI drum sound. */
  pitch: number;
  /** MIDI velocity 0–127 (how hard the note is played). */
  velocity: number;
  startTime: number;
  endTime: number;
  isDrum: boolean;
  /** General MIDI program (instrument) 0–127. */
  program: number;
  /** Index of the track/part the note came from. */
  instrument: number;
}

export interface QuantizedNote extends Note {
  quantizedStartStep: number;
  quantizedEndStep: number;
}

export interface Tempo {
  time: number;
  /** Quarter notes per minute. */
  qpm: number;
}

export interface TimeSignature {
  time: number;
  numerator: number;
  denominator: number;
}

export interface NoteSequence {
  notes: Note[];
  totalTime: number;
  tempos: Tempo[];
  timeSignatures: TimeSignature[];
}

export interface QuantizedNoteSequence extends NoteSequence {
  notes: QuantizedNote[];
  quantizationInfo: { stepsPerQuarter: number };
  totalQuantizedSteps: number;
}

export const DEFAULT_QPM = 120;
export const DEFAULT_STEPS_PER_QUARTER = 4;
export const DEFAULT_VELOCITY = 80;
/** Steps in one 4/4 bar at 4 steps per quarter. */
export const STEPS_PER_BAR = 16;

/** An empty unquantized sequence at `qpm`, in 4/4. */
export function emptySequence(qpm = DEFAULT_QPM): NoteSequence {
  return { notes: [], totalTime: 0, tempos: [{ time: 0, qpm }], timeSignatures: [{ time: 0, numerator: 4, denominator: 4 }] };
}

/** An empty quantized sequence of `totalQuantizedSteps` steps. */
export function emptyQuantizedSequence(totalQuantizedSteps: number, qpm = DEFAULT_QPM, stepsPerQuarter = DEFAULT_STEPS_PER_QUARTER): QuantizedNoteSequence {
  return {
    ...emptySequence(qpm),
    notes: [],
    totalTime: (totalQuantizedSteps / stepsPerQuarter) * (60 / qpm),
    quantizationInfo: { stepsPerQuarter },
    totalQuantizedSteps,
  };
}

/** The tempo at the start of the sequence (quarter notes per minute). */
export function firstQpm(seq: NoteSequence): number {
  return seq.tempos[0]?.qpm ?? DEFAULT_QPM;
}

/**
 * A note on the step grid, at the default velocity (drums on GM channel 10's instrument index 9).
 * Its seconds are 0 until the sequence is `unquantize`d.
 */
export function gridNote(pitch: number, startStep: number, endStep: number, isDrum = false): QuantizedNote {
  return {
    pitch,
    velocity: DEFAULT_VELOCITY,
    startTime: 0,
    endTime: 0,
    isDrum,
    program: 0,
    instrument: isDrum ? 9 : 0,
    quantizedStartStep: startStep,
    quantizedEndStep: endStep,
  };
}

/**
 * Tempo the labs, the CLI and the audio engine accept, in quarter notes per minute (inclusive), with
 * the default the labs start at (the drum lab starts at 100).
 */
export const TEMPO_RANGE = { min: 40, max: 240, default: 120 } as const;

/** Allowed swing, as a fraction of one step (inclusive): 0 = straight, 0.5 = a half step late. */
export const SWING_RANGE = { min: 0, max: 0.5, default: 0 } as const;
