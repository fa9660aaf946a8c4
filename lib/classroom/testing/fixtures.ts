/**
 * Entries and sessions for the classroom's tests and benchmark: real MIDI files (lib/music's
 * writer), real PNGs (fast-png's encoder) and real WAVs (a synthesised note through lib/audio's
 * WAV encoder), never canned bytes.
 */
import { encode as encodePng } from 'fast-png';
import { encodeWav } from '../../audio/wav';
import { renderNotes } from '../../sound/testing/synth';
import { encodeMelodyClip, withTempo } from '../../music/clips';
import { DRUM_EXAMPLES, MELODY_EXAMPLES, drumExample, melodyExample } from '../../music/examples';
import { sequenceToMidi } from '../../music/midi';
import { concatenate } from '../../music/sequences';
import { bytesToBase64, type SubmitBody } from '../client';
import { SHIPPED_MUSIC_MODELS } from '../../music/shipped';
import type { CreateSessionInput } from '../requests';

function example<T>(list: readonly T[], i: number): T {
  const x = list[i];
  if (!x) throw new Error('lib/music/examples lost its examples');
  return x;
}
const melodyA = example(MELODY_EXAMPLES, 0);
const melodyB = example(MELODY_EXAMPLES, 1);

export const CLIP_A = encodeMelodyClip(melodyExample(melodyA));
export const CLIP_B = encodeMelodyClip(melodyExample(melodyB));

/** A melody strip's MIDI (A then B, `repeat` times) as the melody lab exports it. */
export function melodyMidi(repeat = 1): Uint8Array {
  const seqs = Array.from({ length: repeat }, () => [melodyExample(melodyA), melodyExample(melodyB)]).flat();
  return sequenceToMidi(withTempo(concatenate(seqs), 120), { name: 'Latent Lab test strip' });
}

/** A 2-bar drum groove's MIDI (channel 10). */
export function drumMidi(index = 0, qpm = 100): Uint8Array {
  const ex = example(DRUM_EXAMPLES, index % DRUM_EXAMPLES.length);
  return sequenceToMidi(withTempo(drumExample(ex), qpm), { name: 'Latent Lab test groove' });
}

/** A 28×28 grey PNG of a stroke (a stand-in digit). */
export function digitPng(seed = 1): Uint8Array {
  const data = new Uint8Array(28 * 28);
  for (let y = 4; y < 24; y++) data[y * 28 + 8 + ((y * seed) % 12)] = 255;
  return encodePng({ width: 28, height: 28, data, channels: 1, depth: 8 });
}

export const melodySession = (title = 'Smoothest morph'): CreateSessionInput => ({ title, challenge: { kind: 'melody-interpolation', a: CLIP_A, b: CLIP_B } });
export const drumSession = (title = 'Best groove', maxTemperature = 1): CreateSessionInput => ({ title, challenge: { kind: 'drum-groove', maxTemperature } });
export const digitSession = (title = 'Find a 7'): CreateSessionInput => ({ title, challenge: { kind: 'digit-from-code', model: 'vae', target: 7, seed: 42 } });
export const freeSession = (title = 'Anything goes'): CreateSessionInput => ({ title, challenge: { kind: 'free' } });

export function melodyEntry(title = 'My morph'): SubmitBody {
  return {
    title,
    kind: 'melody',
    midiBase64: bytesToBase64(melodyMidi()),
    params: { steps: 7, temperature: 0, mode: 'slerp', seed: 1, a: CLIP_A, b: CLIP_B, model: SHIPPED_MUSIC_MODELS.melody },
  };
}
export function drumEntry(title = 'My groove', temperature = 0.5, index = 0): SubmitBody {
  return { title, kind: 'drums', midiBase64: bytesToBase64(drumMidi(index)), params: { temperature, seed: 1, qpm: 100 } };
}
export function digitEntry(title = 'My seven', seed = 1): SubmitBody {
  return { title, kind: 'image', pngBase64: bytesToBase64(digitPng(seed)), latent: [0.5, -1.25], params: { model: 'vae' } };
}

/**
 * A timbre entry's WAV as the timbre lab writes it: 16-bit mono at 16 kHz; by default one C4 note of
 * 1.28 s, or `notes` notes one after another (a morph strip of up to 16 notes is ~20.5 s).
 */
export function timbreWav(notes = 1, pitch = 60, sampleRate = 16_000): Uint8Array {
  const seconds = 1.28 * notes;
  const tones = Array.from({ length: notes }, (_, i) => ({ pitch, start: i * 1.28 + 0.01, end: i * 1.28 + 1, amplitude: 0.5 }));
  return encodeWav([renderNotes(tones, seconds, sampleRate)], sampleRate);
}

/** A 16-number code (the shipped timbre model's size), made up but finite. */
export const TIMBRE_CODE: readonly number[] = Array.from({ length: 16 }, (_, i) => Math.round(Math.sin(i + 1) * 100) / 100);

/** The timbre challenge between a nylon guitar (24) and a flute (73). */
export const timbreSession = (title = 'Between two'): CreateSessionInput => ({ title, challenge: { kind: 'timbre-blend', a: 24, b: 73 } });

/** Step 3 of a 7-step slerp morph from the nylon guitar to the flute, as the timbre lab submits it. */
export function timbreEntry(title = 'My blend', wav: Uint8Array = timbreWav()): SubmitBody {
  return {
    title,
    kind: 'timbre',
    wavBase64: bytesToBase64(wav),
    latent: [...TIMBRE_CODE],
    params: { a: 'p24', b: 'p73', steps: 7, step: 3, mode: 'slerp', pitch: 60 },
  };
}
