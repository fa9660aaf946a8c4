import { describe, expect, it } from 'vitest';
import { createRng } from '../core/random';
import { InvalidInputError } from '../core/errors';
import {
  addExamples,
  classifyByExamples,
  drumExamplesSchema,
  drumsFromExamples,
  examplesComplete,
  learnDrumSounds,
  MAX_EXAMPLES_PER_DRUM,
  NO_EXAMPLES,
  type DrumExamples,
} from './drum-calibration';
import { DRUM_FEATURES, DRUM_PITCHES, DRUM_SOUNDS, hitFeaturesOf, transcribeGroove, type DrumSound } from './drums';
import { MODEL_SAMPLE_RATE } from './pcm';
import { addNoise, drumHit, mixAt } from './testing/synth';

const RATE = MODEL_SAMPLE_RATE;

/** A "mouth" sound of each drum, unlike a kit's: a low thump, a band of noise at 1.5–4 kHz (a "k"), a hiss at 4–8 kHz ("ts"). */
function mouth(sound: DrumSound, seed: number): Float32Array {
  const r = createRng(seed);
  const n = Math.round(0.12 * RATE);
  const out = new Float32Array(n);
  const [centre, q, tau] = sound === 'kick' ? [110, 2, 0.05] : sound === 'snare' ? [2500, 1, 0.03] : [6000, 1.5, 0.02];
  const w = (2 * Math.PI * centre * (0.9 + 0.2 * r.next())) / RATE;
  const alpha = Math.sin(w) / (2 * q);
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < n; i++) {
    const x = (r.next() * 2 - 1) * Math.exp(-i / RATE / tau);
    const y = (alpha * x + 2 * Math.cos(w) * y1 - (1 - alpha) * y2) / (1 + alpha);
    y2 = y1;
    y1 = y;
    out[i] = y * Math.min(1, (n - i) / 200);
  }
  const peak = out.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return out.map((v) => (v / peak) * (0.3 + 0.3 * r.next()));
}

/** "Say it four times": one take of four `make` sounds half a second apart. */
function exampleTake(make: (seed: number) => Float32Array, seed: number): Float32Array {
  const take = new Float32Array(Math.round(2.4 * RATE));
  for (let k = 0; k < 4; k++) mixAt(take, make(seed * 10 + k), 0.3 + k * 0.5, RATE);
  return addNoise(take, 35, seed);
}

function teach(make: Record<DrumSound, (seed: number) => Float32Array>): DrumExamples {
  let examples = NO_EXAMPLES;
  DRUM_SOUNDS.forEach((sound, i) => {
    const hits = hitFeaturesOf({ samples: exampleTake(make[sound], 100 + i), sampleRate: RATE });
    examples = addExamples(
      examples,
      sound,
      hits.map((h) => h.features),
    );
  });
  return examples;
}

/** Two bars of 16ths: kick on beats, snare on the backbeat, hats between; `make` draws each sound. */
const GROOVE: [number, DrumSound][] = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30].map((s) => [
  s,
  s % 8 === 0 ? 'kick' : s % 8 === 4 ? 'snare' : 'hat',
]);
function grooveTake(make: Record<DrumSound, (seed: number) => Float32Array>, qpm: number): Float32Array {
  const step = 15 / qpm;
  const out = new Float32Array(Math.round((0.5 + 32 * step + 0.6) * RATE));
  GROOVE.forEach(([s, sound], i) => mixAt(out, make[sound](1000 + i), 0.5 + s * step, RATE));
  return addNoise(out, 35, 7);
}
const truth = GROOVE.map(([s, sound]) => `${DRUM_PITCHES[sound]}@${s}`).sort();
const heard = (notes: readonly { pitch: number; quantizedStartStep: number }[]): string[] => notes.map((n) => `${n.pitch}@${n.quantizedStartStep}`).sort();

const MOUTH = { kick: (s: number) => mouth('kick', s), snare: (s: number) => mouth('snare', s), hat: (s: number) => mouth('hat', s) };

