/**
 * From basic-pitch's frame-by-frame posteriors to notes, with basic-pitch's own decoder
 * (`outputToNotesPoly` from `@spotify/basic-pitch`, imported from its TF-free module so no second
 * TF.js is loaded): onsets are peaks of the onset posterior (plus onsets inferred from sudden rises
 * of the frame posterior), each note lasts while its pitch's frame posterior stays above a threshold,
 * and leftover energy becomes notes too (the "melodia trick").
 *
 * The result is polyphonic — a rich tone also yields weaker notes at its harmonics (+12, +19, +24,
 * +28 semitones); melody.ts picks the one line a melody is.
 */
import { outputToNotesPoly } from '@spotify/basic-pitch/cjs/toMidi';
import { BASIC_PITCH, type PitchPosteriors } from './basic-pitch';

/** A note heard in the audio (times in seconds from the start of the take). */
export interface HeardNote {
  /** MIDI pitch 21–108. */
  pitch: number;
  start: number;
  end: number;
  /** Mean frame posterior over the note, 0..1: how sure the model is that this pitch sounds. */
  salience: number;
}

export interface NoteExtractionOptions {
  /** Onset posterior peak needed to start a note (basic-pitch's default 0.5). */
  onsetThreshold?: number;
  /** Frame posterior that keeps a note going (default 0.3). */
  frameThreshold?: number;
  /** Shortest note in frames of 11.6 ms (default 5 ≈ 58 ms). */
  minNoteFrames?: number;
  /** Also start notes where the frame posterior jumps (default true). */
  inferOnsets?: boolean;
  /** Turn leftover energy into notes without onsets (default true). */
  melodiaTrick?: boolean;
  /** Frames a note may dip below `frameThreshold` and go on (default 11). */
  energyTolerance?: number;
  /** Pitch range kept, MIDI (default the model's 21–108). */
  minPitch?: number;
  maxPitch?: number;
}

function rows(values: Float32Array, numFrames: number, width: number): number[][] {
  const out: number[][] = new Array<number[]>(numFrames);
  for (let i = 0; i < numFrames; i++) out[i] = Array.from(values.subarray(i * width, (i + 1) * width));
  return out;
}

/**
 * Notes in `posteriors`, sorted by start then pitch. Pure: the posteriors are not changed.
 */
export function extractNotes(posteriors: PitchPosteriors, options: NoteExtractionOptions = {}): HeardNote[] {
  const n = posteriors.numFrames;
  if (n < 2) return [];
  const events = outputToNotesPoly(
    rows(posteriors.frames, n, BASIC_PITCH.notes),
    rows(posteriors.onsets, n, BASIC_PITCH.notes),
    options.onsetThreshold ?? 0.5,
    options.frameThreshold ?? 0.3,
    options.minNoteFrames ?? 5,
    options.inferOnsets ?? true,
    null,
    null,
    options.melodiaTrick ?? true,
    options.energyTolerance ?? 11,
  );
  const times = posteriors.frameTimes;
  const hop = BASIC_PITCH.fftHop / BASIC_PITCH.sampleRate;
  const timeOf = (frame: number): number => (frame < n ? (times[frame] ?? 0) : (times[n - 1] ?? 0) + (frame - (n - 1)) * hop);
  const minPitch = options.minPitch ?? BASIC_PITCH.midiOffset;
  const maxPitch = options.maxPitch ?? BASIC_PITCH.midiOffset + BASIC_PITCH.notes - 1;
  return events
    .filter((e) => e.pitchMidi >= minPitch && e.pitchMidi <= maxPitch && e.durationFrames > 0)
    .map((e) => ({
      pitch: e.pitchMidi,
      start: timeOf(e.startFrame),
      end: timeOf(e.startFrame + e.durationFrames),
      salience: e.amplitude,
    }))
    .sort((a, b) => a.start - b.start || a.pitch - b.pitch);
}
