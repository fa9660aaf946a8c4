/**
 * `npm run train:drums-audio [-- --out lib/sound/drum-model.ts]`: trains the kick / snare / closed
 * hi-hat hit classifiers of lib/sound/drums.ts and writes their weights.
 *
 * Data, all made here: random sequences of hits (one drum, or kick+hat, snare+hat, kick+snare, at
 * random velocities, 0.3–0.6 s apart) rendered with FluidSynth from the FluidR3 General MIDI drum
 * kits **Standard (0), Room (8), Power (16) and Jazz (32)** — the kits Electronic (24), TR-808 (25)
 * and Brush (40) are held out and reported — plus the synthetic hits of lib/sound/testing/synth.ts,
 * each take also with white noise at 25 dB SNR. Onsets are found with the same detector as at run
 * time; each true hit takes the nearest onset within 35 ms and its 14 features.
 * Model: three independent logistic regressions (a hit can hold several drums), full-batch
 * gradient descent with L2 0.001, on standardized features. Needs fluidsynth + fluid-soundfont-gm.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createRng, type Rng } from '../lib/core/random';
import { classifyHit, DRUM_FEATURES, DRUM_SOUNDS, hitFeatures, type DrumSound } from '../lib/sound/drums';
import type { DrumModel } from '../lib/sound/drum-model';
import { pickOnsets, spectralFlux } from '../lib/sound/onsets';
import { MODEL_SAMPLE_RATE, type PcmAudio } from '../lib/sound/pcm';
import { spectrogram } from '../lib/sound/spectrum';
import { addNoise, drumHit, mixAt } from '../lib/sound/testing/synth';
import { HELD_OUT_KITS, TRAIN_KITS, renderKit, type DrumEvent as Event } from './render-audio';

const COMBOS: readonly (readonly DrumSound[])[] = [['kick'], ['snare'], ['hat'], ['kick', 'hat'], ['snare', 'hat'], ['kick', 'snare']];
const COMBO_WEIGHTS = [0.2, 0.2, 0.2, 0.2, 0.15, 0.05];

function randomEvents(rng: Rng, count: number): Event[] {
  const events: Event[] = [];
  let t = 0.5;
  for (let i = 0; i < count; i++) {
    let r = rng.next();
    let c = 0;
    while (c < COMBOS.length - 1 && r > (COMBO_WEIGHTS[c] as number)) r -= COMBO_WEIGHTS[c++] as number;
    events.push({ time: t, sounds: COMBOS[c] as readonly DrumSound[], velocity: 50 + rng.int(78) });
    t += 0.3 + rng.next() * 0.3;
  }
  return events;
}

/** The synthetic hits of testing/synth.ts at `events`. */
function renderSynth(events: readonly Event[], rng: Rng): PcmAudio {
  const end = (events[events.length - 1]?.time ?? 0) + 1;
  const samples = new Float32Array(Math.round(end * MODEL_SAMPLE_RATE));
  for (const e of events)
    for (const s of e.sounds) mixAt(samples, drumHit(s, MODEL_SAMPLE_RATE, rng.int(1e9), (0.2 + (0.6 * e.velocity) / 127) * 0.7), e.time, MODEL_SAMPLE_RATE);
  return { samples, sampleRate: MODEL_SAMPLE_RATE };
}

/** Features and multi-hot labels of the true hits that an onset was found for (within 35 ms). */
export function labelledFeatures(audio: PcmAudio, events: readonly Event[]): { x: Float32Array[]; y: number[][]; missed: number } {
  const spec = spectrogram(audio.samples, audio.sampleRate, 1024, 128);
  const frameSeconds = spec.hop / spec.sampleRate;
  const onsets = pickOnsets(spectralFlux(spec), frameSeconds);
  const x: Float32Array[] = [];
  const y: number[][] = [];
  let missed = 0;
  for (const e of events) {
    const near = onsets.reduce<{ time: number } | undefined>(
      (best, o) => (Math.abs(o.time - e.time) < Math.abs((best?.time ?? Infinity) - e.time) ? o : best),
      undefined,
    );
    if (!near || Math.abs(near.time - e.time) > 0.035) {
      missed++;
      continue;
    }
    x.push(hitFeatures(spec, Math.round(near.time / frameSeconds)));
    y.push(DRUM_SOUNDS.map((s) => (e.sounds.includes(s) ? 1 : 0)));
  }
  return { x, y, missed };
}

