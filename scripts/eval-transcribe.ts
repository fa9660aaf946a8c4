/**
 * `npm run eval:transcribe -- [--part melody|drums|all] [--split test|tune] [--songs N (40)] [--patterns N (60)] [--conditions clean,noisy,human] [--out report.json] [--cache DIR] [--fresh] [--details] [--params JSON] [--data DIR]`
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
 * Grooves (`--part drums`): see evalDrums below (taps, beatbox proxies, held-out GM kits).
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
import { addNoise, mixAt } from '../lib/sound/testing/synth';
import { addExamples, drumsFromExamples, examplesComplete, NO_EXAMPLES } from '../lib/sound/drum-calibration';
import { DRUM_PITCHES, DRUM_SOUNDS, hitFeaturesOf, tapsToPattern, transcribeGroove, type DrumSound } from '../lib/sound/drums';

import { lineFromPosteriors, melodyFromNotes, type TranscribeMelodyOptions } from '../lib/sound/transcribe';
import { beatboxSound, HELD_OUT_KITS, renderKit, renderMidi } from './render-audio';
import { bookPatterns, evenly } from './testing/drum-patterns';

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
  options: {
    data: string;
    split: 'test' | 'tune';
    songs: number;
    cache: string | undefined;
    params: TranscribeMelodyOptions;
    details: boolean;
    conditions: readonly string[];
  },
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

// ---------------------------------------------------------------------------------------------
// Grooves.
// Patterns: the 4/4 16-step patterns of the drum-machine books (data/drum-machine-patterns), their
// bass drum, snare and closed hi-hat, played twice (2 bars) at a seeded tempo of 80–130 BPM after a
// 0.5 s lead-in, the grid given (a metronome). Conditions:
//   - taps: keyboard taps (one key per drum) with uniform ±30 ms timing noise → tapsToPattern;
//   - beatbox: one vocal-percussion sound per step (kick > snare > hat where a pattern stacks them —
//     one mouth makes one sound), from the designed proxies below, clean and at 20 dB SNR;
//   - beatbox-taught: the same takes classed by the player's own sounds ("teach it your sounds"):
//     three example takes of EXAMPLES_PER_DRUM hits each, from the same proxy voice, other draws;
//   - kit: the patterns as played on General MIDI drum kits the classifier never saw (FluidR3's
//     Electronic 24, TR-808 25, Brush 40), drums stacked as written.
// Score: the share of true hits found in the right class and 16th (recall), and of transcribed
// hits that are true (precision).

/** Example hits per drum in the "teach it your sounds" condition (as the drum lab asks: say it four times). */
const EXAMPLES_PER_DRUM = 4;

interface GrooveTake {
  title: string;
  qpm: number;
  hits: { step: number; sound: DrumSound }[];
}

/** The book patterns of `split` (test: the 60 scored; tune: others, those the position prior learns from), played twice (2 bars) at a seeded tempo. */
async function loadPatterns(data: string, count: number, split: 'test' | 'tune'): Promise<GrooveTake[]> {
  const { test, rest } = await bookPatterns(data);
  const picked = evenly(split === 'test' ? test : rest, count);
  return picked.map((p, i) => {
    const rng = createRng(deriveSeed(11, p.title, i));
    const hits: GrooveTake['hits'] = [];
    for (let bar = 0; bar < 2; bar++) for (const h of p.hits) hits.push({ step: bar * 16 + h.step, sound: h.sound });
    return { title: p.title, qpm: Math.round(80 + rng.next() * 50), hits };
  });
}

interface DrumScore {
  truth: number;
  found: number;
  transcribed: number;
  correct: number;
}

function scoreGroove(take: GrooveTake, pattern: QuantizedNoteSequence, offset: number, sounds: readonly DrumSound[]): DrumScore {
  const truth = take.hits.filter((h) => sounds.includes(h.sound));
  const got = new Set(pattern.notes.map((n) => `${n.pitch}@${n.quantizedStartStep + offset}`));
  const found = truth.filter((h) => got.has(`${DRUM_PITCHES[h.sound]}@${h.step}`)).length;
  const truthKeys = new Set(truth.map((h) => `${DRUM_PITCHES[h.sound]}@${h.step}`));
  const correct = [...got].filter((k) => truthKeys.has(k)).length;
  return { truth: truth.length, found, transcribed: got.size, correct };
}

