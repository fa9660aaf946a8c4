/**
 * The timbre model from the command line:
 *
 *   npm run timbre -- reconstruct --model models/timbre --in <wav or folder> --out <wav or folder> [--refine K]
 *   npm run timbre -- interpolate --model models/timbre --a x.wav --b y.wav --steps N --out <folder> [--mode lerp|slerp] [--pitch P]
 *   npm run timbre -- sample --model models/timbre --n N --pitch P --out <folder> [--seed S] [--loudness dB]
 *
 * Inputs: recordings of one note each — WAV, FLAC, MP3 or Ogg Vorbis (read by lib/sound/decode.ts),
 * any sample rate and channel count, up to 4 s. Outputs: 16-bit mono WAV at 16 kHz, 1.28 s per note;
 * `reconstruct` keeps the file names (with .wav). A JSON summary goes to stdout (what was measured,
 * what was done to each input). Bad inputs are named errors: a folder run reports each file's error
 * and goes on, then exits with 1.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend } from '../lib/core/backend-node';
import { fsSource } from '../lib/core/checkpoint-node';
import { encodeWav } from '../lib/audio/wav';
import { InvalidInputError, LatentLabError } from '../lib/core/errors';
import { decodeAudio } from '../lib/sound/decode';
import { NODE_AUDIO_EXTENSIONS } from '../lib/sound/format';
import { prepareNote, type PreparedNote } from '../lib/timbre/sound';
import { midiToHz, pitchName, SAMPLE_RATE } from '../lib/timbre/spec';
import { TimbreModel } from '../lib/timbre/timbre-model';

const USAGE = `Usage:
  npm run timbre -- reconstruct --model models/timbre --in <file or folder> --out <wav or folder> [--refine K]
  npm run timbre -- interpolate --model models/timbre --a x.wav --b y.flac --steps N --out <folder> [--mode lerp|slerp] [--pitch P]
  npm run timbre -- sample --model models/timbre --n N --pitch P --out <folder> [--seed S] [--loudness dB]
Inputs: one note each (up to 4 s), WAV, FLAC, MP3 or Ogg Vorbis, any sample rate and channels. Outputs: 16-kHz mono WAV.`;

function whole(value: string | undefined, name: string, lo: number, hi: number, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new InvalidInputError(`--${name} is required.\n${USAGE}`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new InvalidInputError(`--${name} must be a whole number from ${lo} to ${hi}; got "${value}".`);
  return n;
}

function num(value: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < lo || n > hi) throw new InvalidInputError(`--${name} must be a number from ${lo} to ${hi}; got "${value}".`);
  return n;
}

/** Reads and prepares one recording (named errors for anything wrong with it). */
async function readNote(file: string): Promise<PreparedNote> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(`Could not read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(error)}.`, {
      cause: error,
    });
  }
  const name = path.basename(file);
  return prepareNote(await decodeAudio(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), name), name);
}

async function writeNote(file: string, samples: Float32Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, encodeWav([samples], SAMPLE_RATE));
}

/** `take.flac` → `take.wav`. */
const wavName = (file: string): string => path.basename(file, path.extname(file)) + '.wav';

interface FileResult {
  input: string;
  output?: string;
  pitch?: string;
  notes?: string[];
  refinement?: { lossBefore: number; lossAfter: number };
  error?: { name: string; message: string };
}

