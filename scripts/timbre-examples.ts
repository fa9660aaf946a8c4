/**
 * `npx tsx scripts/timbre-examples.ts [--data /work/runs/timbre-data] [--out models/timbre/examples]`
 *
 * Writes the shipped example notes: for every rendered GM family, the note of its first program
 * that has one, at C4 and velocity 80 from the first soundfont (FluidR3 GM, MIT), as a 16-bit mono
 * 16-kHz WAV, plus examples.json with the labels.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeError, InvalidInputError } from '../lib/core/errors';
import { loadDataset, noteAudio } from '../lib/timbre/dataset-node';
import { exampleFileName, timbreExamplesSchema, type TimbreExample } from '../lib/timbre/examples';
import { gmProgramName, TIMBRE_FAMILIES } from '../lib/timbre/gm';
import { SAMPLE_RATE } from '../lib/timbre/spec';
import { encodeMonoWav } from '../lib/timbre/wav';

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: { data: { type: 'string', default: '/work/runs/timbre-data' }, out: { type: 'string', default: 'models/timbre/examples' } },
  });
  const data = await loadDataset(path.resolve(values.data));
  const soundfont = data.index.soundfonts[0];
  if (!soundfont) throw new InvalidInputError('The dataset has no soundfont.');
  await mkdir(values.out, { recursive: true });
  const examples: TimbreExample[] = [];
  for (const family of TIMBRE_FAMILIES) {
    const note = data.index.notes
      .filter((n) => n.soundfont === soundfont.id && n.family === family && n.pitch === 60 && n.velocity === 80)
      .sort((a, b) => a.program - b.program)[0];
    if (!note) throw new InvalidInputError(`The dataset has no C4 note of the ${family} family at velocity 80.`);
    const file = exampleFileName(family);
    await writeFile(path.join(values.out, file), encodeMonoWav(noteAudio(data, note), SAMPLE_RATE));
    examples.push({
      file,
      family,
      program: note.program,
      programName: gmProgramName(note.program),
      pitch: note.pitch,
      velocity: note.velocity,
      f0Hz: Math.round(note.f0Hz * 100) / 100,
      loudnessDb: Math.round(note.loudnessDb * 10) / 10,
      soundfont: path.basename(soundfont.path),
    });
  }
  const list = timbreExamplesSchema.parse({
    source: 'Rendered by npm run dataset:timbre (fluidsynth, no reverb or chorus) and scripts/timbre-examples.ts',
    license: 'FluidR3 GM SoundFont, MIT (Frank Wen and contributors; see /usr/share/doc/fluid-soundfont-gm/copyright)',
    examples,
  });
  await writeFile(path.join(values.out, 'examples.json'), JSON.stringify(list, null, 2) + '\n');
  console.log(JSON.stringify({ out: values.out, examples: examples.map((e) => `${e.file}: ${e.programName}`) }, null, 2));
}

main().catch((error: unknown) => {
  console.error(`timbre-examples: ${describeError(error)}`);
  process.exit(1);
});
