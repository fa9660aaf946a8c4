/**
 * `npm run eval:interp -- --model models/mel_2bar --data <MIDI folder> [--pairs 32] [--steps 11] [--refine 50] [--mode slerp|lerp] [--seed 1]`
 *
 * Do refined ends make the middle of a morph unmusical? For random pairs of validation windows,
 * interpolates between their codes twice — from the encoder's μ and from refined codes — and
 * prints, for each: how faithfully the ends come back, the mean and largest event edit distance
 * between neighbouring steps (lib/music/metrics), the end-to-end distance, how far the refined
 * codes moved (in σ), and the note density / pitch range of the middle steps next to the data's.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend } from '../lib/core/backend-node';
import { sourceFor } from '../lib/core/checkpoint-node';
import { describeError } from '../lib/core/errors';
import { createRng, MAX_SEED } from '../lib/core/random';
import { buildMusicDataset } from '../lib/music/dataset-node';
import { sequenceStats } from '../lib/music/evaluate';
import { pathQuality, type PathQuality } from '../lib/music/metrics';
import { MusicVAE } from '../lib/music/music-vae';

function whole(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}; got "${value}".`);
  return n;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      pairs: { type: 'string' },
      steps: { type: 'string' },
      refine: { type: 'string' },
      mode: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (!values.model || !values.data) throw new Error('--model <checkpoint> and --data <folder of MIDI files> are required.');
  const pairs = whole(values.pairs, 'pairs', 32, 1, 1000);
  const steps = whole(values.steps, 'steps', 11, 3, 64);
  const refineSteps = whole(values.refine, 'refine', 50, 1, 1000);
  const seed = whole(values.seed, 'seed', 1, 0, MAX_SEED);
  const mode = values.mode ?? 'slerp';
  if (mode !== 'slerp' && mode !== 'lerp') throw new Error('--mode must be slerp or lerp.');
  const choice = await initNodeBackend();
  const model = await MusicVAE.load(sourceFor(values.model));
  try {
    const kind = model.converter.kind;
    const dataset = await buildMusicDataset(path.resolve(values.data), model.converter, {
      ignoreMeter: kind === 'melody',
      kit: kind === 'drums' ? 'roland-td11' : 'gm',
    });
    const windows = dataset.files.filter((f) => f.split === 'validation').flatMap((f) => f.windows);
    if (windows.length < 2) throw new Error('The folder needs at least 2 validation windows.');
    const rng = createRng(seed);
    const picked = Array.from({ length: pairs }, () => [windows[rng.int(windows.length)], windows[rng.int(windows.length)]] as [Int32Array, Int32Array]);
    const seqs = picked.flat().map((w) => model.converter.labelsToSequence(w));
    const results: Record<'encoder' | 'refined', { quality: PathQuality[]; ends: number[]; distance: number[] }> = {
      encoder: { quality: [], ends: [], distance: [] },
      refined: { quality: [], ends: [], distance: [] },
    };
    for (const which of ['encoder', 'refined'] as const) {
      for (let i = 0; i < seqs.length; i += 16) {
        const chunk = seqs.slice(i, i + 16);
        const encoded = await model.encodeWithFidelity(chunk, which === 'refined' ? { refine: { steps: refineSteps } } : {});
        for (let k = 0; k + 1 < chunk.length; k += 2) {
          const strip = await model.interpolateCodeSequences(encoded.z[k] as Float32Array, encoded.z[k + 1] as Float32Array, steps, mode);
          results[which].quality.push(
            pathQuality(
              strip.map((s) => model.converter.toLabels(s)),
              model.converter,
            ),
          );
        }
        results[which].ends.push(...encoded.fidelity.map((f) => f.matchingSteps / f.totalSteps));
        results[which].distance.push(...(encoded.refinements ?? []).map((r) => r.distanceSigma));
        process.stderr.write(`\r${which}: ${Math.min(seqs.length, i + 16)}/${seqs.length} ends`);
      }
      process.stderr.write('\n');
    }
    const data = sequenceStats(seqs);
    const unit = kind === 'melody' ? 'notes' : 'hits';
    console.log(`Interpolation quality: ${model.name}, ${pairs} random pairs of validation windows, ${steps}-step ${mode}, backend ${choice.backend}`);
    console.log(
      `| ends | ends right (steps) | neighbour distance, mean | neighbour distance, largest (mean / max over paths) | end-to-end | codes moved (σ) | middle steps: ${unit} per window | middle: pitch range |`,
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const which of ['encoder', 'refined'] as const) {
      const r = results[which];
      const q = r.quality;
      console.log(
        `| ${which === 'encoder' ? "encoder's μ" : `refined (K = ${refineSteps})`} | ${(100 * mean(r.ends)).toFixed(1)}% | ${mean(q.map((x) => x.meanStep)).toFixed(2)} | ${mean(q.map((x) => x.maxStep)).toFixed(2)} / ${Math.max(...q.map((x) => x.maxStep))} | ${mean(q.map((x) => x.endToEnd)).toFixed(1)} | ${r.distance.length ? mean(r.distance).toFixed(1) : '0'} | ${mean(q.map((x) => x.middle.noteDensity)).toFixed(1)} | ${mean(q.map((x) => x.middle.pitchRange)).toFixed(1)} |`,
      );
    }
    console.log(`| the data (the pairs' own windows) | | | | | | ${data.noteDensity.toFixed(1)} | ${data.pitchRange.toFixed(1)} |`);
  } finally {
    model.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(`eval:interp: ${describeError(error)}`);
  process.exit(1);
});
