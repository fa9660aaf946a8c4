import { describe, expect, it } from 'vitest';
import { MelodyConverter } from './converters/melody';
import { DrumsConverter } from './converters/drums';
import { FineTuneDataError, readFineTuneFile, splitFineTuneData } from './finetune-data';
import { melodyExample, MELODY_EXAMPLES } from './examples';
import { sequenceToMidi } from './midi';
import { trim } from './sequences';
import { drumFile, melodyFile } from './testing/finetune-fixtures';

const melody = new MelodyConverter();
const drums = new DrumsConverter();

describe('reading the user files for fine-tuning', () => {
  it('cuts each file into 2-bar windows one bar apart and names every refused file with its reason', () => {
    const good = readFineTuneFile('tune.mid', melodyFile(0, 3), melody);
    expect(good.refused).toBeUndefined();
    expect(good.windows).toHaveLength(5); // 6 bars → windows at bars 1–5
    const text = readFineTuneFile('notes.txt', new TextEncoder().encode('not music'), melody);
    expect(text.refused).toMatch(/notes\.txt .*not a Standard MIDI File/);
    const short = readFineTuneFile('short.mid', sequenceToMidi(trim(melodyExample(MELODY_EXAMPLES[0] as (typeof MELODY_EXAMPLES)[number]), 0, 16)), melody);
    expect(short.refused).toMatch(/short\.mid is shorter than 2 bars/);
    const drumsInMelody = readFineTuneFile('beat.mid', drumFile(0), melody);
    expect(drumsInMelody.refused).toMatch(/beat\.mid has only drums, no melody/);
    const melodyInDrums = readFineTuneFile('tune.mid', melodyFile(0), drums);
    expect(melodyInDrums.refused).toMatch(/tune\.mid has no drums/);
  });

  it('needs at least 8 windows to learn from and says what was found and what was refused', () => {
    const files = [readFineTuneFile('a.mid', melodyFile(0, 2), melody), readFineTuneFile('b.txt', new Uint8Array([1, 2, 3]), melody)];
    expect(() => splitFineTuneData(files, 'melody')).toThrow(FineTuneDataError);
    expect(() => splitFineTuneData(files, 'melody')).toThrow(
      /Found 3 usable 2-bar windows in 1 of 2 files; fine-tuning the melody model needs at least 8 .* Refused: b\.txt/,
    );
  });

  it('says when the files are of the other kind (drum files for the melody model, and the reverse)', () => {
    const beats = [0, 1, 2].map((i) => readFineTuneFile(`beat-${i}.mid`, drumFile(i), melody));
    expect(() => splitFineTuneData(beats, 'melody')).toThrow(/These are drum files: fine-tune the drum model in the drum lab instead\./);
    const tunes = [0, 1].map((i) => readFineTuneFile(`tune-${i}.mid`, melodyFile(i), drums));
    expect(() => splitFineTuneData(tunes, 'drums')).toThrow(/These are melody files: fine-tune the melody model in the melody lab instead\./);
  });

  it('holds back about a fifth of the files, the same ones every time, and trains on the rest', () => {
    const files = Array.from({ length: 10 }, (_, i) => readFineTuneFile(`tune-${i}.mid`, melodyFile(i, 3), melody));
    const data = splitFineTuneData(files, 'melody');
    expect(data.heldBackFiles).toHaveLength(2);
    expect(data.train).toHaveLength(8 * 5);
    expect(data.heldBack).toHaveLength(2 * 5);
    expect(data.heldBackNote).toMatch(/^2 of your 10 files held back: tune-\d\.mid, tune-\d\.mid$/);
    expect(splitFineTuneData([...files].reverse(), 'melody').heldBackFiles.sort()).toEqual([...data.heldBackFiles].sort());
  });

  it('with one file, holds back its last windows with one window between the parts, so no bar is in both', () => {
    const one = readFineTuneFile('long.mid', melodyFile(0, 8), melody); // 16 bars → 15 windows
    const data = splitFineTuneData([one], 'melody');
    expect(data.heldBack).toHaveLength(3);
    expect(data.train).toHaveLength(11);
    expect(data.heldBack[0]).toBe(one.windows[12]);
    expect(data.heldBackNote).toBe('one file only: its last 3 windows held back');
  });
});
