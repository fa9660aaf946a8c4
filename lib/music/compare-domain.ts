/**
 * The music side of the Compare lab: how lib/latent/compare sees a set of 2-bar windows and a
 * MusicVAE. Items are the decoder's 32 class labels per window (melody events or drum-hit masks);
 * distance is the event edit distance; labels are tunes, files, styles or drummers; the measured
 * attributes are note density (melodies) and hit count (drums).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, LatentLabError } from '../core/errors';
import { createRng } from '../core/random';
import type { CompareDomain, ItemAttribute } from '../latent/compare/domain';
import type { AttributeGroups } from '../latent/compare/report';
import type { MusicConverter } from './converters/types';
import { FIRST_PITCH } from './converters/melody';
import { fileWindows, transposeMelodyLabels } from './dataset';
import { DRUM_EXAMPLES, drumExample, MELODY_EXAMPLES, melodyExample } from './examples';
import { parseMidi } from './midi';
import type { MusicVAE } from './music-vae';
import { count } from '../core/text';

/** "12 of 15 MIDI files (3 refused: a.mid, b.mid, c.mid)" — or "15 MIDI files" when all were read. */
export function filesUsed(total: number, refused: readonly string[]): string {
  if (refused.length === 0) return count(total, 'MIDI file');
  const names = refused.length <= 3 ? refused.join(', ') : `${refused.slice(0, 3).join(', ')} and ${count(refused.length - 3, 'other')}`;
  return `${total - refused.length} of ${count(total, 'MIDI file')} (${refused.length} refused: ${names})`;
}

/** A set of 2-bar windows with a label each. */
export interface MusicWindowSet {
  windows: Int32Array[];
  labels: string[];
  /** What the labels are ("tune", "groove", "file", "style"…). */
  labelName: string;
  /** What the set is, in words. */
  dataName: string;
  /** Files or windows that were skipped, and why (shown to the user). */
  notes: string[];
}

/** Per pattern: for each symbol, the bitmask of the positions where it occurs (Myers' Peq table). */
const peqCache = new WeakMap<object, Map<number, number>>();

function peqOf(a: ArrayLike<number>): Map<number, number> {
  let peq = typeof a === 'object' ? peqCache.get(a) : undefined;
  if (peq) return peq;
  peq = new Map();
  for (let i = 0; i < a.length; i++) peq.set(a[i] ?? 0, (peq.get(a[i] ?? 0) ?? 0) | (1 << i));
  peqCache.set(a, peq);
  return peq;
}

/** Levenshtein distance by dynamic programming (any lengths). */
export function editDistanceTable(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  let prev = new Uint16Array(m + 1);
  let cur = new Uint16Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const ai = a[i - 1];
    for (let j = 1; j <= m; j++) {
      const sub = (prev[j - 1] ?? 0) + (ai === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, (prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m] ?? 0;
}

/**
 * Levenshtein distance between two label sequences: the fewest steps to insert, delete or change
 * to turn one into the other (each costs 1); for 32-step windows, 0 to 32. Sequences of up to 32
 * labels use Myers' bit-parallel algorithm (one 32-bit word per column, ~20× faster than the
 * table; the pattern's bitmasks are cached per array), longer ones the table.
 */
export function eventEditDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const m = a.length;
  if (m === 0) return b.length;
  if (m > 32) return editDistanceTable(a, b);
  const peq = peqOf(a);
  const high = 1 << (m - 1);
  let pv = -1;
  let mv = 0;
  let score = m;
  for (let j = 0; j < b.length; j++) {
    const eq = peq.get(b[j] ?? 0) ?? 0;
    const xv = eq | mv;
    const xh = ((((eq & pv) + pv) | 0) ^ pv) | eq;
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if (ph & high) score++;
    else if (mh & high) score--;
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  return score;
}

/** Note-ons in a melody window. */
export function noteDensity(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if ((labels[i] ?? 0) >= FIRST_PITCH) n++;
  return n;
}

/** Highest minus lowest note-on of a melody window, in semitones (0 with fewer than 2 notes). */
export function pitchRange(labels: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] ?? 0;
    if (l >= FIRST_PITCH) [lo, hi] = [Math.min(lo, l), Math.max(hi, l)];
  }
  return hi > lo ? hi - lo : 0;
}

