import { parseMidi } from 'midi-file';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN, planNotes, programMidi, splitOf } from './dataset';
import { gmFamily, gmFamilyIndex, gmProgramName, GM_PROGRAM_NAMES, HELD_OUT_PROGRAMS, TIMBRE_FAMILIES } from './gm';

describe('GM labels', () => {
  it('names programs and their 16 families', () => {
    expect(GM_PROGRAM_NAMES).toHaveLength(128);
    expect(gmProgramName(0)).toBe('Acoustic Grand Piano');
    expect(gmProgramName(40)).toBe('Violin');
    expect(gmFamily(0)).toBe('piano');
    expect(gmFamily(33)).toBe('bass');
    expect(gmFamily(73)).toBe('pipe');
    expect(gmFamily(127)).toBe('sound effects');
    expect(gmFamilyIndex(111)).toBe(13);
    expect(() => gmFamily(128)).toThrow(/0 to 127/);
  });

  it('holds out one program in every rendered family', () => {
    expect(HELD_OUT_PROGRAMS).toHaveLength(TIMBRE_FAMILIES.length);
    expect(new Set(HELD_OUT_PROGRAMS.map(gmFamily)).size).toBe(14);
    expect(HELD_OUT_PROGRAMS).toContain(40); // violin
  });
});

describe('dataset plan', () => {
  it('labels and splits every note: held-out programs, the second soundfont, ~1 in 12 for validation', () => {
    const notes = planNotes(DEFAULT_PLAN);
    expect(notes).toHaveLength(2 * 112 * 17 * 3);
    const first = notes.filter((n) => n.soundfont === 'fluidr3');
    expect(first.filter((n) => n.split === 'heldout-program')).toHaveLength(14 * 17 * 3);
    expect(first.every((n) => (n.split === 'heldout-program') === HELD_OUT_PROGRAMS.includes(n.program))).toBe(true);
    expect(notes.filter((n) => n.soundfont === 'musescore').every((n) => n.split === 'heldout-soundfont')).toBe(true);
    const trainable = first.filter((n) => n.split === 'train' || n.split === 'validation');
    const share = trainable.filter((n) => n.split === 'validation').length / trainable.length;
    expect(share).toBeGreaterThan(0.06);
    expect(share).toBeLessThan(0.11);
    // Every training program has some validation notes, and validation spans the pitch range.
    const programs = new Set(trainable.filter((n) => n.split === 'validation').map((n) => n.program));
    expect(programs.size).toBeGreaterThan(90);
    expect(splitOf(1, 0, 0, 0)).toBe('heldout-soundfont');
  });

  it('writes a MIDI file that plays each note at its slot, held 1 s, then cuts all sound', () => {
    const bytes = programMidi(40, [
      { pitch: 60, velocity: 80 },
      { pitch: 63, velocity: 45 },
    ]);
    const midi = parseMidi(bytes);
    expect(midi.header.ticksPerBeat).toBe(480);
    let tick = 0;
    const events = midi.tracks[0]!.map((e) => ({ ...e, tick: (tick += e.deltaTime) }));
    const program = events.find((e) => e.type === 'programChange');
    expect(program && 'programNumber' in program ? program.programNumber : -1).toBe(40);
    const ons = events.filter((e) => e.type === 'noteOn');
    const offs = events.filter((e) => e.type === 'noteOff');
    // 960 ticks per second at 120 bpm: 0.5 s lead, 1.5 s slots, 1 s held.
    expect(ons.map((e) => e.tick)).toEqual([480, 1920]);
    expect(offs.map((e) => e.tick)).toEqual([1440, 2880]);
    expect(ons.map((e) => ('noteNumber' in e ? e.noteNumber : -1))).toEqual([60, 63]);
    const cuts = events.filter((e) => e.type === 'controller' && 'controllerType' in e && e.controllerType === 120);
    expect(cuts.map((e) => e.tick)).toEqual([480 + 1248, 1920 + 1248]);
  });
});

describe('sounding f0 of a rendered note', () => {
  it('takes the free estimate when it is whole octaves from the key (organ stops), else the one near the key', async () => {
    const { soundingF0 } = await import('./dataset-node');
    const { syntheticNote } = await import('./testing/notes');
    const { midiToHz } = await import('./spec');
    // A 16' organ stop: the key is C4, the sound's fundamental is C3.
    expect(soundingF0(syntheticNote({ pitch: 48, slope: 1 }), 60).f0Hz).toBeCloseTo(midiToHz(48), 0);
    // Slightly out of tune: the estimate near the key.
    expect(soundingF0(syntheticNote({ pitch: 60.2, slope: 1 }), 60).f0Hz).toBeCloseTo(midiToHz(60.2), 0);
    // A fifth away is not an octave: the estimate near the key is kept.
    const fifth = soundingF0(syntheticNote({ pitch: 67, slope: 1 }), 60);
    expect(Math.abs(fifth.f0Hz - midiToHz(67))).toBeGreaterThan(5);
  });
});
