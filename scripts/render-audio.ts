/**
 * Rendering MIDI to audio with FluidSynth and a General MIDI soundfont, for the transcription eval
 * and bench (Debian: `apt-get install fluidsynth fluid-soundfont-gm`). Not used by tests.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeAudio } from '../lib/sound/decode';
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
