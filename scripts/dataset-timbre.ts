/**
 * `npm run dataset:timbre -- [--out <dir>] [--programs 0-111] [--pitches 36-84/3] [--velocities 45,80,115]
 *   [--soundfonts fluidr3=<sf2>,musescore=<sf3>] [--gain 1]`
 *
 * Renders the mini-NSynth with fluidsynth (see lib/timbre/dataset.ts for the notes and splits) into
 * <dir> (default /work/runs/timbre-data): index.json, the clips and the encoder-feature cache.
 * Resumable: run the same command again after an interruption. --remeasure recomputes f0, loudness
 * and features of the notes already rendered (after a change to the measuring code). Needs fluidsynth and the two
 * soundfonts (it prints the apt-get command when they are missing); nothing here is needed to run
 * the app.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeError, InvalidInputError } from '../lib/core/errors';
import { DEFAULT_PLAN, SPLITS, type DatasetPlan, type SoundfontSpec } from '../lib/timbre/dataset';
import { buildDataset } from '../lib/timbre/dataset-node';
import { stopOnInterrupt } from './interrupt';

/** "0-111", "36-84/3", "45,80,115" or mixes of them → numbers. */
export function parseRanges(text: string, what: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+)(?:\/(\d+))?)?\s*$/.exec(part);
    if (!m) throw new InvalidInputError(`--${what}: "${part}" is not a number or a range like 36-84/3.`);
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (hi < lo || step < 1) throw new InvalidInputError(`--${what}: "${part}" is an empty range.`);
    for (let v = lo; v <= hi; v += step) out.push(v);
  }
  return [...new Set(out)];
}

function parseSoundfonts(text: string): SoundfontSpec[] {
  return text.split(',').map((part) => {
    const [id, file] = part.split('=');
    if (!id || !file || !/^[a-z0-9_-]+$/i.test(id)) throw new InvalidInputError(`--soundfonts: "${part}" must look like id=/path/to/file.sf2.`);
    return { id, path: file };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: '/work/runs/timbre-data' },
      programs: { type: 'string' },
      pitches: { type: 'string' },
      velocities: { type: 'string' },
      soundfonts: { type: 'string' },
      gain: { type: 'string', default: '1' },
      remeasure: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const plan: DatasetPlan = {
    ...DEFAULT_PLAN,
    ...(values.programs ? { programs: parseRanges(values.programs, 'programs') } : {}),
    ...(values.pitches ? { pitches: parseRanges(values.pitches, 'pitches') } : {}),
    ...(values.velocities ? { velocities: parseRanges(values.velocities, 'velocities') } : {}),
    ...(values.soundfonts ? { soundfonts: parseSoundfonts(values.soundfonts) } : {}),
  };
  const gain = Number(values.gain);
  if (!(gain > 0 && gain <= 2)) throw new InvalidInputError(`--gain must be a number above 0 and at most 2; got ${values.gain}.`);
  const controller = new AbortController();
  stopOnInterrupt(controller, 'Stopping after this program; run the same command to resume.');
  const t0 = performance.now();
  const index = await buildDataset({
    out: path.resolve(values.out),
    plan,
    gain,
    remeasure: values.remeasure,
    command: `npm run dataset:timbre -- ${process.argv.slice(2).join(' ')}`.trim(),
    signal: controller.signal,
    onProgress: (message) => process.stderr.write(message + '\n'),
  });
  const counts = Object.fromEntries(SPLITS.map((s) => [s, index.notes.filter((n) => n.split === s).length]));
  console.log(
    JSON.stringify(
      {
        out: path.resolve(values.out),
        seconds: Math.round((performance.now() - t0) / 1000),
        notes: index.notes.length,
        dropped: index.dropped.length,
        splits: counts,
        soundfonts: index.soundfonts.map((s) => ({ id: s.id, notes: s.notes, megabytes: +(s.bytes / 1e6).toFixed(1) })),
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(`dataset:timbre: ${describeError(error)}`);
  process.exit(1);
});
