/**
 * The style data of `bench:finetune`: 25 double jigs written for Latent Lab in ABC (jigs.abc beside
 * this file: traditional Irish dance tunes, which are public domain, set down from memory — our
 * own approximate settings, not copied from any collection), turned into MIDI files with abcjs
 * (MIT, a maintained ABC parser and MIDI writer; a dev dependency, used only here).
 *
 * The split is fixed (see {@link jigSplit}): 20 tunes to fine-tune on, 5 "other tunes of that
 * style" the bench scores before and after.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import abcjs from 'abcjs';
import { holdOutFiles } from '../../lib/music/dataset';

export interface Tune {
  /** File name (`01-the-kesh.mid`). */
  name: string;
  title: string;
  midi: Uint8Array;
}

const ABC_FILE = path.join(__dirname, 'jigs.abc');

/** Every tune of jigs.abc as a MIDI file, in file order. */
export async function jigTunes(file = ABC_FILE): Promise<Tune[]> {
  const text = await readFile(file, 'utf8');
  const sources = text.split(/\n(?=X:)/).filter((t) => t.startsWith('X:'));
  return sources.map((abc, i) => {
    const title = /^T:(.*)$/m.exec(abc)?.[1]?.trim() ?? `Tune ${i + 1}`;
    const out: unknown = abcjs.synth.getMidiFile(abc, { midiOutputType: 'binary' });
    const bytes = Array.isArray(out) ? (out[0] as unknown) : undefined;
    if (!(bytes instanceof Uint8Array)) throw new Error(`abcjs made no MIDI file of "${title}".`);
    const slug = title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    return { name: `${String(i + 1).padStart(2, '0')}-${slug}.mid`, title, midi: bytes };
  });
}

/**
 * The bench's split: 20 tunes to fine-tune on, 5 other tunes of the style to score — the 5 that the
 * labs and `train:music --hold-out 5` hold back when given all 25 (the same stable hash of the file
 * name), so the browser, the terminal and the library runs are scored on the same tunes.
 */
export async function jigSplit(): Promise<{ train: Tune[]; test: Tune[] }> {
  const tunes = await jigTunes();
  if (tunes.length !== 25) throw new Error(`jigs.abc should hold 25 tunes; it holds ${tunes.length}.`);
  const split = holdOutFiles(
    tunes.map((t) => ({ file: t.name, split: 'train' as const, windows: [], sparse: 0 })),
    5,
  );
  const held = new Set(split.filter((f) => f.split === 'validation').map((f) => f.file));
  return { train: tunes.filter((t) => !held.has(t.name)), test: tunes.filter((t) => held.has(t.name)) };
}
