/**
 * Rendering MIDI to audio with FluidSynth and a General MIDI soundfont, for the transcription eval
 * and bench (Debian: `apt-get install fluidsynth fluid-soundfont-gm`). Not used by tests.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Midi } from '@tonejs/midi';
import type { Rng } from '../lib/core/random';
import { decodeAudio } from '../lib/sound/decode';
import { DRUM_PITCHES, type DrumSound } from '../lib/sound/drums';
import { MODEL_SAMPLE_RATE } from '../lib/sound/pcm';
import { toModelRate } from '../lib/sound/resample';
import type { PcmAudio } from '../lib/sound/pcm';

const run = promisify(execFile);

export const DEFAULT_SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';

export interface RenderOptions {
  sampleRate?: number;
  /** FluidSynth's master gain (default 0.6). */
  gain?: number;
  /** FluidSynth's reverb and chorus (default on, as FluidSynth ships: a small room). */
  effects?: boolean;
  soundfont?: string;
}

/** Renders a Standard MIDI File to mono PCM (FluidSynth writes stereo 16-bit WAV; mixed to mono). */
export async function renderMidi(midi: Uint8Array, options: RenderOptions = {}): Promise<PcmAudio> {
  const font = options.soundfont ?? DEFAULT_SOUNDFONT;
  try {
    await access(font);
  } catch {
    throw new Error(`The soundfont ${font} is missing. Install it with: apt-get install -y fluidsynth fluid-soundfont-gm`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'render-'));
  try {
    const mid = path.join(dir, 'in.mid');
    const wav = path.join(dir, 'out.wav');
    await writeFile(mid, midi);
    const effects = options.effects ?? true;
    await run('fluidsynth', [
      '-ni',
      '-q',
      '-g',
      String(options.gain ?? 0.6),
      '-r',
      String(options.sampleRate ?? 44_100),
      '-R',
      effects ? '1' : '0',
      '-C',
      effects ? '1' : '0',
      '-O',
      's16',
      '-T',
      'wav',
      '-F',
      wav,
      font,
      mid,
    ]).catch((error: unknown) => {
      throw new Error(`fluidsynth failed (is it installed? apt-get install -y fluidsynth): ${error instanceof Error ? error.message : String(error)}`);
    });
    const decoded = await decodeAudio(new Uint8Array(await readFile(wav)), 'the rendered WAV');
    return { samples: decoded.samples, sampleRate: decoded.sampleRate };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** FluidR3 drum kits (bank 128 programs) the hit classifier trains on, and those held out for evaluation. */
export const TRAIN_KITS = [0, 8, 16, 32] as const;
export const HELD_OUT_KITS = [24, 25, 40] as const;
const ALT_PITCHES: Record<DrumSound, readonly number[]> = { kick: [36, 35], snare: [38, 40], hat: [42, 44] };

/** One moment of a groove: the drums struck together and how hard (1–127). */
export interface DrumEvent {
  time: number;
  sounds: readonly DrumSound[];
  velocity: number;
}

/** A kit's rendering of `events` (drum channel, the kit's program, a GM pitch of each drum), at 22,050 Hz mono. */
export async function renderKit(events: readonly DrumEvent[], kit: number, rng: Rng): Promise<PcmAudio> {
  const midi = new Midi();
  midi.header.setTempo(120);
  const track = midi.addTrack();
  track.channel = 9;
  track.instrument.number = kit;
  for (const e of events) {
    for (const s of e.sounds) {
      const pitches = ALT_PITCHES[s];
      track.addNote({ midi: pitches[rng.int(pitches.length)] ?? DRUM_PITCHES[s], time: e.time, duration: 0.1, velocity: e.velocity / 127 });
    }
  }
  return toModelRate(await renderMidi(midi.toArray(), { effects: false, sampleRate: MODEL_SAMPLE_RATE }));
}

/**
 * Designed vocal-percussion proxies (no beatbox recordings exist here): "b" — a 60–95 Hz lip thump
 * with a low noise puff; "k" — a 1.5–5 kHz noise burst over a short 180–260 Hz voiced tap (a "k" or
 * "pf" snare); "ts" — a click then a hiss above 5–7 kHz. Random level, decay and filter per hit.
 * Made by a generator of its own (not testing/synth's drum hits, which the classifier trained on).
 */
export function beatboxSound(sound: DrumSound, rate: number, rng: Rng): Float32Array {
  const len = Math.round((sound === 'kick' ? 0.18 : sound === 'snare' ? 0.16 : 0.14) * rate);
  const out = new Float32Array(len);
  const amp = 0.25 + rng.next() * 0.5;
  // Two-pole resonant band-pass on white noise.
  const band = (lo: number, hi: number, tau: number, gain: number, delay = 0): void => {
    const f0 = Math.sqrt(lo * hi);
    const q = f0 / (hi - lo);
    const w = (2 * Math.PI * f0) / rate;
    const alpha = Math.sin(w) / (2 * q);
    const b0 = alpha / (1 + alpha);
    const a1 = (-2 * Math.cos(w)) / (1 + alpha);
    const a2 = (1 - alpha) / (1 + alpha);
    let x1 = 0;
    let x2 = 0;
    let y1 = 0;
    let y2 = 0;
    for (let i = 0; i < len; i++) {
      const t = i / rate - delay;
      const x = t < 0 ? 0 : (rng.next() * 2 - 1) * Math.exp(-t / tau);
      const y = b0 * x - b0 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      out[i] = (out[i] as number) + gain * y;
    }
  };
  const vary = (v: number): number => v * (0.75 + rng.next() * 0.5);
  if (sound === 'kick') {
    const f = 60 + rng.next() * 35;
    const tau = vary(0.045);
    let phase = 0;
    for (let i = 0; i < len; i++) {
      const t = i / rate;
      phase += (2 * Math.PI * f * (1 + 0.6 * Math.exp(-t / 0.02))) / rate;
      out[i] = Math.sin(phase) * Math.exp(-t / tau) * Math.min(1, t / 0.003);
    }
    band(80, 600, vary(0.01), 2.5);
  } else if (sound === 'snare') {
    const f = 180 + rng.next() * 80;
    for (let i = 0; i < len; i++) out[i] = 0.35 * Math.sin((2 * Math.PI * f * i) / rate) * Math.exp(-i / rate / vary(0.02));
    band(vary(1500), vary(5000), vary(0.04), 4);
  } else {
    band(2000, 6000, 0.003, 3);
    band(vary(5500), 10_500, vary(0.035), 5, 0.004);
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  // A 20 ms fade at the end: a mouth sound dies away, it does not click off.
  const fade = Math.round(0.02 * rate);
  for (let i = 0; i < len; i++) out[i] = ((out[i] as number) / peak) * amp * Math.min(1, (len - i) / fade);
  return out;
}
