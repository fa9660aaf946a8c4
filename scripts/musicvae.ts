/**
 * `npm run musicvae -- <command> [flags]`: MusicVAE from the command line, over the same code as the
 * app (like Magenta Studio's tools, without a DAW).
 *
 *   interpolate --model <dir|url> --a <a.mid> --b <b.mid> --steps N [--temperature T] [--seed S] [--slerp] [--bar K] [--refine K] --out <file.mid>
 *   reconstruct --model <dir|url> --in <x.mid> --out <y.mid> [--refine K] [--window N]
 *   sample      --model <dir|url> --n N [--temperature T] [--seed S] --out <file.mid>
 *   encode      --model <dir|url> --in <file.mid> --json
 *   transcribe  --in <audio file|folder> --out <file.mid|folder> [--tempo BPM] [--drums [--teach kick=a.wav,snare=b.wav,hat=c.wav]]
 * Wherever a MIDI file is read, a recording (WAV, FLAC, MP3, Ogg Vorbis — told apart by content) is
 * accepted too: it is transcribed first (a melody with basic-pitch, or a groove for a drum model).
 * Common: --backend cpu|wasm (default wasm, else cpu), --qpm Q (tempo of written files).
 * Errors go to stderr with exit code 1 (2 for bad usage).
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { fsSource, sourceFor } from '../lib/core/checkpoint-node';
import { describeError, InvalidInputError, LatentLabError } from '../lib/core/errors';
import { MAX_SEED } from '../lib/core/random';
import { MAX_MIDI_BYTES, parseMidi, sequenceToMidi } from '../lib/music/midi';
import { MusicVAE } from '../lib/music/music-vae';
import { DEFAULT_QPM, STEPS_PER_BAR, TEMPO_RANGE } from '../lib/music/note-sequence';
import { concatenate, unquantize } from '../lib/music/sequences';
import type { QuantizedNoteSequence } from '../lib/music/note-sequence';
import { midiWindows, pickWindow, takeWindows, type MidiWindows } from '../lib/music/windows';
import { BASIC_PITCH_MODEL_PATH, loadBasicPitch, type BasicPitchModel } from '../lib/sound/basic-pitch';
import { decodeAudio } from '../lib/sound/decode';
import { addExamples, drumsFromExamples, exampleHits, NO_EXAMPLES } from '../lib/sound/drum-calibration';
import { DRUM_SOUNDS, transcribeGroove, type DrumSound, type HitOptions } from '../lib/sound/drums';
import { AudioFormatError } from '../lib/sound/errors';
import { NODE_AUDIO_EXTENSIONS, NODE_AUDIO_FORMATS, sniffAudioFormat, type SniffedFormat } from '../lib/sound/format';
import { MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, formatDuration } from '../lib/sound/pcm';
import { transcribeMelody } from '../lib/sound/transcribe';

const USAGE = `Usage:
  npm run musicvae -- interpolate --model <dir|url> --a <a.mid> --b <b.mid> --steps N [--temperature T] [--seed S] [--slerp] [--bar K] [--refine K] --out <file.mid>
  npm run musicvae -- reconstruct --model <dir|url> --in <x.mid> --out <y.mid> [--refine K] [--window N]
      (every 2-bar window of the file, bars 1–2, 3–4, …; or only the window starting at bar N; --refine K refines each code with K steps)
  npm run musicvae -- sample --model <dir|url> --n N [--temperature T] [--seed S] --out <file.mid>
  npm run musicvae -- encode --model <dir|url> --in <file.mid> --json
  npm run musicvae -- transcribe --in <audio file or folder> --out <file.mid or folder> [--tempo BPM] [--drums]
      (one MIDI per recording: the whole take on the 16th grid of its tempo — detected, or --tempo —
       a melody on channel 1, or with --drums a groove on channel 10; --teach kick=<wav>,snare=<wav>,hat=<wav>
       classes a groove's hits by the player's own sounds: each file a few of that sound, a name may repeat,
       no commas in the paths)
MIDI inputs may also be recordings (WAV, FLAC, MP3, Ogg Vorbis, up to ${formatDuration(MAX_AUDIO_SECONDS)}): they are transcribed first.
Common flags: --backend cpu|wasm   --qpm <tempo of written MIDI, default 120>`;

class UsageError extends Error {}

function int(value: string | undefined, name: string, min: number, max: number, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required.`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got "${value}".`);
  return n;
}

function num(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}; got "${value}".`);
  return n;
}

const AUDIO_EXTENSIONS: readonly string[] = NODE_AUDIO_EXTENSIONS;

/** The file's bytes, refusing a missing file or one over `limit` bytes (read no further than needed). */
async function readBytes(file: string, limit: number): Promise<Uint8Array | undefined> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new InvalidInputError(`Cannot read ${file}: no such file.`);
  }
  if (!info.isFile()) throw new InvalidInputError(`${file} is a folder, not a file.`);
  if (info.size > limit) return undefined;
  return new Uint8Array(await readFile(file));
}