function train(x: readonly Float32Array[], y: readonly number[][], iterations = 3000, lr = 0.5, l2 = 1e-3): DrumModel {
  const n = x.length;
  const mean = Array.from({ length: DRUM_FEATURES }, (_, i) => x.reduce((a, r) => a + (r[i] ?? 0), 0) / n);
  const std = Array.from({ length: DRUM_FEATURES }, (_, i) => Math.sqrt(x.reduce((a, r) => a + ((r[i] ?? 0) - (mean[i] ?? 0)) ** 2, 0) / n) || 1);
  const z = x.map((r) => Array.from(r, (v, i) => (v - (mean[i] ?? 0)) / (std[i] ?? 1)));
  const weights = DRUM_SOUNDS.map((_s, c) => {
    const w = new Array<number>(DRUM_FEATURES + 1).fill(0);
    for (let it = 0; it < iterations; it++) {
      const grad = new Array<number>(DRUM_FEATURES + 1).fill(0);
      for (let k = 0; k < n; k++) {
        const row = z[k] as number[];
        let s = w[DRUM_FEATURES] as number;
        for (let i = 0; i < DRUM_FEATURES; i++) s += (w[i] as number) * (row[i] as number);
        const err = 1 / (1 + Math.exp(-s)) - ((y[k] as number[])[c] as number);
        for (let i = 0; i < DRUM_FEATURES; i++) grad[i] = (grad[i] as number) + err * (row[i] as number);
        grad[DRUM_FEATURES] = (grad[DRUM_FEATURES] as number) + err;
      }
      for (let i = 0; i <= DRUM_FEATURES; i++) w[i] = (w[i] as number) - lr * ((grad[i] as number) / n + (i < DRUM_FEATURES ? l2 * (w[i] as number) : 0));
    }
    return w.map((v) => +v.toFixed(5));
  });
  return { mean: mean.map((v) => +v.toFixed(5)), std: std.map((v) => +v.toFixed(5)), weights, trainedOn: '' };
}

function accuracy(model: DrumModel, x: readonly Float32Array[], y: readonly number[][]): { exact: number; perDrum: Record<DrumSound, number> } {
  let exact = 0;
  const per = { kick: 0, snare: 0, hat: 0 };
  x.forEach((r, k) => {
    let all = true;
    const p = classifyHit(r, model);
    DRUM_SOUNDS.forEach((s, c) => {
      const ok = p[s] >= 0.5 === ((y[k] as number[])[c] === 1);
      if (ok) per[s]++;
      else all = false;
    });
    if (all) exact++;
  });
  const n = Math.max(1, x.length);
  return { exact: +(exact / n).toFixed(4), perDrum: { kick: +(per.kick / n).toFixed(4), snare: +(per.snare / n).toFixed(4), hat: +(per.hat / n).toFixed(4) } };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: { out: { type: 'string', default: 'lib/sound/drum-model.ts' }, events: { type: 'string', default: '160' } },
  });
  const count = Number(values.events);
  const rng = createRng(20261206);
  const collect = async (kits: readonly number[], synth: boolean): Promise<{ x: Float32Array[]; y: number[][]; missed: number }> => {
    const all = { x: [] as Float32Array[], y: [] as number[][], missed: 0 };
    const takes: { audio: PcmAudio; events: Event[] }[] = [];
    for (const kit of kits) {
      const events = randomEvents(rng, count);
      takes.push({ audio: await renderKit(events, kit, rng), events });
    }
    if (synth) {
      const events = randomEvents(rng, count);
      takes.push({ audio: renderSynth(events, rng), events });
    }
    for (const t of takes) {
      for (const audio of [t.audio, { ...t.audio, samples: addNoise(t.audio.samples, 25, rng.int(1e9)) }]) {
        const f = labelledFeatures(audio, t.events);
        all.x.push(...f.x);
        all.y.push(...f.y);
        all.missed += f.missed;
      }
    }
    return all;
  };
  const trainSet = await collect(TRAIN_KITS, true);
  const heldOut = await collect(HELD_OUT_KITS, false);
  const model = train(trainSet.x, trainSet.y);
  const report = {
    trainHits: trainSet.x.length,
    trainMissedOnsets: trainSet.missed,
    train: accuracy(model, trainSet.x, trainSet.y),
    heldOutKits: { hits: heldOut.x.length, missedOnsets: heldOut.missed, ...accuracy(model, heldOut.x, heldOut.y) },
  };
  const trainedOn =
    `FluidR3 GM drum kits ${TRAIN_KITS.join(', ')} + synthetic hits, ${trainSet.x.length} hits (clean and 25 dB SNR); ` +
    `held-out kits ${HELD_OUT_KITS.join(', ')}: ${(report.heldOutKits.exact * 100).toFixed(1)}% of hits with every drum right`;
  const text = `/**
 * Weights of the three hit classifiers in drums.ts (logistic regressions over 14 standardized
 * features), written by \`npm run train:drums-audio\` (scripts/train-drum-classifier.ts). Do not edit.
 */
export interface DrumModel {
  /** Feature means and standard deviations (standardization). */
  mean: readonly number[];
  std: readonly number[];
  /** One row per drum (kick, snare, hat): 14 weights, then the bias. */
  weights: readonly (readonly number[])[];
  /** What it was trained on, for the docs. */
  trainedOn: string;
}

export const DRUM_MODEL: DrumModel = ${JSON.stringify({ ...model, trainedOn }, null, 2)};
`;
  await writeFile(values.out, text);
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error: unknown) => {
  console.error(`train:drums-audio: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
