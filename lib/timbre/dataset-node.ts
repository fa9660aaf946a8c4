/**
 * Rendering and storing the mini-NSynth (Node only): fluidsynth plays one MIDI file per program
 * and soundfont, the notes are cut out, measured (peak, loudness, f0 near the label) and their
 * encoder features computed; everything lands in one folder:
 *
 *   index.json               labels, splits, measurements (see `datasetIndexSchema`)
 *   audio-<soundfont>.i16    the clips, 20 480 16-bit samples each, in index order
 *   features-<soundfont>.f32 the encoder features, 128 × 96 float32 each, same order
 *   parts/                   per-program results, so an interrupted run resumes where it stopped
 *
 * The folder is generated, never committed (it is hundreds of MB).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { decodeAudio } from '../sound/decode';
import { amplitudeDb, peakLoudnessDb } from './dsp';
import {
  checkPlan,
  datasetIndexSchema,
  indexFormat,
  datasetNoteSchema,
  noteStartSample,
  planNotes,
  programMidi,
  type DatasetIndex,
  type DatasetNote,
  type DatasetPlan,
} from './dataset';
import { MissingToolError, TimbreDatasetError } from './errors';
import { FEATURE_DIMS, noteFeatures } from './features';
import { gmFamily } from './gm';
import { estimatePitch } from './pitch';
import { FRAMES, midiToHz, NOTE_SAMPLES, SAMPLE_RATE, SILENCE_DB } from './spec';

export const APT_COMMAND = 'apt-get install -y fluidsynth fluid-soundfont-gm musescore-general-soundfont';

/** Throws {@link MissingToolError} with the install command when fluidsynth or a soundfont is missing. */
export function checkRenderTools(plan: DatasetPlan): void {
  const probe = spawnSync('fluidsynth', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new MissingToolError(`fluidsynth is not installed (running "fluidsynth --version" failed). Install it and the soundfonts with:\n  ${APT_COMMAND}`);
  }
  for (const sf of plan.soundfonts) {
    if (!existsSync(sf.path)) throw new MissingToolError(`The soundfont ${sf.path} (${sf.id}) is missing. Install the soundfonts with:\n  ${APT_COMMAND}`);
  }
}

/** Renders a MIDI file with fluidsynth to a float WAV at 16 kHz, no reverb or chorus. */
export function renderMidi(midiFile: string, soundfont: string, wavFile: string, gain = 0.5): void {
  const args = [
    '-ni',
    '-q',
    '-R',
    '0',
    '-C',
    '0',
    '-g',
    String(gain),
    '-r',
    String(SAMPLE_RATE),
    '-O',
    'float',
    '-T',
    'wav',
    '-F',
    wavFile,
    soundfont,
    midiFile,
  ];
  const run = spawnSync('fluidsynth', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.error || run.status !== 0 || !existsSync(wavFile)) {
    throw new MissingToolError(`fluidsynth failed on ${midiFile} with ${soundfont}: ${run.error?.message ?? run.stderr.slice(0, 400)}`);
  }
}

const partSchema = z.object({
  notes: z.array(datasetNoteSchema.omit({ index: true })),
  dropped: datasetIndexSchema.shape.dropped,
});

/**
 * The sounding fundamental of a rendered note: the free pitch estimate when it lies a whole number
 * of octaves (up to 3) from the key — organ stops of 16' sound an octave or two below the key, guitar
 * harmonics and tubular bells above it — else the estimate within a semitone of the key (or the
 * key's own frequency when even that finds nothing). Returns Hz and the harmonicity of that choice.
 */
export function soundingF0(clip: Float32Array, key: number): { f0Hz: number; harmonicity: number } {
  const near = estimatePitch(clip, { near: key, range: 1 });
  const free = estimatePitch(clip);
  if (free) {
    const dev = free.midi - key;
    const octaves = Math.round(dev / 12);
    if (octaves !== 0 && Math.abs(octaves) <= 3 && Math.abs(dev - 12 * octaves) < 0.6) return { f0Hz: free.hz, harmonicity: free.harmonicity };
  }
  return { f0Hz: near?.hz ?? midiToHz(key), harmonicity: near?.harmonicity ?? 0 };
}

/** Measurements and features of one clip (mono, {@link NOTE_SAMPLES} samples) of a note played at MIDI `key`. */
export function measureNote(clip: Float32Array, key: number): { peak: number; loudnessDb: number; f0Hz: number; harmonicity: number; features: Float32Array } {
  let peak = 0;
  for (const v of clip) peak = Math.max(peak, Math.abs(v));
  const { f0Hz, harmonicity } = soundingF0(clip, key);
  return { peak, loudnessDb: peakLoudnessDb(clip), f0Hz, harmonicity, features: noteFeatures(clip, f0Hz) };
}

function toInt16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const s = Math.max(-1, Math.min(1, x[i] ?? 0));
    out[i] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
  }
  return out;
}

