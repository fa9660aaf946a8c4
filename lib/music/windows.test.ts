import { Midi } from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { MeterError, NoMusicError } from './errors';
import { extractDrums, GM_AND_ROLAND_PITCH_CLASSES, parseMidi, ROLAND_TD11_PITCH_CLASSES } from './midi';
import { DEFAULT_DRUM_PITCH_CLASSES } from './converters/drums';
import { midiWindows, pickWindow } from './windows';

/** A tune of `beats` quarter notes at 120 qpm in `meter`. */
function tune(beats: number, meter: [number, number]): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(120);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: meter, measures: 0 });
  midi.header.update();
  const t = midi.addTrack();
  for (let b = 0; b < beats; b++) t.addNote({ midi: 60 + (b % 7), time: b * 0.5, duration: 0.45, velocity: 0.7 });
  return midi.toArray();
}

/** A drum part with the given pitches, one per 16th (channel 10). */
function drums(pitches: readonly number[]): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(120);
  const t = midi.addTrack();
  t.channel = 9;
  pitches.forEach((p, i) => t.addNote({ midi: p, time: i * 0.125, duration: 0.1, velocity: 0.8 }));
  return midi.toArray();
}

describe('forgiving import: any meter', () => {
  it('reads 4/4, 2/2 and 2/4 on the 16th grid without a note', () => {
    for (const meter of [
      [4, 4],
      [2, 2],
      [2, 4],
    ] as [number, number][]) {
      const found = midiWindows(parseMidi(tune(16, meter), 'tune.mid'), 'melody');
      // 16 quarter beats = 64 sixteenths: 4 bars of 4/4 or 2/2 (windows at bars 1–3), 8 bars of 2/4 (windows at bars 1–5).
      expect(found.windows.length).toBe(meter[1] === 4 && meter[0] === 2 ? 5 : 3);
      expect(found.notes.join(' ')).not.toMatch(/crosses bar lines/);
    }
  });

  it('reads 3/4 and 6/8 in their own meter: a window of 32 sixteenths starts at every bar line of the piece, and says so (not an error)', () => {
    for (const meter of [
      [3, 4],
      [6, 8],
    ] as [number, number][]) {
      const found = midiWindows(parseMidi(tune(24, meter), 'waltz.mid'), 'melody');
      expect(found.meter).toMatchObject({ numerator: meter[0], denominator: meter[1], stepsPerBar: 12, stepsPerBeat: meter[1] === 8 ? 6 : 4 });
      // 24 quarter beats = 8 bars of 12 sixteenths: windows start at bars 1–7 (steps 0, 12, 24, …), each 32 steps (the last padded with silence).
      expect(found.windows.map((w) => w.startStep)).toEqual([0, 12, 24, 36, 48, 60, 72]);
      expect(found.windows.every((w) => w.sequence.totalQuantizedSteps === 32)).toBe(true);
      expect(found.notes.join(' ')).toMatch(new RegExp(`in ${meter[0]}/${meter[1]}: .*bar line of the piece`));
      expect(pickWindow(found, 'waltz.mid').sequence.notes.length).toBe(8);
      // "Bar 5" is the piece's own bar 5.
      expect(pickWindow(found, 'waltz.mid', 5).startStep).toBe(48);
    }
  });

  it('skips a pickup bar: the default window starts at the first whole bar, not on the rests before an anacrusis', () => {
    // A waltz whose first bar is rests and one note on beat 3 (step 9), as ABC converters write a pickup.
    const midi = new Midi();
    midi.header.setTempo(120);
    midi.header.timeSignatures.push({ ticks: 0, timeSignature: [3, 4], measures: 0 });
    midi.header.update();
    const t = midi.addTrack();
    t.addNote({ midi: 67, time: 1.0, duration: 0.45, velocity: 0.7 }); // beat 3 of bar 1
    for (let b = 3; b < 18; b++) t.addNote({ midi: 60 + (b % 5), time: b * 0.5, duration: 0.45, velocity: 0.7 });
    const found = midiWindows(parseMidi(midi.toArray(), 'waltzes6.mid'), 'melody');
    expect(found.windows[0]?.sequence.notes[0]?.quantizedStartStep).toBe(8);
    const w = pickWindow(found, 'waltzes6.mid');
    expect(w.startStep).toBe(12);
    expect(w.sequence.notes[0]?.quantizedStartStep).toBe(0);
    // A tune that starts on its downbeat keeps bar 1.
    expect(pickWindow(midiWindows(parseMidi(tune(24, [3, 4]), 'waltz.mid'), 'melody'), 'waltz.mid').startStep).toBe(0);
  });

  it('keeps training data strict: meter "strict" refuses 3/4 with a named error', () => {
    expect(() => midiWindows(parseMidi(tune(24, [3, 4]), 'waltz.mid'), 'melody', { meter: 'strict' })).toThrow(MeterError);
  });

  it('a file whose every window is silent says which bars it tried', () => {
    const midi = new Midi();
    midi.header.setTempo(120);
    const t = midi.addTrack();
    t.addNote({ midi: 60, time: 15, duration: 0.5, velocity: 0.7 }); // bar 8 only (15 s at 120 qpm)
    const file = parseMidi(midi.toArray(), 'late.mid');
    const found = midiWindows(file, 'melody');
    // Windows hop one bar; only the last two contain the note, so force a silent set by dropping them.
    const silent = { ...found, windows: found.windows.filter((w) => w.sequence.notes.length === 0) };
    expect(() => pickWindow(silent, 'late.mid')).toThrow(NoMusicError);
    expect(() => pickWindow(silent, 'late.mid')).toThrow(/tried the \d+ windows starting at bars 1–\d+/);
    expect(() => pickWindow(found, 'late.mid', 40)).toThrow(/no 2-bar window starting at bar 40/);
  });
});