async function reconstruct(model: TimbreModel, input: string, output: string, refine: number): Promise<FileResult[]> {
  const info = await stat(input).catch(() => undefined);
  if (!info) throw new InvalidInputError(`--in ${input} does not exist.`);
  const files = info.isDirectory()
    ? (await readdir(input)).filter((f) => (NODE_AUDIO_EXTENSIONS as readonly string[]).includes(path.extname(f).toLowerCase())).sort()
    : [];
  // note.wav and note.flac in one folder: the second keeps its ending (note.flac.wav) rather than overwrite the first.
  const stems = new Set<string>();
  const pairs: [string, string][] = info.isDirectory()
    ? files.map((f) => {
        const out = stems.has(wavName(f)) ? f + '.wav' : wavName(f);
        stems.add(wavName(f));
        return [path.join(input, f), path.join(output, out)];
      })
    : [[input, output.toLowerCase().endsWith('.wav') ? output : path.join(output, wavName(input))]];
  if (pairs.length === 0) throw new InvalidInputError(`${input} holds no recordings (${NODE_AUDIO_EXTENSIONS.join(', ')}).`);
  const results: FileResult[] = [];
  for (const [from, to] of pairs) {
    try {
      const note = await readNote(from);
      const encoded = await model.encodeNotes([{ samples: note.samples, conditions: note.conditions }], refine > 0 ? { refine: { steps: refine } } : {});
      const [audio] = await model.decodeNotes(encoded.z, encoded.conditions);
      await writeNote(to, audio as Float32Array);
      const r = encoded.refinements?.[0];
      results.push({
        input: from,
        output: to,
        pitch: pitchName(note.pitch),
        notes: note.notes,
        ...(r ? { refinement: { lossBefore: r.lossBefore, lossAfter: r.lossAfter } } : {}),
      });
    } catch (error) {
      if (!(error instanceof LatentLabError)) throw error;
      results.push({ input: from, error: { name: error.name, message: error.message } });
    }
  }
  return results;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      model: { type: 'string', default: 'models/timbre' },
      in: { type: 'string' },
      out: { type: 'string' },
      a: { type: 'string' },
      b: { type: 'string' },
      steps: { type: 'string' },
      mode: { type: 'string', default: 'lerp' },
      pitch: { type: 'string' },
      n: { type: 'string' },
      seed: { type: 'string' },
      loudness: { type: 'string' },
      refine: { type: 'string' },
    },
  });
  if (command !== 'reconstruct' && command !== 'interpolate' && command !== 'sample')
    throw new InvalidInputError(`Unknown command "${command ?? ''}".\n${USAGE}`);
  if (!values.out) throw new InvalidInputError(`--out is required.\n${USAGE}`);
  const mode = values.mode;
  if (mode !== 'lerp' && mode !== 'slerp') throw new InvalidInputError(`--mode must be lerp or slerp; got "${mode}".`);
  const pitch = num(values.pitch, 'pitch', 12, 108);
  const loudness = num(values.loudness, 'loudness', -100, 0);
  await initNodeBackend();
  const model = await TimbreModel.load(fsSource(path.resolve(values.model)));
  try {
    if (command === 'reconstruct') {
      if (!values.in) throw new InvalidInputError(`--in is required.\n${USAGE}`);
      const results = await reconstruct(model, values.in, values.out, whole(values.refine, 'refine', 0, 1000, 0));
      console.log(JSON.stringify({ command, results }, null, 2));
      if (results.some((r) => r.error)) process.exitCode = 1;
    } else if (command === 'interpolate') {
      if (!values.a || !values.b) throw new InvalidInputError(`--a and --b are required.\n${USAGE}`);
      const steps = whole(values.steps, 'steps', 2, 64);
      const [a, b] = [await readNote(values.a), await readNote(values.b)];
      const { z } = await model.encodeNotes([
        { samples: a.samples, conditions: a.conditions },
        { samples: b.samples, conditions: b.conditions },
      ]);
      const codes = await model.interpolateCodes(z[0] as Float32Array, z[1] as Float32Array, steps, mode);
      const f0Hz = pitch !== undefined ? midiToHz(pitch) : a.conditions.f0Hz;
      const loudnessDb = loudness ?? (a.conditions.loudnessDb + b.conditions.loudnessDb) / 2;
      const audio = await model.decodeNotes(
        codes,
        codes.map(() => ({ f0Hz, loudnessDb })),
      );
      const files: string[] = [];
      for (const [i, y] of audio.entries()) {
        const file = path.join(values.out, `step-${String(i).padStart(2, '0')}.wav`);
        await writeNote(file, y);
        files.push(file);
      }
      console.log(
        JSON.stringify(
          {
            command,
            a: { pitch: pitchName(a.pitch), notes: a.notes },
            b: { pitch: pitchName(b.pitch), notes: b.notes },
            mode,
            pitch: pitchName(69 + 12 * Math.log2(f0Hz / 440)),
            files,
          },
          null,
          2,
        ),
      );
    } else {
      const n = whole(values.n, 'n', 1, 256);
      if (pitch === undefined) throw new InvalidInputError(`--pitch is required for sample (a MIDI number, e.g. 60 for C4).\n${USAGE}`);
      const seed = whole(values.seed, 'seed', 0, 0xffffffff, 1);
      const codes = await model.randomCodes(n, seed);
      const audio = await model.decodeNotes(
        codes,
        codes.map(() => ({ f0Hz: midiToHz(pitch), loudnessDb: loudness ?? model.config.defaultLoudnessDb })),
      );
      const files: string[] = [];
      for (const [i, y] of audio.entries()) {
        const file = path.join(values.out, `sample-${String(i).padStart(3, '0')}.wav`);
        await writeNote(file, y);
        files.push(file);
      }
      console.log(JSON.stringify({ command, n, pitch: pitchName(pitch), seed, files }, null, 2));
    }
  } finally {
    model.dispose();
  }
}

main().catch((error: unknown) => {
  const name = error instanceof Error ? error.name : 'Error';
  console.error(`timbre: ${name}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
