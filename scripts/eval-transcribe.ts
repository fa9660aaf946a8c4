/**
 * `npm run eval:transcribe -- [--part melody|drums|all] [--split test|tune] [--songs N] [--out report.json] [--cache DIR] [--params JSON]`
 *
 * Melodies: 8-bar excerpts of POP909 melodies (the `MELODY` track, quantised to 16ths), rendered
 * with FluidSynth and the FluidR3 General MIDI soundfont on 8 instruments (piano, nylon guitar,
 * violin, trumpet, alto sax, flute, "Voice Oohs", "Synth Voice"), each at a seeded random tempo of
 * 80–140 BPM, in three conditions:
 *   - clean: exact timing, tempo and first beat given (as after the lab's count-in);
 *   - noisy: the same with white noise at 20 dB SNR (against the take's RMS);
 *   - human: every note start and end moved by a uniform ±30 ms, a random 0.3–1.2 s lead-in, tempo
 *     and bar line unknown and detected.
 * Each 2-bar window is scored with eval:music's step labels (note-on pitch / note-off / nothing),
 * over all steps and over event steps. `--split test` (default) uses the songs the hash split puts in
 * validation (never trained on by mel_2bar, never used to tune the transcriber); `--split tune` uses
 * train-split songs (the ones thresholds were tuned on).
 *
 * Drums (`--part drums`): see evalDrums below.
 *
 * Rendered audio and basic-pitch posteriors are cached under `--cache` (default
 * /work/runs/eval-transcribe) so a re-run or a tuning run skips them; `--fresh` ignores the cache.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend } from '../lib/core/backend-node';
import { fsSource } from '../lib/core/checkpoint-node';
import { createRng, deriveSeed } from '../lib/core/random';
import { splitOf } from '../lib/music/dataset';
import { parseMidi, sequenceToMidi } from '../lib/music/midi';
import { emptySequence, type Note, type QuantizedNoteSequence } from '../lib/music/note-sequence';
import { trim } from '../lib/music/sequences';
import { midiWindows } from '../lib/music/windows';
import { BASIC_PITCH, loadBasicPitch, pitchPosteriors, type BasicPitchModel, type PitchPosteriors } from '../lib/sound/basic-pitch';
import { accuracies, addScores, EMPTY_SCORE, scoreMelody, type StepScore } from '../lib/sound/evaluate';
import type { PcmAudio } from '../lib/sound/pcm';
import { toModelRate } from '../lib/sound/resample';
import { addNoise } from '../lib/sound/testing/synth';
import { lineFromPosteriors, melodyFromNotes, type TranscribeMelodyOptions } from '../lib/sound/transcribe';
import { renderMidi } from './render-audio';

const INSTRUMENTS: readonly { program: number; name: string }[] = [
  { program: 0, name: 'piano' },
  { program: 24, name: 'nylon guitar' },
  { program: 40, name: 'violin' },
  { program: 56, name: 'trumpet' },
  { program: 65, name: 'alto sax' },
  { program: 73, name: 'flute' },
  { program: 52, name: 'voice oohs' },
  { program: 53, name: 'synth voice' },
];
const CONDITIONS = ['clean', 'noisy', 'human'] as const;
type Condition = (typeof CONDITIONS)[number];
const TAKE_BARS = 8;
const TAKE_STEPS = TAKE_BARS * 16;

interface Take {
  song: string;
  startBar: number;
  truth: QuantizedNoteSequence;
  qpm: number;
  instrument: { program: number; name: string };
  seed: number;
}

/** An 8-bar span whose four 2-bar windows each hold ≥ 2 onsets, picked with the song's seed. */
function pickTake(song: string, part: QuantizedNoteSequence, seed: number, instrument: Take['instrument']): Take | undefined {
  const rng = createRng(seed);
  const onsetsIn = (a: number, b: number): number => part.notes.filter((n) => n.quantizedStartStep >= a && n.quantizedStartStep < b).length;
  const spans: number[] = [];
  for (let bar = 0; (bar + TAKE_BARS) * 16 <= part.totalQuantizedSteps; bar++) {
    const s = bar * 16;
    if ([0, 1, 2, 3].every((w) => onsetsIn(s + w * 32, s + (w + 1) * 32) >= 2)) spans.push(bar);
  }
  if (spans.length === 0) return undefined;
  const startBar = spans[rng.int(spans.length)] as number;
  const truth = trim(part, startBar * 16, startBar * 16 + TAKE_STEPS);
  return { song, startBar, truth, qpm: Math.round(80 + rng.next() * 60), instrument, seed };
}

