/**
 * `npx tsx scripts/timbre-examples.ts [--data /work/runs/timbre-data] [--out models/timbre/examples] [--set models/timbre/set]`
 *
 * Writes the shipped example notes: for every rendered GM family, the note of its first program
 * that has one, at C4 and velocity 80 from the first soundfont (FluidR3 GM, MIT), as a 16-bit mono
 * 16-kHz WAV, plus examples.json with the labels; and the shipped set (`--set`): every rendered
 * program's C4 at velocity 80 (112 notes), as one 16-bit file `notes.bin` and `set.json` — the
 * timbre lab's map and sound list, and the Compare lab's timbre set.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeWav } from '../lib/audio/wav';
import { describeError, InvalidInputError } from '../lib/core/errors';
import { loadDataset, noteAudio } from '../lib/timbre/dataset-node';
import { exampleFileName, TIMBRE_SET_FILES, timbreExamplesSchema, timbreSetSchema, type TimbreExample } from '../lib/timbre/examples';
import { gmProgramName, TIMBRE_FAMILIES } from '../lib/timbre/gm';
import { NOTE_SAMPLES, SAMPLE_RATE } from '../lib/timbre/spec';

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      data: { type: 'string', default: '/work/runs/timbre-data' },
      out: { type: 'string', default: 'models/timbre/examples' },
      set: { type: 'string', default: 'models/timbre/set' },
    },
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
    await writeFile(path.join(values.out, file), encodeWav([noteAudio(data, note)], SAMPLE_RATE));
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
  // The set: every program's C4, velocity 80, first soundfont, in program order.
  const setNotes = data.index.notes.filter((n) => n.soundfont === soundfont.id && n.pitch === 60 && n.velocity === 80).sort((a, b) => a.program - b.program);
  const pcm = new Int16Array(setNotes.length * NOTE_SAMPLES);
  setNotes.forEach((n, i) => {
    const audio = noteAudio(data, n);
    for (let k = 0; k < NOTE_SAMPLES; k++) pcm[i * NOTE_SAMPLES + k] = Math.max(-32768, Math.min(32767, Math.round((audio[k] ?? 0) * 32768)));
  });
  const set = timbreSetSchema.parse({
    source: 'Rendered by npm run dataset:timbre (fluidsynth, no reverb or chorus) and scripts/timbre-examples.ts --set',
    license: list.license,
    sampleRate: SAMPLE_RATE,
    noteSamples: NOTE_SAMPLES,
    notes: setNotes.map((n) => ({
      program: n.program,
      programName: gmProgramName(n.program),
      family: n.family,
      pitch: n.pitch,
      velocity: n.velocity,
      f0Hz: Math.round(n.f0Hz * 100) / 100,
      loudnessDb: Math.round(n.loudnessDb * 10) / 10,
      split: n.split,
    })),
  });
  await mkdir(values.set, { recursive: true });
  await writeFile(path.join(values.set, TIMBRE_SET_FILES.audio), new Uint8Array(pcm.buffer));
  await writeFile(path.join(values.set, TIMBRE_SET_FILES.index), JSON.stringify(set, null, 1) + '\n');
  console.log(
    JSON.stringify({ out: values.out, examples: examples.map((e) => `${e.file}: ${e.programName}`), set: `${values.set}: ${setNotes.length} notes` }, null, 2),
  );
}

main().catch((error: unknown) => {
  console.error(`timbre-examples: ${describeError(error)}`);
  process.exit(1);
});