async function evalDrums(data: string, count: number, split: 'test' | 'tune'): Promise<Record<string, unknown>> {
  const takes = (await loadPatterns(data, count, split)).filter((t) => t.hits.length > 0);
  const totals: Record<string, DrumScore & { errors: string[] }> = {};
  const add = (key: string, s: DrumScore): void => {
    const t = (totals[key] ??= { truth: 0, found: 0, transcribed: 0, correct: 0, errors: [] });
    t.truth += s.truth;
    t.found += s.found;
    t.transcribed += s.transcribed;
    t.correct += s.correct;
  };
  const leadIn = 0.5;
  const exampleCounts: number[] = [];
  for (const [i, take] of takes.entries()) {
    const step = 15 / take.qpm;
    const grid = { qpm: take.qpm, downbeat: leadIn };
    const rng = createRng(deriveSeed(5, take.title, i));
    // Keyboard taps: every drum of every step, ±30 ms.
    const taps = take.hits.map((h) => ({ time: leadIn + h.step * step + (rng.next() * 2 - 1) * 0.03, sound: h.sound }));
    const tapped = tapsToPattern(taps, grid);
    add('taps', scoreGroove(take, tapped.sequence, Math.round((tapped.origin - leadIn) / step), DRUM_SOUNDS));
    // Beatbox proxies: one sound per step.
    const byStep = new Map<number, DrumSound>();
    for (const h of [...take.hits].sort((a, b) => DRUM_SOUNDS.indexOf(a.sound) - DRUM_SOUNDS.indexOf(b.sound)))
      if (!byStep.has(h.step)) byStep.set(h.step, h.sound);
    const single: GrooveTake = { ...take, hits: [...byStep].map(([s, sound]) => ({ step: s, sound })) };
    const rate = 44_100;
    const samples = new Float32Array(Math.round((leadIn + 32 * step + 1) * rate));
    for (const h of single.hits) mixAt(samples, beatboxSound(h.sound, rate, rng), leadIn + h.step * step + (rng.next() * 2 - 1) * 0.015, rate);
    // The player's own sounds ("teach it your sounds"): four of each drum said one by one, in three
    // short takes of their own, from the same proxy voice with other random draws.
    const teachRng = createRng(deriveSeed(13, take.title, i));
    let examples = NO_EXAMPLES;
    for (const sound of DRUM_SOUNDS) {
      const teach = new Float32Array(Math.round(2.6 * rate));
      for (let k = 0; k < EXAMPLES_PER_DRUM; k++) mixAt(teach, beatboxSound(sound, rate, teachRng), 0.3 + k * 0.5, rate);
      // A microphone's noise floor (40 dB under the take), never digital silence between the hits.
      const found = hitFeaturesOf(toModelRate({ samples: addNoise(teach, 40, deriveSeed(17, take.title, sound)), sampleRate: rate }));
      exampleCounts.push(found.length);
      examples = addExamples(
        examples,
        sound,
        found.map((h) => h.features),
      );
    }
    const taught = examplesComplete(examples) ? drumsFromExamples(examples) : undefined;
    const noisy = addNoise(samples, 20, deriveSeed(9, take.title));
    for (const [key, audio, classify] of [
      ['beatbox', samples, undefined],
      ['beatbox-noisy', noisy, undefined],
      ['beatbox-taught', samples, taught],
      ['beatbox-taught-noisy', noisy, taught],
    ] as const) {
      try {
        if (key.includes('taught') && !classify) throw new Error('the example takes gave too few hits');
        const g = transcribeGroove({ samples: audio, sampleRate: rate }, { grid, ...(classify ? { hits: { classify } } : {}) });
        add(key, scoreGroove(single, g.sequence, Math.round((g.origin - leadIn) / step), DRUM_SOUNDS));
      } catch (error) {
        add(key, { truth: single.hits.length, found: 0, transcribed: 0, correct: 0 });
        totals[key]?.errors.push(`${take.title}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    // Held-out GM kits, drums stacked as written.
    const kit = HELD_OUT_KITS[i % HELD_OUT_KITS.length] as number;
    const events = [...new Set(take.hits.map((h) => h.step))].map((s) => ({
      time: leadIn + s * step,
      sounds: take.hits.filter((h) => h.step === s).map((h) => h.sound),
      velocity: 80 + rng.int(40),
    }));
    const audio = await renderKit(events, kit, rng);
    try {
      const g = transcribeGroove(audio, { grid, hits: { stacked: true } });
      add('kit', scoreGroove(take, g.sequence, Math.round((g.origin - leadIn) / step), DRUM_SOUNDS));
    } catch (error) {
      add('kit', { truth: take.hits.length, found: 0, transcribed: 0, correct: 0 });
      totals.kit?.errors.push(`${take.title}: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.stderr.write(`\r${i + 1}/${takes.length} grooves`);
  }
  process.stderr.write('\n');
  const exampleHits = {
    takes: exampleCounts.length,
    [`exactly ${EXAMPLES_PER_DRUM}`]: exampleCounts.filter((c) => c === EXAMPLES_PER_DRUM).length,
    fewer: exampleCounts.filter((c) => c < EXAMPLES_PER_DRUM).length,
    more: exampleCounts.filter((c) => c > EXAMPLES_PER_DRUM).length,
  };
  return Object.fromEntries([
    ['teachTakes (hits found per example take)', exampleHits],
    ...Object.entries(totals).map(([k, t]) => [
      k,
      {
        patterns: takes.length,
        hits: t.truth,
        recall: +(t.found / Math.max(1, t.truth)).toFixed(4),
        precision: +(t.correct / Math.max(1, t.transcribed)).toFixed(4),
        errors: t.errors,
      },
    ]),
  ]);
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
      songs: { type: 'string', default: '40' },
      out: { type: 'string' },
      cache: { type: 'string', default: '/work/runs/eval-transcribe' },
      fresh: { type: 'boolean', default: false },
      params: { type: 'string' },
      details: { type: 'boolean', default: false },
      data: { type: 'string' },
      conditions: { type: 'string', default: CONDITIONS.join(',') },
      patterns: { type: 'string', default: '60' },
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
      const results = await evalMelodies(model, {
        data,
        split: values.split,
        songs,
        cache,
        params,
        details: values.details,
        conditions: values.conditions.split(','),
      });
      report.melody = summarize(results);
      if (values.details) report.melodyTakes = results;
    }
    if (values.part === 'drums' || values.part === 'all')
      report.drums = await evalDrums(data, Number(values.patterns), values.split === 'tune' ? 'tune' : 'test');
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