/** Drum hits in a window (every class hit at every step counts). */
export function hitCount(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    let m = labels[i] ?? 0;
    while (m) {
      n += m & 1;
      m >>= 1;
    }
  }
  return n;
}

export const MELODY_ATTRIBUTES: readonly ItemAttribute<Int32Array>[] = [
  { id: 'density', name: 'note density (notes per 2 bars)', measure: noteDensity },
  { id: 'range', name: 'pitch range (semitones)', measure: pitchRange },
];
export const DRUM_ATTRIBUTES: readonly ItemAttribute<Int32Array>[] = [
  { id: 'hits', name: 'drum hits per 2 bars', measure: hitCount },
  { id: 'busy', name: 'steps with a hit', measure: (l) => Array.from(l).filter((v) => v !== 0).length },
];

/** The Compare adapter for a MusicVAE and a set of windows (which must fit its converter). */
export function musicCompareDomain(model: MusicVAE, data: MusicWindowSet): CompareDomain<tf.Tensor3D, Int32Array> {
  const conv = model.converter;
  const { windows, labels } = data;
  if (windows.length !== labels.length) throw new InvalidInputError(`Expected a label per window; got ${windows.length} windows and ${labels.length} labels.`);
  windows.forEach((w, i) => {
    if (w.length !== conv.numSteps || w.some((l) => l < 0 || l >= conv.outputDepth)) {
      throw new InvalidInputError(`Window ${i + 1} does not fit the model (${conv.numSteps} steps of classes 0–${conv.outputDepth - 1}).`);
    }
  });
  const melody = conv.kind === 'melody';
  const defaultGroups: AttributeGroups = { kind: 'attribute', id: melody ? 'density' : 'hits' };
  return {
    dataName: data.dataName,
    itemName: melody ? 'melody' : 'drum pattern',
    itemsName: melody ? 'melodies' : 'drum patterns',
    count: windows.length,
    labels,
    labelName: data.labelName,
    // Songs repeat phrases: identical windows are encoded once.
    itemKey: (i) => (windows[i] ?? []).join(','),
    inputTensor: (indices) => {
      const { numSteps, inputDepth } = conv;
      const flat = new Float32Array(indices.length * numSteps * inputDepth);
      indices.forEach((i, r) => flat.set(conv.labelsToInput(windows[i] ?? new Int32Array(numSteps)), r * numSteps * inputDepth));
      return tf.tensor3d(flat, [indices.length, numSteps, inputDepth]);
    },
    ...(model.hasSigma ? { posterior: (x: tf.Tensor3D) => model.encodeDistribution(x) } : {}),
    outputItems: async (decoded) => {
      const flat = await decoded.data();
      const size = conv.numSteps * conv.inputDepth;
      return Array.from({ length: decoded.shape[0] }, (_, i) => conv.inputToLabels(flat.subarray(i * size, (i + 1) * size)));
    },
    item: (i) => windows[i] ?? new Int32Array(conv.numSteps),
    distance: eventEditDistance,
    distanceName: 'event edit distance',
    attributes: melody ? MELODY_ATTRIBUTES : DRUM_ATTRIBUTES,
    defaultGroups,
  };
}

/**
 * The built-in example phrases as a set: each melody in 13 keys (−6 … +6 semitones), each drum
 * groove looped and cut at 16 starting points (every 2nd step). Labelled by tune or groove.
 */
export function exampleWindowSet(converter: MusicConverter): MusicWindowSet {
  const windows: Int32Array[] = [];
  const labels: string[] = [];
  if (converter.kind === 'melody') {
    for (const example of MELODY_EXAMPLES) {
      const base = converter.toLabels(melodyExample(example));
      for (let shift = -6; shift <= 6; shift++) {
        const moved = transposeMelodyLabels(base, shift, converter.outputDepth);
        if (moved) {
          windows.push(moved);
          labels.push(example.id);
        }
      }
    }
    return { windows, labels, labelName: 'tune', dataName: `the ${MELODY_EXAMPLES.length} built-in melodies in 13 keys`, notes: [] };
  }
  for (const example of DRUM_EXAMPLES) {
    const base = converter.toLabels(drumExample(example));
    for (let start = 0; start < base.length; start += 2) {
      windows.push(Int32Array.from({ length: base.length }, (_, s) => base[(s + start) % base.length] ?? 0));
      labels.push(example.id);
    }
  }
  return { windows, labels, labelName: 'groove', dataName: `the ${DRUM_EXAMPLES.length} built-in grooves, each cut at 16 starting points`, notes: [] };
}

