/**
 * `npm run musicvae -- <command> [flags]`: MusicVAE from the command line, over the same code as the
 * app (like Magenta Studio's tools, without a DAW).
 *
 *   interpolate --model <dir|url> --a <a.mid> --b <b.mid> --steps N [--temperature T] [--seed S] [--slerp] [--bar K] [--refine K] --out <file.mid>
 *   reconstruct --model <dir|url> --in <x.mid> --out <y.mid> [--refine K] [--window N]
 *   sample      --model <dir|url> --n N [--temperature T] [--seed S] --out <file.mid>
 *   encode      --model <dir|url> --in <file.mid> --json
 * Common: --backend cpu|wasm (default wasm, else cpu), --qpm Q (tempo of written files).
 * Errors go to stderr with exit code 1 (2 for bad usage).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { sourceFor } from '../lib/core/checkpoint-node';
import { describeError, InvalidInputError, LatentLabError } from '../lib/core/errors';
import { MAX_SEED } from '../lib/core/random';
import { MAX_MIDI_BYTES, parseMidi, sequenceToMidi } from '../lib/music/midi';
import { MusicVAE } from '../lib/music/music-vae';
import { DEFAULT_QPM, STEPS_PER_BAR, TEMPO_RANGE } from '../lib/music/note-sequence';
import { concatenate, unquantize } from '../lib/music/sequences';
import { midiWindows, pickWindow } from '../lib/music/windows';

const USAGE = `Usage:
  npm run musicvae -- interpolate --model <dir|url> --a <a.mid> --b <b.mid> --steps N [--temperature T] [--seed S] [--slerp] [--bar K] [--refine K] --out <file.mid>
  npm run musicvae -- reconstruct --model <dir|url> --in <x.mid> --out <y.mid> [--refine K] [--window N]
      (every 2-bar window of the file, bars 1–2, 3–4, …; or only the window starting at bar N; --refine K refines each code with K steps)
  npm run musicvae -- sample --model <dir|url> --n N [--temperature T] [--seed S] --out <file.mid>
  npm run musicvae -- encode --model <dir|url> --in <file.mid> --json
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

async function readMidi(file: string): Promise<ReturnType<typeof parseMidi>> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new InvalidInputError(`Cannot read ${file}: no such file.`);
  }
  if (info.size > MAX_MIDI_BYTES) return parseMidi(new Uint8Array(MAX_MIDI_BYTES + 1), path.basename(file)); // the size error, without reading it all
  return parseMidi(new Uint8Array(await readFile(file)), path.basename(file));
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
    },
  });
  if (!['interpolate', 'sample', 'encode', 'reconstruct'].includes(command)) throw new UsageError(`Unknown command "${command}".`);
  if (!values.model) throw new UsageError('--model is required (a checkpoint folder or URL).');
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new UsageError('--backend must be cpu or wasm on the command line.');
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
      const wa = pickWindow(midiWindows(await readMidi(fa), kind), path.basename(fa), bar);
      const wb = pickWindow(midiWindows(await readMidi(fb), kind), path.basename(fb), bar);
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
      const found = midiWindows(await readMidi(values.in), kind);
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
      const found = midiWindows(await readMidi(values.in), kind);
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
