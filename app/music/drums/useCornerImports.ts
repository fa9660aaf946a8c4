'use client';
/**
 * Blend corners that came from a file (MIDI, or a groove take) keep the file's windows, so another 2
 * bars can be chosen on the corner; an import puts its 2 bars in the corner and says where they came from.
 */
import { useState } from 'react';
import { withTempo } from '@/lib/music/clips';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { midiWindows, pickWindow, type MidiWindows } from '@/lib/music/windows';
import { capitalize, count } from '@/lib/core/text';
import { inFile, readMidiFile } from '../_components/midi-file';

export interface CornerImport {
  name: string;
  found: MidiWindows;
  bar: number;
}

export function useCornerImports(options: {
  qpm: number;
  cornerNames: readonly string[];
  setCorner(corner: number, seq: QuantizedNoteSequence): void;
  onNotice(message: string): void;
}) {
  const { qpm, cornerNames, setCorner, onNotice } = options;
  const [imports, setImports] = useState<Partial<Record<number, CornerImport>>>({});
  /** Puts `imported`'s window at its bar in `corner`. */
  const apply = (corner: number, imported: CornerImport) => {
    const w = imported.found.windows[imported.bar];
    if (!w) return;
    setImports((all) => ({ ...all, [corner]: imported }));
    setCorner(corner, withTempo(w.sequence, qpm));
    onNotice(
      [
        `${cornerNames[corner]}: bars ${imported.bar + 1}–${imported.bar + 2} of ${imported.name} (${count(w.sequence.notes.length, 'hit')})`,
        ...imported.found.notes,
      ]
        .map((part) => capitalize(part) + '.')
        .join(' '),
    );
  };
  /** Reads a MIDI file into `corner`, at its first 2 bars with hits. */
  const importFile = async (corner: number, file: File) => {
    const midi = await readMidiFile(file);
    const found = inFile(file.name, () => midiWindows(midi, 'drums'));
    const w = pickWindow(found, file.name);
    apply(corner, { name: file.name, found, bar: w.startStep / found.meter.stepsPerBar });
  };
  /** The corner no longer shows a file (a preset, Clear, Reset). */
  const forget = (corner: number) => setImports((all) => ({ ...all, [corner]: undefined }));
  return { imports, apply, importFile, forget };
}
