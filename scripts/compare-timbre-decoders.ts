/**
 * `npm run compare:timbre-decoders -- [--data /work/runs/timbre-data] [--notes 100] [--iterations 32] [--synth-steps 400]`
 *
 * The measurement behind the timbre model's architecture (models/timbre/MODEL_CARD.md): how well,
 * and how fast, could a VAE over log-mel spectrograms with Griffin-Lim phase reconstruction sound
 * at best? Its ceiling is a perfect VAE — one that returns the input's own log-mel exactly — so here
 * the held-out notes' true log-mel spectrograms (64 bands, n = 1024, hop 256) are inverted (mel →
 * linear by the filterbank's pseudo-inverse, then Griffin-Lim) and compared with the input by the
 * same multi-scale spectral distance as eval:timbre; the Griffin-Lim time per note is the decoder
 * cost that option adds on top of its network.
 *
 * The DDSP side's ceiling the same way: the default (and shipped) harmonic-plus-noise synthesizer (96
 * partials, 40 noise bands) with its knobs fitted to each note by `--synth-steps` Adam steps — no
 * network, no code (`fitSynthCeiling`): the closest any decoder driving that synthesizer could come.
 * Prints JSON (medians).
 */
import { Matrix, pseudoInverse } from 'ml-matrix';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeError, InvalidInputError } from '../lib/core/errors';
import { initNodeBackend } from '../lib/core/backend-node';
import { fitSynthCeiling, griffinLim, sineBaseline, stftComplex } from '../lib/timbre/baselines';
import { loadDataset, noteAudio } from '../lib/timbre/dataset-node';
import { melFilterbank } from '../lib/timbre/dsp';
import { defaultTimbreConfig } from '../lib/timbre/network';
import { multiScaleDistance } from '../lib/timbre/spectral-loss';
import { HarmonicNoiseSynth } from '../lib/timbre/synth';
import { spread } from '../lib/timbre/train-run';

const N = 1024;
const HOP = 256;
const BANDS = 64;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      data: { type: 'string', default: '/work/runs/timbre-data' },
      notes: { type: 'string', default: '100' },
      iterations: { type: 'string', default: '32' },
      'synth-steps': { type: 'string', default: '400' },
    },
  });
  const synthSteps = Number(values['synth-steps']);
  if (!Number.isInteger(synthSteps) || synthSteps < 0) throw new InvalidInputError(`--synth-steps must be a whole number ≥ 0; got ${values['synth-steps']}.`);
  await initNodeBackend();
  const data = await loadDataset(path.resolve(values.data));
  const notes = spread(
    data.index.notes.filter((n) => n.split === 'heldout-program'),
    Number(values.notes),
  );
  const bins = N / 2 + 1;
  const bank = melFilterbank(N, BANDS);
  const m = new Matrix(Array.from({ length: BANDS }, (_, b) => Array.from(bank.subarray(b * bins, (b + 1) * bins), Number)));
  const pinv = pseudoInverse(m); // bins × bands
  const iterations = Number(values.iterations);
  const dMel: number[] = [];
  const dSine: number[] = [];
  const glMs: number[] = [];
  for (const n of notes) {
    const x = noteAudio(data, n);
    const s = stftComplex(x, N, HOP);
    const mags = new Float32Array(s.frames * bins);
    for (let f = 0; f < s.frames; f++) {
      const power = Array.from({ length: BANDS }, (_, b) => {
        let p = 0;
        for (let k = 0; k < bins; k++) p += (bank[b * bins + k] ?? 0) * ((s.re[f * bins + k] ?? 0) ** 2 + (s.im[f * bins + k] ?? 0) ** 2);
        return p;
      });
      for (let k = 0; k < bins; k++) {
        let v = 0;
        for (let b = 0; b < BANDS; b++) v += pinv.get(k, b) * (power[b] ?? 0);
        mags[f * bins + k] = Math.sqrt(Math.max(0, v));
      }
    }
    const t0 = performance.now();
    const y = griffinLim(mags, N, HOP, x.length, iterations);
    glMs.push(performance.now() - t0);
    dMel.push(multiScaleDistance(y, x));
    dSine.push(multiScaleDistance(sineBaseline(x, n.f0Hz), x));
  }
  // The synthesizer's ceiling, 8 notes at a time.
  const dSynth: number[] = [];
  const synthMs: number[] = [];
  if (synthSteps > 0) {
    const config = defaultTimbreConfig();
    const synth = new HarmonicNoiseSynth({ harmonics: config.harmonics, noiseBands: config.noiseBands, noiseSeed: config.noiseSeed });
    try {
      for (let i = 0; i < notes.length; i += 8) {
        const chunk = notes.slice(i, i + 8).map((n) => ({ samples: noteAudio(data, n), f0Hz: n.f0Hz, loudnessDb: n.loudnessDb }));
        const t0 = performance.now();
        const { audio } = await fitSynthCeiling(synth, chunk, { steps: synthSteps });
        synthMs.push((performance.now() - t0) / chunk.length);
        audio.forEach((y, j) => dSynth.push(multiScaleDistance(y, (chunk[j] as { samples: Float32Array }).samples)));
        console.error(`synthesizer ceiling: ${dSynth.length}/${notes.length} notes, median so far ${median(dSynth).toFixed(3)}`);
      }
    } finally {
      synth.dispose();
    }
  }
  console.log(
    JSON.stringify(
      {
        notes: notes.length,
        split: 'heldout-program',
        melGriffinLimCeiling: {
          medianDistance: median(dMel),
          ratioToSine: median(dMel) / median(dSine),
          griffinLimIterations: iterations,
          griffinLimMsPerNote: median(glMs),
        },
        ...(synthSteps > 0
          ? { synthCeiling: { medianDistance: median(dSynth), ratioToSine: median(dSynth) / median(dSine), adamSteps: synthSteps, msPerNote: median(synthMs) } }
          : {}),
        sineBaseline: { medianDistance: median(dSine) },
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(`compare:timbre-decoders: ${describeError(error)}`);
  process.exit(1);
});
