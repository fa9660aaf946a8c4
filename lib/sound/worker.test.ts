import { describe, expect, it } from 'vitest';
import { createRequestRouter } from '../domains/router';
import type { WorkerMessage } from '../domains/types';
import { DRUM_PITCHES } from './drums';
import { soundProtocol } from './protocol';
import { drumHit, mixAt } from './testing/synth';
import { soundWorkerPart } from './worker';

const RATE = 44_100;

function harness() {
  const sent: WorkerMessage[] = [];
  const router = createRequestRouter([soundWorkerPart], (m) => sent.push(m));
  const answer = (id: number) => sent.find((m) => m.id === id && !m.type.endsWith(':progress'));
  return { router, sent, answer };
}

describe('the audio-in worker part', () => {
  it('turns a played groove into kick, snare and hat on the count-in grid, with progress, as a valid answer', async () => {
    const qpm = 100;
    const step = 15 / qpm;
    const downbeat = 0.5;
    const samples = new Float32Array(Math.round((downbeat + 32 * step + 0.5) * RATE));
    const groove: [number, 'kick' | 'snare' | 'hat'][] = [
      [0, 'kick'],
      [4, 'snare'],
      [8, 'kick'],
      [12, 'snare'],
      [16, 'kick'],
      [20, 'snare'],
      [24, 'kick'],
      [28, 'snare'],
    ];
    groove.forEach(([s, sound], i) => mixAt(samples, drumHit(sound, RATE, i + 1, 0.5), downbeat + s * step, RATE));
    const { router, sent, answer } = harness();
    await router.handle({ id: 1, type: 'sound:groove', samples, sampleRate: RATE, name: 'groove.wav', grid: { qpm, downbeat } });
    const done = answer(1);
    expect(done?.type).toBe('sound:groove:done');
    const parsed = soundProtocol.responses[2].parse(done);
    const heard = parsed.sequence.notes.map((n) => `${n.pitch}@${n.quantizedStartStep}`).sort();
    expect(heard).toEqual(groove.map(([s, sound]) => `${DRUM_PITCHES[sound]}@${s}`).sort());
    expect(parsed.tempo).toMatchObject({ qpm, source: 'given' });
    expect(sent.some((m) => m.type === 'sound:progress')).toBe(true);
  });

  it('quantises the same heard notes again on a tempo the user types, without the model', async () => {
    const qpm = 120;
    const beat = 60 / qpm;
    const heard = [60, 62, 64, 65, 67, 65, 64, 62].map((pitch, i) => ({ pitch, start: 0.2 + i * beat, end: 0.2 + (i + 0.9) * beat, salience: 0.8 }));
    const { router, answer } = harness();
    await router.handle({ id: 2, type: 'sound:requantize', heard, name: 'take', qpm });
    const r = soundProtocol.responses[1].parse(answer(2));
    expect(r.tempo).toMatchObject({ qpm, source: 'tempo-given' });
    expect(r.sequence.notes.map((n) => n.pitch)).toEqual([60, 62, 64, 65, 67, 65, 64, 62]);
    const starts = r.sequence.notes.map((n) => n.quantizedStartStep);
    expect(starts.slice(1).map((s, i) => s - (starts[i] ?? 0))).toEqual([4, 4, 4, 4, 4, 4, 4]);
    // At half the tempo the same seconds are half as many steps apart.
    await router.handle({ id: 3, type: 'sound:requantize', heard, name: 'take', qpm: 60 });
    const slow = soundProtocol.responses[1].parse(answer(3));
    const s2 = slow.sequence.notes.map((n) => n.quantizedStartStep);
    expect(s2.slice(1).map((s, i) => s - (s2[i] ?? 0))).toEqual([2, 2, 2, 2, 2, 2, 2]);
  });

  it('answers silence with the named error, not a crash', async () => {
    const { router, answer } = harness();
    await router.handle({ id: 4, type: 'sound:groove', samples: new Float32Array(RATE), sampleRate: RATE, name: 'quiet.wav' });
    const e = answer(4) as WorkerMessage & { name?: string; message?: string };
    expect(e.type).toBe('error');
    expect(e.message).toMatch(/quiet\.wav/);
    expect(e.message).toMatch(/silent|dBFS/i);
  });

  it('measures the hits of example takes, and classes a groove by them when every drum has examples', async () => {
    const { router, answer } = harness();
    // The player teaches it the other way round: their "kick" is a kit's hi-hat, their "hat" a kit's kick.
    const said = { kick: 'hat', snare: 'snare', hat: 'kick' } as const;
    const examples: Record<'kick' | 'snare' | 'hat', number[][]> = { kick: [], snare: [], hat: [] };
    let id = 10;
    for (const sound of ['kick', 'snare', 'hat'] as const) {
      const take = new Float32Array(Math.round(2 * RATE));
      for (let k = 0; k < 3; k++) mixAt(take, drumHit(said[sound], RATE, 50 + k, 0.5), 0.3 + k * 0.5, RATE);
      await router.handle({ id, type: 'sound:example-hits', samples: take, sampleRate: RATE, name: `${sound}.wav` });
      const r = soundProtocol.responses[3].parse(answer(id));
      expect(r.features).toHaveLength(3);
      examples[sound] = r.features;
      id++;
    }
    const qpm = 100;
    const step = 15 / qpm;
    const samples = new Float32Array(Math.round((0.5 + 32 * step + 0.5) * RATE));
    const groove: [number, 'kick' | 'hat'][] = [0, 4, 8, 12, 16, 20, 24, 28].map((s) => [s, s % 8 === 0 ? 'kick' : 'hat']);
    groove.forEach(([s, sound], i) => mixAt(samples, drumHit(sound, RATE, i + 1, 0.5), 0.5 + s * step, RATE));
    await router.handle({ id: 20, type: 'sound:groove', samples, sampleRate: RATE, name: 'g.wav', grid: { qpm, downbeat: 0.5 }, examples });
    const g = soundProtocol.responses[2].parse(answer(20));
    expect(g.taught).toBe(true);
    const heard = g.sequence.notes.map((n) => `${n.pitch}@${n.quantizedStartStep}`).sort();
    expect(heard).toEqual(groove.map(([s, sound]) => `${DRUM_PITCHES[sound === 'kick' ? 'hat' : 'kick']}@${s}`).sort());
    // An example take with nothing in it is a named error.
    await router.handle({ id: 21, type: 'sound:example-hits', samples: new Float32Array(RATE), sampleRate: RATE, name: 'nothing.wav' });
    expect(answer(21)).toMatchObject({ type: 'error' });
    expect((answer(21) as WorkerMessage & { message?: string }).message).toMatch(/nothing\.wav/);
  });

  it('refuses a take over the length limit at the boundary', async () => {
    const { router, answer } = harness();
    await router.handle({ id: 5, type: 'sound:groove', samples: new Float32Array(10), sampleRate: 5, name: 'x' });
    expect(answer(5)?.type).toBe('error');
  });
});