let pitchModel: Promise<BasicPitchModel> | undefined;
/** basic-pitch, loaded once from models/basic-pitch (the repository's copy). */
function basicPitch(): Promise<BasicPitchModel> {
  pitchModel ??= loadBasicPitch(fsSource(path.resolve('models', BASIC_PITCH_MODEL_PATH)));
  return pitchModel;
}

/**
 * A recording → its whole take on the 16th grid: a melody (basic-pitch) or, with `drums`, a groove.
 * `qpm` is a known tempo (else detected). Returns the sequence and a line for the log.
 */
async function transcribeFile(
  file: string,
  bytes: Uint8Array,
  drums: boolean,
  qpm: number | undefined,
  classify?: HitOptions['classify'],
): Promise<{ sequence: QuantizedNoteSequence; note: string }> {
  const name = path.basename(file);
  const audio = await decodeAudio(bytes, name);
  const tempoNote = (t: { qpm: number; source: string }): string => `${t.qpm.toFixed(1)} BPM ${t.source === 'detected' ? 'detected' : 'given'}`;
  if (drums) {
    const g = transcribeGroove(audio, { name, ...(qpm === undefined ? {} : { qpm }), ...(classify ? { hits: { classify } } : {}) });
    return {
      sequence: g.sequence,
      note: `${name}: ${g.hits.length} hits → ${g.sequence.notes.length} drum notes, ${g.sequence.totalQuantizedSteps / STEPS_PER_BAR} bars at ${tempoNote(g.tempo)}${classify ? ', by your sounds' : ''}`,
    };
  }
  const m = await transcribeMelody(await basicPitch(), audio, { name, ...(qpm === undefined ? {} : { qpm }) });
  return {
    sequence: m.sequence,
    note: `${name}: ${m.sequence.notes.length} notes, ${m.sequence.totalQuantizedSteps / STEPS_PER_BAR} bars at ${tempoNote(m.tempo)}`,
  };
}

/**
 * The 2-bar windows of an input file for a `kind` model: a MIDI file, or a recording (told apart by
 * content, not by name) transcribed first.
 */
async function readInput(file: string, kind: 'melody' | 'drums', qpm?: number): Promise<MidiWindows> {
  const bytes = await readBytes(file, Math.max(MAX_MIDI_BYTES, MAX_AUDIO_BYTES));
  if (!bytes) throw new InvalidInputError(`${path.basename(file)} is larger than ${MAX_AUDIO_BYTES / 1024 / 1024} MB; cut the part you want.`);
  const format: SniffedFormat = sniffAudioFormat(bytes);
  if (!(NODE_AUDIO_FORMATS as readonly SniffedFormat[]).includes(format)) {
    if (format === 'midi' || /\.midi?$/i.test(file)) return midiWindows(parseMidi(bytes, path.basename(file)), kind);
    // Not MIDI and not a recording we decode: say what it is.
    await decodeAudio(bytes, path.basename(file));
  }
  const { sequence, note } = await transcribeFile(file, bytes, kind === 'drums', qpm);
  return takeWindows(sequence, `transcribed ${note}`);
}

