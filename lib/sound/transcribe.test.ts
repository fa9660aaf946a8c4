import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsSource } from '../core/checkpoint-node';
import { CancelledError } from '../core/errors';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { BASIC_PITCH_MODEL_PATH, loadBasicPitch, type BasicPitchModel } from './basic-pitch';
import { AudioTooLongError, AudioTooShortError, NoNotesInRangeError, NoPitchError, SilentAudioError, TranscriptionModelError } from './errors';
import { addNoise, renderNotes, whiteNoise, type SynthNote } from './testing/synth';
import { melodyFromNotes, transcribeMelody } from './transcribe';

/** Runs `work` and checks it leaves no tensor behind. */
async function noLeak<T>(work: () => Promise<T>): Promise<T> {
  const before = liveTensorCount();
  const result = await work();
  expect(liveTensorCount()).toBe(before);
  return result;
}

const RATE = 44_100;
const QPM = 100;
const STEP = 15 / QPM;
const LEAD_IN = 0.6;
/** [pitch, start step, end step]: quarters, eighths, a rest, a repeated note, a leap. */
const TUNE: [number, number, number][] = [
  [60, 0, 4],
  [62, 4, 6],
  [64, 6, 8],
  [67, 8, 12],
  [72, 12, 14],
  [71, 14, 16],
  [69, 16, 20],
  [67, 22, 24],
  [67, 24, 26],
  [64, 26, 28],
  [62, 28, 32],
];

function sungTake(transpose = 0, seconds = 6.5): Float32Array {
  const notes: SynthNote[] = TUNE.map(([p, a, b]) => ({ pitch: p + transpose, start: LEAD_IN + a * STEP, end: LEAD_IN + b * STEP - 0.03 }));
  return addNoise(renderNotes(notes, seconds, RATE, { vibratoSemitones: 0.25, vibratoHz: 5.5 }), 30, 3);
}

const asSteps = (notes: readonly { pitch: number; quantizedStartStep: number; quantizedEndStep: number }[]): number[][] =>
  notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep]);

let model: BasicPitchModel;
beforeAll(async () => {
  model = await loadBasicPitch(fsSource(path.join(process.cwd(), 'models', BASIC_PITCH_MODEL_PATH)));
});
afterAll(() => model.dispose());

describe('transcribeMelody (basic-pitch on a synthesized, sung-like take)', () => {
  it('gives back the tune on the 16th grid with the tempo and first beat given, leaving no tensor behind', async () => {
    const stages = new Set<string>();
    const result = await noLeak(() =>
      transcribeMelody(model, { samples: sungTake(), sampleRate: RATE }, { grid: { qpm: QPM, downbeat: LEAD_IN }, onProgress: (s) => stages.add(s) }),
    );
    expect(asSteps(result.sequence.notes)).toEqual(TUNE);
    expect(result.sequence.totalQuantizedSteps).toBe(32);
    expect(result.tempo).toMatchObject({ qpm: QPM, source: 'given' });
    expect(Math.abs(result.origin - LEAD_IN)).toBeLessThan(0.05);
    expect([...stages]).toEqual(['resampling', 'listening', 'notes', 'tempo']);
  });

  it('finds the tempo itself, and a new tempo re-quantises without running the model again', async () => {
    const result = await transcribeMelody(model, { samples: sungTake(), sampleRate: RATE });
    expect(result.tempo.source).toBe('detected');
    expect(Math.abs(result.tempo.qpm / QPM - 1)).toBeLessThan(0.02);
    // The bar line may be guessed on another beat: the notes are the tune, shifted by whole beats.
    const shift = (result.sequence.notes[0]?.quantizedStartStep ?? 0) - 0;
    expect(shift % 4).toBe(0);
    expect(asSteps(result.sequence.notes).map(([p, a, b]) => [p, (a as number) - shift, (b as number) - shift])).toEqual(TUNE);
    const again = melodyFromNotes(result.heard, { grid: { qpm: QPM, downbeat: LEAD_IN } });
    expect(asSteps(again.sequence.notes)).toEqual(TUNE);
  });

  it('names silence, noise, too short and too long takes', async () => {
    await expect(transcribeMelody(model, { samples: new Float32Array(RATE * 2), sampleRate: RATE })).rejects.toBeInstanceOf(SilentAudioError);
    const noise = whiteNoise(RATE * 3, 0.3, createRng(1));
    await expect(transcribeMelody(model, { samples: noise, sampleRate: RATE }, { name: 'hiss.wav' })).rejects.toThrow(NoPitchError);
    await expect(transcribeMelody(model, { samples: new Float32Array(1000).fill(0.5), sampleRate: RATE })).rejects.toBeInstanceOf(AudioTooShortError);
    await expect(transcribeMelody(model, { samples: new Float32Array(RATE * 3), sampleRate: RATE }, { maxSeconds: 2 })).rejects.toBeInstanceOf(
      AudioTooLongError,
    );
  });

  it('says which notes it heard when none is in the model’s range', async () => {
    const error = await transcribeMelody(
      model,
      { samples: sungTake(), sampleRate: RATE },
      { grid: { qpm: QPM, downbeat: LEAD_IN }, minPitch: 84, maxPitch: 108 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoNotesInRangeError);
    expect((error as Error).message).toMatch(/11 note\(s\), from MIDI 60 to 72, but the melody model reads only 84–108/);
  });

  it('stops on abort without leaking, and refuses a disposed model', async () => {
    const controller = new AbortController();
    controller.abort();
    await noLeak(async () => {
      await expect(transcribeMelody(model, { samples: sungTake(), sampleRate: RATE }, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    });
    const other = await loadBasicPitch(fsSource(path.join(process.cwd(), 'models', BASIC_PITCH_MODEL_PATH)));
    other.dispose();
    other.dispose();
    await expect(transcribeMelody(other, { samples: sungTake(), sampleRate: RATE })).rejects.toBeInstanceOf(TranscriptionModelError);
  });

  it('refuses a folder that holds some other graph model', async () => {
    const fake = {
      location: 'fake/',
      readJson: async () => ({
        format: 'graph-model',
        modelTopology: {},
        weightsManifest: [{ paths: ['x.bin'], weights: [] }],
        signature: { inputs: { x: { tensorShape: { dim: [{ size: '-1' }, { size: '784' }] } } }, outputs: {} },
      }),
      readBinary: async () => new ArrayBuffer(0),
    };
    await expect(loadBasicPitch(fake)).rejects.toThrow(/not basic-pitch: expected input \[batch, 43844, 1\]/);
  });
});
