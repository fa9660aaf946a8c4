/** Tiny in-memory timbre datasets for tests (no fluidsynth, no files). */
import { indexFormat, type DatasetNote, type Split } from '../dataset';
import type { TimbreDataset } from '../dataset-node';
import { peakLoudnessDb } from '../dsp';
import { FEATURE_DIMS, noteFeatures } from '../features';
import { gmFamily } from '../gm';
import { FRAMES, midiToHz, NOTE_SAMPLES } from '../spec';
import { syntheticNote } from './notes';

/** One note of a synthetic dataset: its key, GM program and split. */
export interface SyntheticSpec {
  pitch: number;
  program: number;
  split: Split;
}

/** The default: 6 training notes and 2 validation notes. */
const DEFAULT_SPECS: readonly SyntheticSpec[] = [48, 52, 55, 60, 64, 67, 57, 62].map((pitch, i) => ({
  pitch,
  program: [0, 40, 56, 73][i % 4] as number,
  split: i < 6 ? 'train' : 'validation',
}));

/** A dataset of synthetic notes in memory (one soundfont, 'synth'), each note made by {@link syntheticNote} with its own slope and decay. */
export function syntheticDataset(specs: readonly SyntheticSpec[] = DEFAULT_SPECS): TimbreDataset {
  const audio = new Int16Array(specs.length * NOTE_SAMPLES);
  const features = new Float32Array(specs.length * FRAMES * FEATURE_DIMS);
  const notes: DatasetNote[] = specs.map((s, i) => {
    const clip = syntheticNote({ pitch: s.pitch, slope: 1 + (i % 3), decay: i % 2, seed: i });
    audio.set(
      Int16Array.from(clip, (v) => Math.round(v * 32767)),
      i * NOTE_SAMPLES,
    );
    features.set(noteFeatures(clip, midiToHz(s.pitch)), i * FRAMES * FEATURE_DIMS);
    return {
      soundfont: 'synth',
      program: s.program,
      family: gmFamily(s.program),
      pitch: s.pitch,
      velocity: 80,
      split: s.split,
      index: i,
      peak: 0.3,
      loudnessDb: peakLoudnessDb(clip),
      f0Hz: midiToHz(s.pitch),
      harmonicity: 0.9,
    };
  });
  return {
    dir: '(memory)',
    index: {
      ...indexFormat(),
      soundfonts: [{ id: 'synth', path: '(synthetic)', bytes: audio.byteLength, notes: specs.length }],
      programs: [...new Set(specs.map((s) => s.program))],
      pitches: specs.map((s) => s.pitch),
      velocities: [80],
      heldOutPrograms: [...new Set(specs.filter((s) => s.split === 'heldout-program').map((s) => s.program))],
      notes,
      dropped: [],
      command: 'test',
      createdAt: new Date(0).toISOString(),
    },
    audio: new Map([['synth', audio]]),
    features: new Map([['synth', features]]),
  };
}