/** The take's notes in seconds: on the grid (with `jitter` seconds of uniform timing noise), after `leadIn`. */
function performance_(take: Take, leadIn: number, jitter: number, seed: number): Note[] {
  const rng = createRng(seed);
  const step = 15 / take.qpm;
  const notes = take.truth.notes
    .slice()
    .sort((a, b) => a.quantizedStartStep - b.quantizedStartStep)
    .map((n) => ({
      ...n,
      startTime: leadIn + n.quantizedStartStep * step + (rng.next() * 2 - 1) * jitter,
      endTime: leadIn + n.quantizedEndStep * step + (rng.next() * 2 - 1) * jitter,
      program: take.instrument.program,
    }));
  notes.forEach((n, i) => {
    const next = notes[i + 1];
    if (next && n.endTime > next.startTime) n.endTime = next.startTime;
    n.endTime = Math.max(n.endTime, n.startTime + 0.04);
    n.startTime = Math.max(0, n.startTime);
  });
  return notes;
}

function key(...parts: (string | number)[]): string {
  return createHash('sha1').update(parts.join('|')).digest('hex').slice(0, 16);
}

async function cachedAudio(cache: string | undefined, id: string, make: () => Promise<PcmAudio>): Promise<PcmAudio> {
  const file = cache ? path.join(cache, 'audio', id + '.f32') : undefined;
  if (file) {
    try {
      const buf = await readFile(file);
      const rate = buf.readUInt32LE(0);
      return { sampleRate: rate, samples: new Float32Array(buf.buffer.slice(buf.byteOffset + 4, buf.byteOffset + buf.byteLength)) };
    } catch {
      /* not cached yet */
    }
  }
  const audio = await make();
  if (file) {
    const header = Buffer.alloc(4);
    header.writeUInt32LE(audio.sampleRate, 0);
    await writeFile(file, Buffer.concat([header, Buffer.from(audio.samples.buffer, audio.samples.byteOffset, audio.samples.byteLength)]));
  }
  return audio;
}

async function cachedPosteriors(
  cache: string | undefined,
  id: string,
  model: BasicPitchModel,
  audio: PcmAudio,
): Promise<{ post: PitchPosteriors; ms: number }> {
  const file = cache ? path.join(cache, 'posteriors', id + '.f32') : undefined;
  if (file) {
    try {
      const buf = await readFile(file);
      const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      const n = all[0] as number;
      const ms = all[1] as number;
      const w = BASIC_PITCH.notes;
      return {
        ms,
        post: {
          numFrames: n,
          frameTimes: Float64Array.from(all.subarray(2, 2 + n)),
          frames: all.slice(2 + n, 2 + n + n * w),
          onsets: all.slice(2 + n + n * w, 2 + n + 2 * n * w),
          contours: new Float32Array(0),
        },
      };
    } catch {
      /* not cached yet */
    }
  }
  const t0 = performance.now();
  const post = await pitchPosteriors(model, toModelRate(audio).samples);
  const ms = performance.now() - t0;
  if (file) {
    const n = post.numFrames;
    const all = new Float32Array(2 + n + 2 * n * BASIC_PITCH.notes);
    all[0] = n;
    all[1] = ms;
    all.set(Float32Array.from(post.frameTimes), 2);
    all.set(post.frames, 2 + n);
    all.set(post.onsets, 2 + n + n * BASIC_PITCH.notes);
    await writeFile(file, Buffer.from(all.buffer));
  }
  return { post, ms };
}

interface MelodyResult {
  condition: Condition;
  instrument: string;
  song: string;
  qpm: number;
  detectedQpm?: number;
  score: StepScore;
  /** Human condition: best score when the bar line may be moved by whole beats (as the user can). */
  shiftedScore?: StepScore;
  audioSeconds: number;
  modelMs: number;
  error?: string;
  /** With --details: truth and transcription as "pitch@start-end" steps, and the heard line in seconds. */
  truthNotes?: string;
  transcribedNotes?: string;
  lineNotes?: string;
}