describe('teaching the drum lab your sounds', () => {
  it('finds the four hits of each example take, and is complete only with every drum taught', () => {
    const examples = teach(MOUTH);
    for (const s of DRUM_SOUNDS) expect(examples[s]).toHaveLength(4);
    expect(examplesComplete(examples)).toBe(true);
    expect(examplesComplete({ ...examples, hat: examples.hat.slice(0, 1) })).toBe(false);
    expect(() => learnDrumSounds({ ...examples, snare: [] })).toThrow(InvalidInputError);
    expect(() => learnDrumSounds({ ...examples, snare: [] })).toThrow(/snare has 0 example hits/);
  });

  it('classes a groove of mouth sounds by the examples, where the kit-trained classifier does not get them all', () => {
    const qpm = 100;
    const grid = { qpm, downbeat: 0.5 };
    const audio = { samples: grooveTake(MOUTH, qpm), sampleRate: RATE };
    const taught = transcribeGroove(audio, { grid, hits: { classify: drumsFromExamples(teach(MOUTH)), adapt: false, positionWeight: 0 } });
    expect(heard(taught.sequence.notes)).toEqual(truth);
    const untaught = transcribeGroove(audio, { grid, hits: { adapt: false, positionWeight: 0 } });
    const right = heard(untaught.sequence.notes).filter((k) => truth.includes(k)).length;
    expect(right).toBeLessThan(truth.length);
  });

  it('follows the examples, not what a kit sounds like: taught the other way round, it names the sounds the other way round', () => {
    const kit = { kick: (s: number) => drumHit('kick', RATE, s), snare: (s: number) => drumHit('snare', RATE, s), hat: (s: number) => drumHit('hat', RATE, s) };
    // The player says their hi-hat is a kit's kick and their kick a kit's hi-hat.
    const swapped = teach({ kick: kit.hat, snare: kit.snare, hat: kit.kick });
    const qpm = 110;
    const g = transcribeGroove(
      { samples: grooveTake(kit, qpm), sampleRate: RATE },
      { grid: { qpm, downbeat: 0.5 }, hits: { classify: drumsFromExamples(swapped), adapt: false, positionWeight: 0 } },
    );
    const swap: Record<DrumSound, DrumSound> = { kick: 'hat', snare: 'snare', hat: 'kick' };
    expect(heard(g.sequence.notes)).toEqual(GROOVE.map(([s, sound]) => `${DRUM_PITCHES[swap[sound]]}@${s}`).sort());
  });

  it('gives probabilities that sum to one, nearest the centre of the closest examples', () => {
    const sounds = learnDrumSounds(teach(MOUTH));
    const f = hitFeaturesOf({ samples: exampleTake(MOUTH.snare, 555), sampleRate: RATE });
    expect(f.length).toBe(4);
    for (const h of f) {
      const p = classifyByExamples(h.features, sounds);
      expect(p.kick + p.snare + p.hat).toBeCloseTo(1, 6);
      expect(p.snare).toBeGreaterThan(0.9);
    }
  });

  it('keeps the newest examples up to the limit, and refuses malformed stored examples', () => {
    let examples = NO_EXAMPLES;
    for (let i = 0; i < MAX_EXAMPLES_PER_DRUM + 5; i++) examples = addExamples(examples, 'kick', [new Array<number>(DRUM_FEATURES).fill(i)]);
    expect(examples.kick).toHaveLength(MAX_EXAMPLES_PER_DRUM);
    expect(examples.kick[0]?.[0]).toBe(5);
    expect(drumExamplesSchema.safeParse(examples).success).toBe(true);
    expect(drumExamplesSchema.safeParse({ ...examples, hat: [[1, 2, 3]] }).success).toBe(false);
    expect(drumExamplesSchema.safeParse({ ...examples, snare: [new Array<number>(DRUM_FEATURES).fill(Number.NaN)] }).success).toBe(false);
    expect(drumExamplesSchema.safeParse({ kick: [] }).success).toBe(false);
  });
});