/** How to label windows that come from files. */
export type FileLabel = 'file' | 'folder' | 'style' | 'drummer';
export const FILE_LABELS: readonly FileLabel[] = ['file', 'folder', 'style', 'drummer'];

/**
 * The label of a window from its file's path: the file name, its folder, the Groove MIDI style
 * (`…/1_funk-groove1_138_beat_4-4.mid` → "funk") or drummer (`drummer3/…` → "drummer3"). Falls
 * back to the file name when the path does not say.
 */
export function labelFromPath(file: string, label: FileLabel): string {
  const parts = file.split(/[\\/]/);
  const name = parts.at(-1) ?? file;
  if (label === 'folder') return parts.length > 1 ? (parts.at(-2) ?? name) : name;
  if (label === 'drummer') return parts.find((p) => /^drummer\d+$/i.test(p)) ?? name;
  if (label === 'style') return /^\d+_([a-z]+)/i.exec(name)?.[1]?.toLowerCase() ?? name;
  return name;
}

/** At most `max` of `items`, a seeded random choice in their original order. */
export function sampleInOrder<T>(items: readonly T[], max: number, seed: number): T[] {
  if (items.length <= max) return items.slice();
  const keep = new Set(
    createRng(seed)
      .shuffled(items.map((_, i) => i))
      .slice(0, max),
  );
  return items.filter((_, i) => keep.has(i));
}

/**
 * The 2-bar windows of MIDI files (bytes as read from disk or a file picker), labelled by file.
 * Files that cannot be used are skipped with a note saying why; at most `maxItems` windows are kept
 * (a seeded choice). Throws when no window is left.
 */
export function midiWindowSet(
  files: readonly { name: string; bytes: Uint8Array }[],
  converter: MusicConverter,
  options: { maxItems: number; seed: number; label?: FileLabel },
): MusicWindowSet {
  const windows: Int32Array[] = [];
  const labels: string[] = [];
  const notes: string[] = [];
  /** Files that gave no window, by name (said where the set is described: "12 of 15 files (3 refused: …)"). */
  const refused: string[] = [];
  for (const f of files) {
    try {
      const midi = parseMidi(f.bytes, f.name);
      const found = fileWindows(midi, converter, { ignoreMeter: converter.kind === 'melody' });
      if (found.windows.length === 0) {
        refused.push(f.name);
        notes.push(`${f.name}: no 2-bar window with at least 2 ${converter.kind === 'melody' ? 'notes' : 'hits'}.`);
      }
      for (const w of found.windows) {
        windows.push(w);
        labels.push(labelFromPath(f.name, options.label ?? 'file'));
      }
    } catch (error) {
      if (!(error instanceof LatentLabError)) throw error;
      refused.push(f.name);
      notes.push(`${f.name}: ${error.message}`);
    }
  }
  if (windows.length === 0)
    throw new InvalidInputError(
      `None of the ${count(files.length, 'file')} has a usable 2-bar ${converter.kind === 'melody' ? 'melody' : 'drum'} window. ${notes.slice(0, 3).join(' ')}`,
    );
  const keep = sampleInOrder(
    windows.map((w, i) => i),
    options.maxItems,
    options.seed,
  );
  if (keep.length < windows.length) notes.push(`${windows.length} windows found; ${keep.length} chosen at random (seed ${options.seed}).`);
  return {
    windows: keep.map((i) => windows[i] as Int32Array),
    labels: keep.map((i) => labels[i] as string),
    labelName: options.label ?? 'file',
    dataName: `${count(keep.length, 'window')} from ${filesUsed(files.length, refused)}`,
    notes,
  };
}
