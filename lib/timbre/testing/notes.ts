/**
 * Synthetic notes for tests, so no test needs fluidsynth, a soundfont or a dataset folder: additive
 * tones with a chosen spectrum shape, envelope and breath noise, deterministic for a seed.
 */
import { createRng } from '../../core/random';
import { NOTE_SAMPLES, SAMPLE_RATE, midiToHz } from '../spec';

export interface SyntheticNoteOptions {
  /** MIDI pitch (fractional allowed). */
  pitch: number;
  /** Partial amplitude k ∝ k^−slope (1 ≈ sawtooth-like, 3 = mellow). Default 1.5. */
  slope?: number;
  /** Only odd partials (clarinet-like). */
  oddOnly?: boolean;
  /** Attack seconds (default 0.02). */
  attack?: number;
  /** Exponential decay per second after the attack (0 = sustained; default 0). */
  decay?: number;
  /** Peak amplitude (default 0.3). */
  amplitude?: number;
  /** Relative level of white noise (default 0). */
  noise?: number;
  /** Samples (default NOTE_SAMPLES). */
  length?: number;
  sampleRate?: number;
  seed?: number;
  /** Start of the note in seconds (default 0.005). */
  start?: number;
  /** Seconds the key is held before a 0.1-s release (default 1). */
  held?: number;
}

/** One synthetic note (mono, −1..1). */
export function syntheticNote(o: SyntheticNoteOptions): Float32Array {
  const sr = o.sampleRate ?? SAMPLE_RATE;
  const length = o.length ?? NOTE_SAMPLES;
  const f0 = midiToHz(o.pitch);
  const slope = o.slope ?? 1.5;
  const attack = o.attack ?? 0.02;
  const decay = o.decay ?? 0;
  const amplitude = o.amplitude ?? 0.3;
  const start = o.start ?? 0.005;
  const held = o.held ?? 1;
  const rng = createRng(o.seed ?? 1);
  const partials: { k: number; a: number; phase: number }[] = [];
  let norm = 0;
  for (let k = 1; k * f0 < 0.45 * sr && k <= 60; k++) {
    if (o.oddOnly && k % 2 === 0) continue;
    const a = k ** -slope;
    partials.push({ k, a, phase: rng.next() * 2 * Math.PI });
    norm += a;
  }
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const t = i / sr - start;
    if (t < 0) continue;
    let env = t < attack ? t / attack : Math.exp(-decay * (t - attack));
    if (t > held) env *= Math.max(0, 1 - (t - held) / 0.1);
    let y = 0;
    for (const p of partials) y += p.a * Math.sin(2 * Math.PI * p.k * f0 * (i / sr) + p.phase);
    y = (y / norm) * amplitude;
    if (o.noise) y += o.noise * amplitude * (rng.next() * 2 - 1);
    out[i] = env * y;
  }
  return out;
}

/** Several notes played together (a chord), scaled to the same peak amplitude as one. */
export function syntheticChord(pitches: readonly number[], options: Omit<SyntheticNoteOptions, 'pitch'> = {}): Float32Array {
  const notes = pitches.map((pitch, i) => syntheticNote({ ...options, pitch, seed: (options.seed ?? 1) + i }));
  const out = new Float32Array(notes[0]?.length ?? 0);
  for (const n of notes) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + (n[i] ?? 0) / notes.length;
  return out;
}

/** Seeded white noise with a 20-ms fade-in, at `amplitude`. */
export function whiteNoise(length = NOTE_SAMPLES, amplitude = 0.2, seed = 3): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, (_, i) => amplitude * Math.min(1, i / 320) * (rng.next() * 2 - 1));
}
