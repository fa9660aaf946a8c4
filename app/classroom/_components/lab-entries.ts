'use client';
/**
 * What each lab hands the classroom bar as its entry: the bytes (MIDI with the labs' own export
 * code, or the decoded digit as PNG), the latent code and the settings that made it. A lab that
 * has nothing to submit yet says what to do instead.
 */
import type { EntryKind } from '@/lib/classroom/challenges';
import type { EntryParams } from '@/lib/classroom/schema';
import { greyToPng } from '@/lib/classroom/png';
import { imageLabUrl } from '@/lib/image/lab-url';
import { SHIPPED_MUSIC_MODELS } from '@/lib/music/shipped';
import { encodeMelodyClip, withTempo } from '@/lib/music/clips';
import { sequenceToMidi } from '@/lib/music/midi';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { concatenate } from '@/lib/music/sequences';
import { request } from '@/app/_workers/client';

export interface LabEntry {
  kind: EntryKind;
  midi?: Uint8Array;
  png?: Uint8Array;
  latent?: number[];
  params: EntryParams;
  /** What is about to be submitted, in words ("the 7-step interpolation"). */
  summary: string;
}

export type LabEntryResult = LabEntry | { problem: string };

/** The melody lab's interpolation strip (what its MIDI export saves) and the choices that made it. */
export function melodyEntry(
  result:
    | {
        kind: 'interpolation' | 'variations';
        a: QuantizedNoteSequence;
        b: QuantizedNoteSequence;
        seqs: readonly QuantizedNoteSequence[];
        settings?: { steps: number; temperature: number; mode: string; seed: number; refineSteps: number };
        fidelity?: readonly { label: string; matchingSteps: number; totalSteps: number }[];
      }
    | undefined,
  options: { qpm: number; modelShipped: boolean },
): LabEntryResult {
  if (!result || !result.settings) return { problem: 'Interpolate A → B first: your entry is the interpolation strip.' };
  if (result.kind !== 'interpolation') return { problem: 'Your entry is an interpolation from A to B, not variations: click "Interpolate A → B".' };
  if (!options.modelShipped) return { problem: 'The challenge fixes the shipped model: choose "Shipped model" under "Use another model".' };
  const s = result.settings;
  // How faithfully A and B came back (refined codes by default): a teacher sees whether the ends are A and B.
  const fidelity = Object.fromEntries(
    (result.fidelity ?? []).slice(0, 2).map((f, i) => [i === 0 ? 'fidelityA' : 'fidelityB', `${f.matchingSteps}/${f.totalSteps}`]),
  );
  return {
    kind: 'melody',
    midi: sequenceToMidi(withTempo(concatenate(result.seqs), options.qpm), { name: 'Latent Lab interpolation' }),
    params: {
      steps: s.steps,
      temperature: s.temperature,
      mode: s.mode,
      seed: s.seed,
      qpm: options.qpm,
      a: encodeMelodyClip(result.a),
      b: encodeMelodyClip(result.b),
      model: SHIPPED_MUSIC_MODELS.melody,
      refineSteps: s.refineSteps,
      ...fidelity,
    },
    summary: `the ${result.seqs.length}-step ${s.mode} interpolation at temperature ${s.temperature}`,
  };
}

/** The drum lab's selected groove (a sampled/edited pattern or the blend at the puck). */
export function drumEntry(
  selected: QuantizedNoteSequence | undefined,
  options: { name: string; temperature: number; seed: number; qpm: number; swing: number },
): LabEntryResult {
  if (!selected) return { problem: 'Sample or blend a groove first, then select it (click its play button).' };
  if (!selected.notes.some((n) => n.isDrum)) return { problem: 'The selected groove is empty: add some hits first.' };
  return {
    kind: 'drums',
    midi: sequenceToMidi(withTempo(selected, options.qpm), { name: `Latent Lab ${options.name}` }),
    params: { temperature: options.temperature, seed: options.seed, qpm: options.qpm, swing: options.swing, source: options.name },
    summary: `the ${options.name.replace('-', ' ')} (temperature ${options.temperature})`,
  };
}

/** The image lab's digit at the picked 2-D code (`z` in the URL), decoded by the model worker. */
export async function digitEntry(options: { model: string | undefined; zDims: number | undefined; z: string | null }): Promise<LabEntryResult> {
  if (!options.model || options.zDims === undefined) return { problem: 'Wait until the model has loaded.' };
  if (options.zDims !== 2) return { problem: 'Digit entries come from a model with a 2-D code: choose the VAE or the convolutional VAE.' };
  // The point as the image lab's typed URL state reads it (one parser for "x,y").
  const z = options.z === null ? undefined : imageLabUrl.parse(new URLSearchParams({ z: options.z })).state.z;
  if (!z) return { problem: 'Pick a point: click on the manifold grid to decode a code.' };
  const r = await request({ type: 'image:decode', codes: Float32Array.from(z), count: 1 }, 'image:images');
  return {
    kind: 'image',
    png: greyToPng(r.images.subarray(0, 784), 28),
    latent: z,
    params: { model: options.model },
    summary: `the digit at z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`,
  };
}