/**
 * `--teach kick=a.wav,snare=b.wav,hat=c.wav`: the player's example takes (a drum may have several) →
 * a classifier of hits by those sounds.
 * @throws UsageError for a malformed list; the decoder's and NoHitsError's named errors for a bad take;
 *   InvalidInputError when a drum ends up with too few example hits.
 */
async function teachDrums(spec: string): Promise<NonNullable<HitOptions['classify']>> {
  let examples = NO_EXAMPLES;
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const [sound, file] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    if (!sound || !file || !(DRUM_SOUNDS as readonly string[]).includes(sound)) {
      throw new UsageError(`--teach: "${part}" must look like kick=my-kick.wav (kick, snare or hat).`);
    }
    const bytes = await readBytes(file, MAX_AUDIO_BYTES);
    if (!bytes) throw new InvalidInputError(`${path.basename(file)} is larger than ${MAX_AUDIO_BYTES / 1024 / 1024} MB; an example take is a few seconds.`);
    const hits = exampleHits(await decodeAudio(bytes, path.basename(file)), path.basename(file));
    examples = addExamples(examples, sound as DrumSound, hits);
    console.error(`${path.basename(file)}: ${hits.length} example hit${hits.length === 1 ? '' : 's'} of your ${sound}`);
  }
  return drumsFromExamples(examples);
}