export interface BuildOptions {
  out: string;
  plan: DatasetPlan;
  /** fluidsynth's gain (its default 0.2 is quiet; 1 keeps single notes well below full scale). */
  gain?: number;
  /** The command line, recorded in the index. */
  command: string;
  /**
   * Measure the already-rendered notes again (f0, loudness, features) from their stored clips,
   * without rendering: for when the measuring code changed.
   */
  remeasure?: boolean;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** Recomputes a stored part's measurements and features from its clips (see {@link BuildOptions.remeasure}). */
async function remeasurePart(stem: string): Promise<void> {
  const part = partSchema.parse(JSON.parse(await readFile(stem + '.json', 'utf8')));
  const raw = await readFile(stem + '.i16');
  const audio = new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const features: Float32Array[] = [];
  const notes = part.notes.map((n, i) => {
    const clip = Float32Array.from(audio.subarray(i * NOTE_SAMPLES, (i + 1) * NOTE_SAMPLES), (v) => v / 32768);
    const m = measureNote(clip, n.pitch);
    features.push(m.features);
    return { ...n, loudnessDb: m.loudnessDb, f0Hz: m.f0Hz, harmonicity: m.harmonicity };
  });
  await writeFile(stem + '.f32', Buffer.concat(features.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  await writeFile(stem + '.json.partial', JSON.stringify({ notes, dropped: part.dropped }));
  await rename(stem + '.json.partial', stem + '.json');
}

/**
 * Renders (or resumes rendering) a dataset into `options.out` and writes its index. Programs whose
 * part files exist are not rendered again.
 */
export async function buildDataset(options: BuildOptions): Promise<DatasetIndex> {
  const plan = checkPlan(options.plan);
  checkRenderTools(plan);
  const planned = planNotes(plan);
  const partsDir = path.join(options.out, 'parts');
  await mkdir(partsDir, { recursive: true });
  for (const sf of plan.soundfonts) {
    for (const program of plan.programs) {
      if (options.signal?.aborted) throw new TimbreDatasetError('Rendering was stopped; run the same command again to resume.');
      const stem = path.join(partsDir, `${sf.id}-${String(program).padStart(3, '0')}`);
      if (existsSync(stem + '.json')) {
        if (options.remeasure) await remeasurePart(stem);
        continue;
      }
      const notes = planned.filter((n) => n.soundfont === sf.id && n.program === program);
      const started = performance.now();
      const midiFile = stem + '.mid';
      const wavFile = stem + '.render.wav';
      await writeFile(midiFile, programMidi(program, notes));
      renderMidi(midiFile, sf.path, wavFile, options.gain ?? 1);
      // Our own render, as long as the plan says (lib/sound's 5-minute default is for uploads), plus room for the tail.
      const renderSeconds = noteStartSample(notes.length) / SAMPLE_RATE + 60;
      const decoded = await decodeAudio(new Uint8Array(await readFile(wavFile)), wavFile, { maxSeconds: renderSeconds });
      if (decoded.sampleRate !== SAMPLE_RATE) throw new TimbreDatasetError(`fluidsynth wrote ${decoded.sampleRate} Hz, not ${SAMPLE_RATE} Hz, to ${wavFile}.`);
      const mono = decoded.samples;
      const kept: z.infer<typeof partSchema>['notes'] = [];
      const dropped: z.infer<typeof partSchema>['dropped'] = [];
      const audio: Int16Array[] = [];
      const features: Float32Array[] = [];
      notes.forEach((n, i) => {
        const start = noteStartSample(i);
        const clip = mono.slice(start, start + NOTE_SAMPLES);
        if (clip.length < NOTE_SAMPLES) {
          dropped.push({ soundfont: sf.id, program, pitch: n.pitch, velocity: n.velocity, reason: 'the render ended early' });
          return;
        }
        const m = measureNote(clip, n.pitch);
        if (amplitudeDb(m.peak) < SILENCE_DB) {
          dropped.push({ soundfont: sf.id, program, pitch: n.pitch, velocity: n.velocity, reason: `silent (peak ${amplitudeDb(m.peak).toFixed(0)} dBFS)` });
          return;
        }
        kept.push({
          soundfont: sf.id,
          program,
          family: gmFamily(program),
          pitch: n.pitch,
          velocity: n.velocity,
          split: n.split,
          peak: m.peak,
          loudnessDb: m.loudnessDb,
          f0Hz: m.f0Hz,
          harmonicity: m.harmonicity,
        });
        audio.push(toInt16(clip));
        features.push(m.features);
      });
      await writeFile(stem + '.i16', Buffer.concat(audio.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
      await writeFile(stem + '.f32', Buffer.concat(features.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
      // Written last (via a rename): its presence says the part is complete.
      await writeFile(stem + '.json.partial', JSON.stringify({ notes: kept, dropped }));
      await rename(stem + '.json.partial', stem + '.json');
      await rm(wavFile, { force: true });
      options.onProgress?.(
        `${sf.id} program ${program}: ${kept.length} notes kept, ${dropped.length} dropped (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  }
  // Assemble: one audio and one feature file per soundfont, in plan order.
  const notes: DatasetNote[] = [];
  const dropped: DatasetIndex['dropped'] = [];
  const soundfonts: DatasetIndex['soundfonts'] = [];
  for (const sf of plan.soundfonts) {
    const audioParts: Buffer[] = [];
    const featureParts: Buffer[] = [];
    let index = 0;
    for (const program of plan.programs) {
      const stem = path.join(partsDir, `${sf.id}-${String(program).padStart(3, '0')}`);
      const part = partSchema.parse(JSON.parse(await readFile(stem + '.json', 'utf8')));
      audioParts.push(await readFile(stem + '.i16'));
      featureParts.push(await readFile(stem + '.f32'));
      for (const n of part.notes) notes.push({ ...n, index: index++ });
      dropped.push(...part.dropped);
    }
    const audio = Buffer.concat(audioParts);
    const feats = Buffer.concat(featureParts);
    if (audio.byteLength !== index * NOTE_SAMPLES * 2 || feats.byteLength !== index * FRAMES * FEATURE_DIMS * 4) {
      throw new TimbreDatasetError(
        `The parts of ${sf.id} do not add up (${index} notes, ${audio.byteLength} audio bytes); delete ${partsDir} and render again.`,
      );
    }
    await writeFile(path.join(options.out, `audio-${sf.id}.i16`), audio);
    await writeFile(path.join(options.out, `features-${sf.id}.f32`), feats);
    soundfonts.push({ id: sf.id, path: sf.path, bytes: audio.byteLength, notes: index });
  }
  const index: DatasetIndex = {
    ...indexFormat(),
    soundfonts,
    programs: [...plan.programs],
    pitches: [...plan.pitches],
    velocities: [...plan.velocities],
    heldOutPrograms: [...plan.heldOutPrograms],
    notes,
    dropped,
    command: options.command,
    createdAt: new Date().toISOString(),
  };
  await writeFile(path.join(options.out, 'index.json'), JSON.stringify(index));
  return index;
}

/** A loaded dataset: the index plus every soundfont's clips and features in memory. */
export interface TimbreDataset {
  dir: string;
  index: DatasetIndex;
  audio: Map<string, Int16Array>;
  features: Map<string, Float32Array>;
}

/** Reads a dataset folder written by {@link buildDataset}. */
export async function loadDataset(dir: string): Promise<TimbreDataset> {
  let raw: string;
  try {
    raw = await readFile(path.join(dir, 'index.json'), 'utf8');
  } catch {
    throw new TimbreDatasetError(`${dir} has no index.json. Build the dataset first: npm run dataset:timbre -- --out ${dir}`);
  }
  const parsed = datasetIndexSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new TimbreDatasetError(
      `${path.join(dir, 'index.json')} is not a timbre dataset index of this version: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? '?'}. Build it again.`,
    );
  }
  const index = parsed.data;
  if (index.featureDims !== FEATURE_DIMS || index.frames !== FRAMES)
    throw new TimbreDatasetError(
      `${dir} stores ${index.frames} × ${index.featureDims} features per note; this code uses ${FRAMES} × ${FEATURE_DIMS}. Build it again.`,
    );
  const audio = new Map<string, Int16Array>();
  const features = new Map<string, Float32Array>();
  for (const sf of index.soundfonts) {
    const a = await readFile(path.join(dir, `audio-${sf.id}.i16`));
    const f = await readFile(path.join(dir, `features-${sf.id}.f32`));
    if (a.byteLength !== sf.notes * NOTE_SAMPLES * 2 || f.byteLength !== sf.notes * FRAMES * FEATURE_DIMS * 4) {
      throw new TimbreDatasetError(`The files of soundfont ${sf.id} in ${dir} do not match its ${sf.notes} notes; build the dataset again.`);
    }
    audio.set(sf.id, new Int16Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));
    features.set(sf.id, new Float32Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength)));
  }
  return { dir, index, audio, features };
}

/** A note's clip as float samples −1..1 (a new array). */
export function noteAudio(data: TimbreDataset, note: DatasetNote): Float32Array {
  const all = data.audio.get(note.soundfont);
  if (!all) throw new TimbreDatasetError(`The dataset has no audio for soundfont ${note.soundfont}.`);
  const clip = all.subarray(note.index * NOTE_SAMPLES, (note.index + 1) * NOTE_SAMPLES);
  return Float32Array.from(clip, (v) => v / 32768);
}

/** A note's cached encoder features (a view, do not modify). */
export function noteFeatureView(data: TimbreDataset, note: DatasetNote): Float32Array {
  const all = data.features.get(note.soundfont);
  if (!all) throw new TimbreDatasetError(`The dataset has no features for soundfont ${note.soundfont}.`);
  const size = FRAMES * FEATURE_DIMS;
  return all.subarray(note.index * size, (note.index + 1) * size);
}