describe('forgiving import: every drum pitch Magenta knows', () => {
  it("the auto kit knows every General MIDI pitch of Magenta's lists and the TD-11's hi-hat edges", () => {
    const all = GM_AND_ROLAND_PITCH_CLASSES.flat();
    for (const p of DEFAULT_DRUM_PITCH_CLASSES.flat()) expect(all).toContain(p);
    expect(all).toContain(22);
    expect(all).toContain(26);
    expect(new Set(all).size).toBe(all.length); // no pitch in two classes
  });

  it('a Groove (Roland TD-11) take loses no hi-hat notes: edges 22/26 are read as hats, the TD-11 toms as toms', () => {
    const take = extractDrums(parseMidi(drums([36, 22, 38, 26, 42, 46, 43, 58, 45, 48, 22, 44]), 'groove.mid'), 'auto');
    expect(take.kit).toBe('roland-td11');
    expect(take.unmappedNotes).toBe(0);
    const classOf = (pitch: number) => ROLAND_TD11_PITCH_CLASSES.findIndex((c) => c.includes(pitch));
    expect(classOf(22)).toBe(2); // closed hat
    expect(classOf(26)).toBe(3); // open hat
    const hats = take.sequence.notes.filter((n) => n.pitch === 42 || n.pitch === 46).length;
    expect(hats).toBe(6); // 22, 26, 42, 46, 22, 44 (pedal) — and nothing dropped
    const found = midiWindows(parseMidi(drums([36, 22, 38, 26]), 'g.mid'), 'drums');
    expect(found.notes.join(' ')).toMatch(/Roland TD-11 kit map/);
  });

  it('a General MIDI file stays on the GM map; unknown pitches are dropped and named', () => {
    const gm = extractDrums(parseMidi(drums([36, 38, 42, 43, 58, 99]), 'gm.mid'), 'auto');
    expect(gm.kit).toBe('gm');
    expect(gm.unmappedNotes).toBe(1);
    expect(gm.unmappedPitches).toEqual([99]);
    // GM 43 is a high floor tom → high tom class pitch 50; GM 58 (vibraslap) is in Magenta's crash list → 49.
    expect(gm.sequence.notes.map((n) => n.pitch)).toEqual([36, 38, 42, 50, 49]);
  });
});