/** `transcribe`: one MIDI per recording. Returns how many files failed (each reported on stderr). */
async function transcribeCommand(input: string, output: string, drums: boolean, qpm: number | undefined, classify?: HitOptions['classify']): Promise<number> {
  let files: string[];
  let outFor: (file: string) => string;
  const info = await stat(input).catch(() => undefined);
  if (!info) throw new InvalidInputError(`Cannot read ${input}: no such file or folder.`);
  if (info.isDirectory()) {
    files = (await readdir(input))
      .filter((f) => AUDIO_EXTENSIONS.includes(path.extname(f).toLowerCase()))
      .sort()
      .map((f) => path.join(input, f));
    if (files.length === 0) throw new InvalidInputError(`${input} holds no recordings (${AUDIO_EXTENSIONS.join(', ')}).`);
    await mkdir(output, { recursive: true });
    outFor = (f) => path.join(output, path.basename(f, path.extname(f)) + '.mid');
  } else {
    files = [input];
    const outInfo = await stat(output).catch(() => undefined);
    outFor = (f) => (outInfo?.isDirectory() ? path.join(output, path.basename(f, path.extname(f)) + '.mid') : output);
  }
  let failed = 0;
  for (const file of files) {
    try {
      const bytes = await readBytes(file, MAX_AUDIO_BYTES);
      if (!bytes) throw new AudioFormatError(`${path.basename(file)} is larger than ${MAX_AUDIO_BYTES / 1024 / 1024} MB; cut the part you want.`, 'too-large');
      const { sequence, note } = await transcribeFile(file, bytes, drums, qpm, classify);
      const out = outFor(file);
      await writeFile(out, sequenceToMidi(unquantize(sequence), { name: path.basename(file, path.extname(file)) }));
      console.error(`${note} → ${out}`);
    } catch (error) {
      if (files.length === 1) throw error;
      failed++;
      console.error(`musicvae: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failed;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      model: { type: 'string' },
      a: { type: 'string' },
      b: { type: 'string' },
      in: { type: 'string' },
      out: { type: 'string' },
      steps: { type: 'string' },
      n: { type: 'string' },
      temperature: { type: 'string' },
      seed: { type: 'string' },
      bar: { type: 'string' },
      slerp: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      backend: { type: 'string' },
      qpm: { type: 'string' },
      refine: { type: 'string' },
      window: { type: 'string' },
      tempo: { type: 'string' },
      drums: { type: 'boolean', default: false },
      teach: { type: 'string' },
    },
  });
  if (!['interpolate', 'sample', 'encode', 'reconstruct', 'transcribe'].includes(command)) throw new UsageError(`Unknown command "${command}".`);
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new UsageError('--backend must be cpu or wasm on the command line.');
  const tempo = num(values.tempo, 'tempo', TEMPO_RANGE.min, TEMPO_RANGE.max);
  if (command === 'transcribe') {
    if (!values.in || !values.out) throw new UsageError('transcribe needs --in <audio file or folder> and --out <file.mid or folder>.');
    if (values.teach !== undefined && !values.drums) throw new UsageError('--teach goes with --drums (it teaches the drum sounds).');
    if (!values.drums) await initNodeBackend(backend);
    const classify = values.teach === undefined ? undefined : await teachDrums(values.teach);
    const failed = await transcribeCommand(values.in, values.out, values.drums, tempo, classify);
    if (failed > 0) throw new InvalidInputError(`${failed} recording(s) could not be transcribed (see above).`);
    return;
  }
  if (!values.model) throw new UsageError('--model is required (a checkpoint folder or URL).');
  const temperature = num(values.temperature, 'temperature', 0, 10);
  const seed = values.seed === undefined ? undefined : int(values.seed, 'seed', 0, MAX_SEED);
  const qpm = num(values.qpm, 'qpm', TEMPO_RANGE.min, TEMPO_RANGE.max) ?? DEFAULT_QPM;
  if ((command === 'interpolate' || command === 'sample' || command === 'reconstruct') && !values.out) throw new UsageError('--out <file.mid> is required.');
  const refineSteps = values.refine === undefined ? undefined : int(values.refine, 'refine', 1, 1000);
  const refine = refineSteps === undefined ? undefined : { steps: refineSteps };

  const choice = await initNodeBackend(backend);
  const model = await MusicVAE.load(sourceFor(values.model));
  try {
    const kind = model.converter.kind;
    const decode = { temperature: temperature && temperature > 0 ? temperature : undefined, seed, qpm };
    if (command === 'interpolate') {
      if (!values.a || !values.b) throw new UsageError('interpolate needs --a <a.mid> and --b <b.mid>.');
      const steps = int(values.steps, 'steps', 2, 64, 5);
      const bar = values.bar === undefined ? undefined : int(values.bar, 'bar', 1, 100_000);
      const [fa, fb] = [values.a, values.b];
      const wa = pickWindow(await readInput(fa, kind, tempo), path.basename(fa), bar);
      const wb = pickWindow(await readInput(fb, kind, tempo), path.basename(fb), bar);
      const ends = await model.encodeWithFidelity([wa.sequence, wb.sequence], refine ? { refine } : {});
      const result = await model.interpolateCodeSequences(ends.z[0] as Float32Array, ends.z[1] as Float32Array, steps, values.slerp ? 'slerp' : 'lerp', decode);
      await writeFile(values.out as string, sequenceToMidi(unquantize(concatenate(result), qpm), { name: `${model.name} interpolation` }));
      const [fa_, fb_] = ends.fidelity;
      console.error(
        `Wrote ${steps} × 2 bars (${steps * 2 * STEPS_PER_BAR} steps) to ${values.out} — A from bar ${wa.startStep / STEPS_PER_BAR + 1}, ` +
          `B from bar ${wb.startStep / STEPS_PER_BAR + 1}, ${values.slerp ? 'slerp' : 'lerp'}, backend ${choice.backend}. ` +
          `Ends: A ${fa_?.matchingSteps}/32, B ${fb_?.matchingSteps}/32 steps right (${refine ? `codes refined with ${refine.steps} steps` : 'encoder only'}).`,
      );
    } else if (command === 'reconstruct') {
      if (!values.in) throw new UsageError('reconstruct needs --in <file.mid>.');
      const found = await readInput(values.in, kind, tempo);
      const bar = values.window === undefined ? undefined : int(values.window, 'window', 1, 100_000);
      // Bars 1–2, 3–4, … so the output is the whole file rebuilt; or the one window asked for.
      const picked =
        bar === undefined ? found.windows.filter((w) => w.startStep % (2 * STEPS_PER_BAR) === 0) : [pickWindow(found, path.basename(values.in), bar)];
      if (picked.length === 0) throw new InvalidInputError(`${path.basename(values.in)} has no 2-bar window.`);
      const rebuilt = [];
      let matching = 0;
      for (let i = 0; i < picked.length; i += 64) {
        const chunk = picked.slice(i, i + 64);
        const encoded = await model.encodeWithFidelity(
          chunk.map((w) => w.sequence),
          refine
            ? {
                refine: {
                  ...refine,
                  onProgress: (done, total) => process.stderr.write(`\rwindows ${i + 1}–${i + chunk.length}: refining, step ${done}/${total}`),
                },
              }
            : {},
        );
        rebuilt.push(...(await model.decodeSequences(encoded.z, { qpm })));
        encoded.fidelity.forEach((f, k) => {
          matching += f.matchingSteps;
          process.stderr.write(
            `${refine ? '\n' : ''}bars ${(chunk[k]?.startStep ?? 0) / STEPS_PER_BAR + 1}–${(chunk[k]?.startStep ?? 0) / STEPS_PER_BAR + 2}: ${f.matchingSteps}/${f.totalSteps} steps right (${f.matchingEventSteps}/${f.eventSteps} events)\n`,
          );
        });
      }
      await writeFile(values.out as string, sequenceToMidi(unquantize(concatenate(rebuilt), qpm), { name: `${model.name} reconstruction` }));
      console.error(
        `Wrote ${rebuilt.length} × 2 bars to ${values.out}: ${matching}/${rebuilt.length * 2 * STEPS_PER_BAR} steps right ` +
          `(${refine ? `codes refined with ${refine.steps} steps` : "the encoder's codes, not refined"}), backend ${choice.backend}.`,
      );
    } else if (command === 'sample') {
      const n = int(values.n, 'n', 1, 256, 4);
      const result = await model.sampleSequences(n, { ...decode, temperature: temperature ?? 0.5 });
      await writeFile(values.out as string, sequenceToMidi(unquantize(concatenate(result), qpm), { name: `${model.name} samples` }));
      console.error(`Wrote ${n} × 2 bars to ${values.out} (temperature ${temperature ?? 0.5}, backend ${choice.backend}).`);
    } else {
      if (!values.in) throw new UsageError('encode needs --in <file.mid>.');
      if (!values.json) throw new UsageError('encode prints JSON: pass --json.');
      const found = await readInput(values.in, kind, tempo);
      const withNotes = found.windows.filter((w) => w.sequence.notes.length > 0);
      const { z } = withNotes.length > 0 ? await model.encodeSequences(withNotes.map((w) => w.sequence)) : { z: [] };
      const out = {
        file: path.basename(values.in),
        model: model.name,
        zDims: model.zDims,
        backend: choice.backend,
        notes: found.notes,
        windows: withNotes.map((w, i) => ({
          bar: w.startStep / STEPS_PER_BAR + 1,
          startStep: w.startStep,
          notes: w.sequence.notes.length,
          mu: Array.from(z[i] ?? []),
        })),
      };
      process.stdout.write(JSON.stringify(out) + '\n');
    }
  } finally {
    model.dispose();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof TypeError && /ERR_PARSE_ARGS/.test(String((error as NodeJS.ErrnoException).code)))) {
    console.error(`musicvae: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`musicvae: ${error instanceof LatentLabError ? error.message : describeError(error)}`);
  process.exit(1);
});
