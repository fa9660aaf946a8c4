/**
 * The Tone-based modules (start, instruments, player, render) need Web Audio, which Node lacks;
 * their sound is covered by the browser e2e tests. Here we check what Node *can* check: importing
 * them is safe (as during Next's server prerender), nothing is created at import or construction,
 * and bad input is rejected with a clear error before any audio work.
 */
import { describe, expect, it } from 'vitest';
import { DisposedError, InvalidInputError } from '../core/errors';
import { emptyQuantizedSequence, gridNote } from '../music/note-sequence';
import { midiToHz } from './instruments';
import { LoopPlayer } from './player';
import { renderWav } from './render';
import { audioState, hasWebAudio, startAudio } from './start';

const pattern = (() => {
  const s = emptyQuantizedSequence(16);
  s.notes = [gridNote(36, 0, 1, true), gridNote(38, 4, 5, true)];
  return s;
})();

describe('Tone-based modules in Node (no Web Audio)', () => {
  it('import without creating audio, and report no context', async () => {
    expect(hasWebAudio()).toBe(false);
    expect(audioState()).toBe('none');
    await expect(startAudio(50)).resolves.toMatchObject({ state: 'blocked', reason: expect.stringMatching(/no Web Audio/) });
  });

  it('converts MIDI pitches to Hz', () => {
    expect(midiToHz(69)).toBe(440);
    expect(midiToHz(81)).toBe(880);
    expect(midiToHz(60)).toBeCloseTo(261.6256, 3);
  });

  it('LoopPlayer validates before touching the Transport, and is idle until started', () => {
    const player = new LoopPlayer();
    expect(player.playing).toBe(false);
    expect(() => player.start([], { kind: 'drums', qpm: 120 })).toThrow(InvalidInputError);
    expect(() => player.start([pattern], { kind: 'drums', qpm: 10 })).toThrow(/Tempo must be 40–240/);
    expect(() => player.start([pattern], { kind: 'drums', qpm: 120, swing: 0.9 })).toThrow(/Swing must be/);
    expect(() => player.start([pattern], { kind: 'drums', qpm: 120, fromSegment: 1 })).toThrow(/fromSegment/);
    expect(() => player.setTempo(1000)).toThrow(InvalidInputError);
    expect(() => player.setSwing(-1)).toThrow(InvalidInputError);
    expect(() => player.setSequences([])).toThrow(InvalidInputError);
    player.setTempo(90);
    player.setSwing(0.25);
    player.setLoop(true);
    player.setSequences([pattern]);
    player.stop();
    player.dispose();
    player.dispose();
    expect(() => player.start([pattern], { kind: 'drums', qpm: 120 })).toThrow(DisposedError);
  });

  it('renderWav rejects bad options before rendering', async () => {
    await expect(renderWav([pattern], { kind: 'drums', qpm: 0 })).rejects.toThrow(InvalidInputError);
    await expect(renderWav([], { kind: 'melody', qpm: 120 })).rejects.toThrow(/nothing to play/);
  });
});

describe('softClip (the instrument bus safety curve)', () => {
  it('is the identity for ordinary levels and stays below full scale for loud ones', async () => {
    const { softClip } = await import('./instruments');
    expect(softClip(0)).toBe(0);
    expect(softClip(0.5)).toBe(0.5);
    expect(softClip(-0.7)).toBe(-0.7);
    expect(softClip(0.8)).toBeGreaterThan(0.78);
    expect(softClip(1)).toBeLessThan(0.95);
    expect(softClip(5)).toBe(softClip(1));
    expect(softClip(-1)).toBe(-softClip(1));
    for (let x = 0; x < 1; x += 0.01) expect(softClip(x + 0.01)).toBeGreaterThanOrEqual(softClip(x));
  });
});