async function evalMelodies(
  model: BasicPitchModel,
  options: { data: string; split: 'test' | 'tune'; songs: number; cache: string | undefined; params: TranscribeMelodyOptions; details: boolean; conditions: readonly string[] },
): Promise<MelodyResult[]> {
  const DATA = path.join(options.data, 'pop909');
  const files = (await readdir(DATA)).filter((f) => f.endsWith('.mid')).sort();
  const chosen = files.filter((f) => (options.split === 'test' ? splitOf(f) === 'validation' : splitOf(f) === 'train')).slice(0, options.songs);
  const results: MelodyResult[] = [];
  let index = 0;
  for (const song of chosen) {
    const instrument = INSTRUMENTS[index % INSTRUMENTS.length] as Take['instrument'];
    let part: QuantizedNoteSequence;
    try {
      part = midiWindows(parseMidi(new Uint8Array(await readFile(path.join(DATA, song))), song), 'melody', { preferTrack: 'MELODY', meter: 'ignore' }).part;
    } catch (error) {
      process.stderr.write(`skip ${song}: ${error instanceof Error ? error.message : String(error)}\n`);
      continue;
    }
    const take = pickTake(song, part, deriveSeed(7, song), instrument);
    if (!take) continue;
    index++;
    for (const condition of CONDITIONS.filter((c) => options.conditions.includes(c))) {
      const human = condition === 'human';
      const rng = createRng(deriveSeed(take.seed, condition));
      const leadIn = human ? 0.3 + rng.next() * 0.9 : 0.5;
      const notes = performance_(take, leadIn, human ? 0.03 : 0, deriveSeed(take.seed, 'jitter'));
      const seq = { ...emptySequence(take.qpm), notes, totalTime: Math.max(...notes.map((n) => n.endTime)) + 1 };
      const audioId = key(song, take.startBar, instrument.program, take.qpm, human ? leadIn : 'grid', human ? 'jitter' : 'exact', 'dry');
      const rendered = await cachedAudio(options.cache, audioId, () => renderMidi(sequenceToMidi(seq, { program: instrument.program }), { effects: false }));
      const audio = condition === 'noisy' ? { ...rendered, samples: addNoise(rendered.samples, 20, deriveSeed(take.seed, 'noise')) } : rendered;
      const postId = key(audioId, condition === 'noisy' ? 'noise20' : 'clean');
      const { post, ms } = await cachedPosteriors(options.cache, postId, model, audio);
      const base = {
        condition,
        instrument: instrument.name,
        song,
        qpm: take.qpm,
        audioSeconds: audio.samples.length / audio.sampleRate,
        modelMs: ms,
        ...(options.details ? { postId, audioId, leadIn } : {}),
      };
      const windowStarts = [0, 32, 64, 96];
      const emptyScore = scoreMelody(take.truth, { ...take.truth, notes: [] }, windowStarts, 0);
      try {
        const heard = lineFromPosteriors(post, toModelRate(audio).samples, options.params);
        const result = melodyFromNotes(heard, { ...options.params, ...(human ? {} : { grid: { qpm: take.qpm, downbeat: leadIn } }) });
        const step = 15 / take.qpm;
        const offset = Math.round((result.origin - leadIn) / step);
        const score = scoreMelody(take.truth, result.sequence, windowStarts, offset);
        let shiftedScore: StepScore | undefined;
        if (human) {
          for (let k = -3; k <= 3; k++) {
            const s = scoreMelody(take.truth, result.sequence, windowStarts, offset + 4 * k);
            if (!shiftedScore || s.matchingSteps > shiftedScore.matchingSteps) shiftedScore = s;
          }
        }
        const fmt = (q: QuantizedNoteSequence, shift: number): string =>
          q.notes.map((n) => `${n.pitch}@${n.quantizedStartStep + shift}-${n.quantizedEndStep + shift}`).join(' ');
        const details = options.details
          ? {
              truthNotes: fmt(take.truth, 0),
              transcribedNotes: fmt(result.sequence, offset),
              lineNotes: result.line
                .map((n) => `${n.pitch}@${((n.start - leadIn) / step).toFixed(2)}-${((n.end - leadIn) / step).toFixed(2)}:${n.salience.toFixed(2)}`)
                .join(' '),
            }
          : {};
        results.push({ ...base, detectedQpm: human ? result.tempo.qpm : undefined, score, ...(shiftedScore ? { shiftedScore } : {}), ...details });
      } catch (error) {
        results.push({
          ...base,
          score: emptyScore,
          ...(human ? { shiftedScore: emptyScore } : {}),
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
      process.stderr.write(`\r${results.length} takes (${song} ${instrument.name} ${condition})        `);
    }
  }
  process.stderr.write('\n');
  return results;
}

function summarize(results: readonly MelodyResult[]): Record<string, unknown> {
  const byCondition: Record<string, unknown> = {};
  for (const condition of CONDITIONS) {
    const rs = results.filter((r) => r.condition === condition);
    if (rs.length === 0) continue;
    const total = rs.reduce((a, r) => addScores(a, r.score), EMPTY_SCORE);
    const perInstrument: Record<string, { all: number; events: number; windows: number }> = {};
    for (const inst of INSTRUMENTS) {
      const s = rs.filter((r) => r.instrument === inst.name).reduce((a, r) => addScores(a, r.score), EMPTY_SCORE);
      if (s.windows > 0) perInstrument[inst.name] = { ...round(accuracies(s)), windows: s.windows };
    }
    const entry: Record<string, unknown> = {
      takes: rs.length,
      windows: total.windows,
      ...round(accuracies(total)),
      perInstrument,
      errors: rs.filter((r) => r.error).map((r) => `${r.song} ${r.instrument}: ${r.error}`),
    };
    if (condition === 'human') {
      const shifted = rs.reduce((a, r) => addScores(a, r.shiftedScore ?? EMPTY_SCORE), EMPTY_SCORE);
      entry.barLineMovedByBeats = round(accuracies(shifted));
      const withTempo = rs.filter((r) => r.detectedQpm !== undefined);
      entry.tempoWithin2Percent = +(withTempo.filter((r) => Math.abs((r.detectedQpm as number) / r.qpm - 1) < 0.02).length / rs.length).toFixed(3);
      entry.tempoOctaveErrors = withTempo.filter((r) => [0.5, 2, 1.5, 2 / 3].some((f) => Math.abs((r.detectedQpm as number) / r.qpm / f - 1) < 0.03)).length;
    }
    byCondition[condition] = entry;
  }
  const seconds = results.reduce((a, r) => a + r.audioSeconds, 0);
  const ms = results.reduce((a, r) => a + r.modelMs, 0);
  return { byCondition, audioSeconds: +seconds.toFixed(1), modelSecondsPerAudioSecond: +(ms / 1000 / Math.max(1e-9, seconds)).toFixed(3) };
}

function round(a: { all: number; events: number }): { all: number; events: number } {
  return { all: +a.all.toFixed(4), events: +a.events.toFixed(4) };
}

async function firstExisting(dirs: readonly string[]): Promise<string> {
  for (const d of dirs) {
    try {
      await readdir(d);
      return d;
    } catch {
      /* try the next */
    }
  }
  throw new Error(`No data folder found (looked in ${dirs.join(', ')}); pass --data <folder with pop909/>.`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      part: { type: 'string', default: 'all' },
      split: { type: 'string', default: 'test' },
      songs: { type: 'string', default: '88' },
      out: { type: 'string' },
      cache: { type: 'string', default: '/work/runs/eval-transcribe' },
      fresh: { type: 'boolean', default: false },
      params: { type: 'string' },
      details: { type: 'boolean', default: false },
      data: { type: 'string' },
      conditions: { type: 'string', default: CONDITIONS.join(',') },
    },
  });
  if (values.split !== 'test' && values.split !== 'tune') throw new Error('--split must be test or tune.');
  const songs = Number(values.songs);
  if (!Number.isInteger(songs) || songs < 1) throw new Error(`--songs must be a whole number ≥ 1; got "${values.songs}".`);
  const params = values.params ? (JSON.parse(values.params) as TranscribeMelodyOptions) : {};
  const cache = values.fresh ? undefined : values.cache;
  if (cache) {
    await mkdir(path.join(cache, 'audio'), { recursive: true });
    await mkdir(path.join(cache, 'posteriors'), { recursive: true });
  }
  // The shared data folder sits beside the project (../shared/data); worktrees find it at /work/shared/data.
  const data = values.data ?? (await firstExisting([path.resolve('../shared/data'), '/work/shared/data']));
  const choice = await initNodeBackend();
  const model = await loadBasicPitch(fsSource(path.resolve('models/basic-pitch')));
  const report: Record<string, unknown> = { split: values.split, backend: choice.backend, params };
  try {
    if (values.part === 'melody' || values.part === 'all') {
      const results = await evalMelodies(model, { data, split: values.split, songs, cache, params, details: values.details, conditions: values.conditions.split(',') });
      report.melody = summarize(results);
      if (values.details) report.melodyTakes = results;
    }
  } finally {
    model.dispose();
  }
  const text = JSON.stringify(report, null, 2);
  if (values.out) await writeFile(values.out, text + '\n');
  console.log(text);
}

main().catch((error: unknown) => {
  console.error(`eval:transcribe: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
