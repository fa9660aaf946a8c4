/**
 * Audio made for the browser tests (no recording, no data folder): a sung-like melody for Chromium's
 * fake microphone (a WAV it loops: `--use-file-for-fake-audio-capture`), and files to drop.
 */
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drumHit, encodeTestWav, mixAt, renderNotes } from '../../lib/sound/testing/synth';

export const MIC_RATE = 48_000;
/** The fake microphone's tune: C D E F G F E D, quarter notes at 100 BPM, with a beat of rest before it loops. */
export const MIC_PITCHES = [60, 62, 64, 65, 67, 65, 64, 62] as const;
const MIC_QPM = 100;

export function melodyTake(rate = MIC_RATE, pitches: readonly number[] = MIC_PITCHES, qpm = MIC_QPM): Float32Array {
  const beat = 60 / qpm;
  const notes = pitches.map((pitch, i) => ({ pitch, start: 0.2 + i * beat, end: 0.2 + (i + 0.85) * beat, amplitude: 0.5 }));
  return renderNotes(notes, 0.2 + (pitches.length + 1) * beat, rate, { vibratoSemitones: 0.15 });
}

/** A WAV path Chromium can read as the microphone: written once per machine and content. */
export function micWavPath(): string {
  const file = path.join(os.tmpdir(), `latent-lab-e2e-mic-v1.wav`);
  if (!existsSync(file)) writeFileSync(file, encodeTestWav([melodyTake()], MIC_RATE));
  return file;
}

export function wavBuffer(samples: Float32Array, rate = 44_100): Buffer {
  return Buffer.from(encodeTestWav([samples], rate));
}

/** Two bars at `qpm` after a 0.3 s lead-in: one kit hit per [16th step, drum], each hit seeded by its step. */
function twoBarTake(hits: readonly (readonly [number, 'kick' | 'snare' | 'hat'])[], qpm: number, rate: number): Float32Array {
  const step = 15 / qpm;
  const samples = new Float32Array(Math.round((0.3 + 32 * step + 0.5) * rate));
  for (const [s, sound] of hits) mixAt(samples, drumHit(sound, rate, s + 1, 0.5), 0.3 + s * step, rate);
  return samples;
}

/** Two bars of a kick/snare groove at `qpm`, hits on quarter notes (kick on 1 and 3, snare on 2 and 4). */
export function grooveTake(qpm = 100, rate = 44_100): { samples: Float32Array; hits: number } {
  const hits = [0, 4, 8, 12, 16, 20, 24, 28].map((s) => [s, s % 8 === 0 ? 'kick' : 'snare'] as const);
  return { samples: twoBarTake(hits, qpm, rate), hits: hits.length };
}

/** An example take for "teach it your sounds": `count` hits of one drum, half a second apart. */
export function exampleTake(sound: 'kick' | 'snare' | 'hat', count = 3, rate = 44_100): Float32Array {
  const samples = new Float32Array(Math.round((0.3 + count * 0.5 + 0.3) * rate));
  for (let k = 0; k < count; k++) mixAt(samples, drumHit(sound, rate, 40 + k, 0.5), 0.3 + k * 0.5, rate);
  return samples;
}

/** Two bars with two kicks to each snare: kicks on 1, 1-and, 3, 3-and; snares on 2 and 4 (8 kicks, 4 snares). */
export function unevenGroove(qpm = 100, rate = 44_100): Float32Array {
  const kicks = [0, 2, 8, 10, 16, 18, 24, 26].map((s) => [s, 'kick'] as const);
  const snares = [4, 12, 20, 28].map((s) => [s, 'snare'] as const);
  return twoBarTake([...kicks, ...snares], qpm, rate);
}
