/**
 * The melody and drum labs' classroom entries: the MIDI their own export writes, and the choices
 * that made it (entry kinds "melody" and "drums"; the classroom's challenge kinds check them).
 */
import type { LabEntryResult } from '../domains/types';
import { encodeMelodyClip, withTempo } from './clips';
import { sequenceToMidi } from './midi';
import type { QuantizedNoteSequence } from './note-sequence';
import { concatenate } from './sequences';
import { SHIPPED_MUSIC_MODELS } from './shipped';

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
  options: {
    qpm: number;
    /** Whether the lab runs the shipped model (labs that do not pass `model`). */
    modelShipped?: boolean;
    /** The lab's model as ./model-value names it (the shipped id, `saved:<name>`, `url:…`); the challenge checks it. */
    model?: string;
  },
): LabEntryResult {
  if (!result || !result.settings) return { problem: 'Interpolate A → B first: your entry is the interpolation strip.' };
  if (result.kind !== 'interpolation') return { problem: 'Your entry is an interpolation from A to B, not variations: click "Interpolate A → B".' };
  if (options.model === undefined && !options.modelShipped)
    return { problem: 'The challenge fixes the shipped model: choose "Shipped model" under "Use another model".' };
  if (options.model === 'folder') return { problem: 'A model from a folder on this computer cannot be checked by the class: use the challenge’s model.' };
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
      model: options.model ?? SHIPPED_MUSIC_MODELS.melody,
      refineSteps: s.refineSteps,
      ...fidelity,
    },
    summary: `the ${result.seqs.length}-step ${s.mode} interpolation at temperature ${s.temperature}`,
  };
}

/** The drum lab's selected groove (a sampled/edited pattern or the blend at the puck). */
export function drumEntry(
  selected: QuantizedNoteSequence | undefined,
  options: { name: string; temperature: number; seed: number; qpm: number; swing: number; model?: string },
): LabEntryResult {
  if (!selected) return { problem: 'Sample or blend a groove first, then select it (click its play button).' };
  if (!selected.notes.some((n) => n.isDrum)) return { problem: 'The selected groove is empty: add some hits first.' };
  return {
    kind: 'drums',
    midi: sequenceToMidi(withTempo(selected, options.qpm), { name: `Latent Lab ${options.name}` }),
    params: {
      temperature: options.temperature,
      seed: options.seed,
      qpm: options.qpm,
      swing: options.swing,
      source: options.name,
      ...(options.model === undefined ? {} : { model: options.model }),
    },
    summary: `the ${options.name.replace('-', ' ')} (temperature ${options.temperature})`,
  };
}
