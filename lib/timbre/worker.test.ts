import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { createRequestRouter } from '../domains/router';
import type { WorkerMessage } from '../domains/types';
import { renderNotes } from '../sound/testing/synth';
import { estimatePitch } from './pitch';
import { timbreProtocol } from './protocol';
import { hzToMidi } from './spec';
import { timbreWorkerPart } from './worker';

/** The worker fetches /models/… from its origin: serve the repository's models/ folder. */
const ORIGIN = 'http://lab.test';
beforeAll(() => {
  vi.stubGlobal('self', { location: { href: `${ORIGIN}/music/timbre` } });
  vi.stubGlobal('fetch', async (input: string | URL) => {
    const url = new URL(String(input));
    if (url.origin !== ORIGIN || !url.pathname.startsWith('/models/')) return new Response('no', { status: 404 });
    try {
      const bytes = await readFile(path.join('models', decodeURIComponent(url.pathname.slice('/models/'.length))));
      return new Response(bytes);
    } catch {
      return new Response('missing', { status: 404 });
    }
  });
});
afterAll(() => {
  timbreWorkerPart.dispose?.();
  vi.unstubAllGlobals();
});

const sent: WorkerMessage[] = [];
const router = createRequestRouter([timbreWorkerPart], (m) => sent.push(m));
function answer<S extends z.ZodType>(id: number, schema: S): z.output<S> {
  const m = sent.find((x) => x.id === id && !x.type.endsWith(':progress'));
  if (m?.type === 'error') throw new Error(`worker error: ${JSON.stringify(m)}`);
  return schema.parse(m);
}
const [, LOADED, NOTE, AUDIO, MAP] = timbreProtocol.responses;

describe('the timbre worker part', () => {
  it('loads the shipped model and encodes a played note: code, measured pitch, rebuild at that pitch, no tensors left over', async () => {
    await router.handle({ id: 1, type: 'timbre:load', source: { kind: 'shipped' } });
    const info = answer(1, LOADED).info;
    expect(info.zDims).toBe(16);
    expect(info.bytes).toBeGreaterThan(1e6);
    const before = tf.memory().numTensors;
    const rate = 44_100;
    const samples = renderNotes([{ pitch: 64, start: 0.05, end: 1.1, amplitude: 0.5 }], 1.4, rate);
    await router.handle({ id: 2, type: 'timbre:note', samples, sampleRate: rate, name: 'e4.wav', refine: 0 });
    const note = answer(2, NOTE);
    expect(note.z).toHaveLength(16);
    expect(note.pitch).toBeCloseTo(64, 0);
    expect(note.rebuilt.length).toBe(note.input.length);
    const heard = estimatePitch(note.rebuilt);
    expect(heard && Math.abs(hzToMidi(heard.hz) - 64)).toBeLessThan(0.5);
    expect(Number.isFinite(note.distance)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refining lowers the rebuild distance and says how many steps it took', async () => {
    const rate = 16_000;
    const samples = renderNotes([{ pitch: 57, start: 0.02, end: 1.0, amplitude: 0.4 }], 1.3, rate, { harmonics: [1, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1] });
    await router.handle({ id: 3, type: 'timbre:note', samples, sampleRate: rate, name: 'a3.wav', refine: 30 });
    const note = answer(3, NOTE);
    expect(note.distanceBefore).toBeDefined();
    expect(note.distance).toBeLessThanOrEqual(note.distanceBefore ?? 0);
    expect(note.refineSteps).toBeGreaterThan(0);
  });

  it('decodes codes at the pitches asked', async () => {
    await router.handle({ id: 4, type: 'timbre:decode', codes: [new Array(16).fill(0), new Array(16).fill(0.5)], pitch: [48, 72] });
    const out = answer(4, AUDIO);
    expect(out.clips).toHaveLength(2);
    const pitches = out.clips.map((c) => estimatePitch(c)).map((e) => (e ? hzToMidi(e.hz) : NaN));
    expect(Math.abs((pitches[0] ?? 0) - 48)).toBeLessThan(0.5);
    expect(Math.abs((pitches[1] ?? 0) - 72)).toBeLessThan(0.5);
  });

  it('morphs, blends on the pad and samples: codes and notes from the worker', async () => {
    const a = new Array(16).fill(-0.5);
    const b = new Array(16).fill(0.5);
    await router.handle({ id: 8, type: 'timbre:morph', a, b, steps: 5, mode: 'lerp', pitch: 60 });
    const morph = answer(8, AUDIO);
    expect(morph.clips).toHaveLength(5);
    expect(morph.codes?.[2]?.[0]).toBeCloseTo(0, 5);
    await router.handle({ id: 9, type: 'timbre:blend', corners: [a, b, b, a], x: 0.25, y: 0, pitch: 60 });
    const blend = answer(9, AUDIO);
    expect(blend.codes?.[0]?.[0]).toBeCloseTo(-0.25, 5);
    await router.handle({ id: 10, type: 'timbre:random', n: 3, seed: 5, temperature: 1, pitch: 55 });
    await router.handle({ id: 11, type: 'timbre:random', n: 3, seed: 5, temperature: 1, pitch: 55 });
    expect(answer(10, AUDIO).codes).toEqual(answer(11, AUDIO).codes);
  });

  it('places the shipped set on a map, one point per program, labelled by family', async () => {
    await router.handle({ id: 5, type: 'timbre:map' });
    const map = answer(5, MAP);
    expect(map.points.length).toBe(map.programs.length);
    expect(map.points.length).toBeGreaterThan(100);
    expect(new Set(map.families).size).toBeGreaterThanOrEqual(14);
    expect(map.explained).toBeGreaterThan(0.2);
  });

  it('answers silence and noise with their named errors', async () => {
    await router.handle({ id: 6, type: 'timbre:note', samples: new Float32Array(16_000), sampleRate: 16_000, name: 'quiet.wav', refine: 0 });
    const quiet = sent.find((m) => m.id === 6) as WorkerMessage & { message?: string };
    expect(quiet.type).toBe('error');
    expect(quiet.message).toMatch(/quiet\.wav is silent/);
    let seed = 7;
    const noise = Float32Array.from({ length: 16_000 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.6);
    await router.handle({ id: 7, type: 'timbre:note', samples: noise, sampleRate: 16_000, name: 'hiss.wav', refine: 0 });
    const hiss = sent.find((m) => m.id === 7) as WorkerMessage & { message?: string };
    expect(hiss.message).toMatch(/hiss\.wav has no clear pitch/);
  });
});
