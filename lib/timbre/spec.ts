/**
 * The timbre domain's fixed numbers, in one place: the sample rate, the length of one note, the
 * frame grid the model works on, and the accepted input. Every other file imports them.
 */

/** Samples per second of every note the model hears and makes (16 kHz, as NSynth and DDSP). */
export const SAMPLE_RATE = 16_000;

/** Samples between two frames of the model's grid (10 ms). */
export const HOP = 160;

/** Frames per note. */
export const FRAMES = 128;

/** Samples per note: 128 frames × 160 = 20 480 (1.28 s). */
export const NOTE_SAMPLES = FRAMES * HOP;

/** How long the key is held in the rendered notes (the rest of the 1.28 s is the release). */
export const HELD_SECONDS = 1;

/** The longest input accepted by the sound-level API and the CLI, in seconds (longer files are refused). */
export const MAX_INPUT_SECONDS = 4;

/** The lowest and highest MIDI pitch the model was trained on (C2 … C6); decodes clamp to this range. */
export const MIN_PITCH = 36;
export const MAX_PITCH = 84;

/** Below this peak level (dBFS, of 46-ms frames) a recording counts as silence. */
export const SILENCE_DB = -60;

/** MIDI pitch of a frequency in Hz (A4 = 440 Hz = 69), fractional. */
export function hzToMidi(hz: number): number {
  return 69 + 12 * Math.log2(hz / 440);
}

/** Frequency in Hz of a (fractional) MIDI pitch. */
export function midiToHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

const NOTE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** "C4" for 60, "A#2" for 46 (rounded to the nearest semitone). */
export function pitchName(midi: number): string {
  const m = Math.round(midi);
  return `${NOTE_NAMES[((m % 12) + 12) % 12] ?? '?'}${Math.floor(m / 12) - 1}`;
}
