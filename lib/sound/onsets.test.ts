import { describe, expect, it } from 'vitest';
import { createRng } from '../core/random';
import { detectOnsets } from './onsets';
import { MODEL_SAMPLE_RATE } from './pcm';
import { addNoise, drumHit, mixAt, renderNotes, type DrumSound } from './testing/synth';

const RATE = MODEL_SAMPLE_RATE;

describe('detectOnsets', () => {
  it('finds every drum-like hit within 15 ms, loud or soft, and nothing else', () => {
    const rng = createRng(3);
    const sounds: DrumSound[] = ['kick', 'hat', 'snare', 'hat', 'kick', 'kick', 'snare', 'hat'];
    const times = sounds.map((_s, i) => 0.3 + i * 0.27 + rng.next() * 0.05);
    const audio = new Float32Array(Math.round(3 * RATE));
    sounds.forEach((s, i) => mixAt(audio, drumHit(s, RATE, i + 1, i % 2 === 0 ? 0.7 : 0.15), times[i] as number, RATE));
    const found = detectOnsets({ samples: addNoise(audio, 35, 9), sampleRate: RATE });
    expect(found.length).toBe(times.length);
    found.forEach((o, i) => expect(Math.abs(o.time - (times[i] as number))).toBeLessThan(0.015));
  });

  it('finds the starts of sung notes (with vibrato) but not the vibrato itself', () => {
    const notes = [
      { pitch: 62, start: 0.2, end: 0.8 },
      { pitch: 65, start: 0.9, end: 1.6 },
      { pitch: 69, start: 1.7, end: 2.6 },
    ];
    const audio = renderNotes(notes, 3, RATE, { vibratoSemitones: 0.3, vibratoHz: 5.5 });
    const found = detectOnsets({ samples: audio, sampleRate: RATE });
    expect(found.map((o) => +o.time.toFixed(2))).toHaveLength(3);
    found.forEach((o, i) => expect(Math.abs(o.time - (notes[i]?.start ?? 0))).toBeLessThan(0.03));
  });

  it('returns nothing for digital silence', () => {
    expect(detectOnsets({ samples: new Float32Array(RATE), sampleRate: RATE })).toEqual([]);
  });
});
