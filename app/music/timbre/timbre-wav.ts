'use client';
/** Saving the lab's sounds as WAV files (16-bit, at the model's 16 kHz; several notes one after another with a short gap). */
import { encodeWav } from '@/lib/audio/wav';
import { downloadFile } from '@/app/_components/download';

/** Notes one after another, with `gapSeconds` of silence between them. */
export function joinNotes(notes: readonly Float32Array[], sampleRate: number, gapSeconds = 0.1): Float32Array {
  const gap = Math.round(gapSeconds * sampleRate);
  const out = new Float32Array(notes.reduce((n, c) => n + c.length, 0) + gap * Math.max(0, notes.length - 1));
  let at = 0;
  for (const c of notes) {
    out.set(c, at);
    at += c.length + gap;
  }
  return out;
}

export function notesWav(notes: readonly Float32Array[], sampleRate: number): Uint8Array {
  return encodeWav([joinNotes(notes, sampleRate)], sampleRate);
}

export function exportNotesWav(notes: readonly Float32Array[], sampleRate: number, name: string): void {
  const bytes = notesWav(notes, sampleRate);
  downloadFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, `${name}.wav`, 'audio/wav');
}
